#pragma once

#include <QJsonObject>
#include <QVector>
#include <QWidget>

class QFormLayout;
class QLabel;

namespace sluice::ui {

// A form generated from a connector's JSON Schema spec: strings, numbers, booleans, enums, secrets (masked,
// with a reveal toggle), paths with a file picker, lists and objects; defaults filled in, required fields
// marked with *, and a validation message under each field that is wrong.
class SpecForm : public QWidget {
    Q_OBJECT
public:
    explicit SpecForm(QWidget* parent = nullptr);

    // `pickSaveFile`: paths are files to create (a destination), not files to open.
    void setSpec(const QString& specJson, bool pickSaveFile = false);
    void setValues(const QJsonObject& config);
    QJsonObject values() const;
    QStringList errors() const;
    // The editor of a key (QLineEdit, QComboBox, QCheckBox, QPlainTextEdit); its objectName is the key.
    QWidget* editor(const QString& key) const;

signals:
    void changed();

private:
    struct Field {
        QString key;
        QString type;
        QJsonObject schema;
        bool required = false;
        QWidget* editor = nullptr;
        QLabel* error = nullptr;
    };
    QWidget* makeEditor(Field& f, bool pickSaveFile);
    QString fieldError(const Field& f) const;
    void setFieldValue(const Field& f, const QJsonValue& v);
    QJsonValue fieldValue(const Field& f) const;
    void validate();

    QFormLayout* m_form;
    QVector<Field> m_fields;
};

} // namespace sluice::ui
