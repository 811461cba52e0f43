#pragma once

#include <QJsonObject>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QStackedWidget;

namespace sluice::ui {

// One of Airbyte's mappers in the editor's terms: what it does to which field. The JSON is the connection
// file's (type, mapperConfiguration); a row filter the form cannot show (nested NOT, several conditions)
// is kept as it is and named as such.
QString mapperSummary(const QJsonObject& mapper);
// A new mapper of `type` (hashing, field-renaming, row-filtering, encryption) on `field`, with Airbyte's
// defaults; an encryption mapper gets a fresh random AES-256 key.
QJsonObject newMapper(const QString& type, const QString& field);
// 64 hex digits from the system's random source.
QString randomAesKey();

// Edits one mapper: the page of its type, fields offered from `fields` (editable: a mapper may name what an
// earlier one made). Emits changed() with the whole mapper after every edit.
class MapperForm : public QWidget {
    Q_OBJECT
public:
    explicit MapperForm(QWidget* parent = nullptr);

    void setFields(const QStringList& fields);
    // Shows `mapper` (an empty object: nothing to edit).
    void setMapper(const QJsonObject& mapper);
    QJsonObject mapper() const { return m_mapper; }

    QComboBox* targetField() const { return m_target; }
    QComboBox* method() const { return m_method; }
    QLineEdit* suffix() const { return m_suffix; }
    QComboBox* renameFrom() const { return m_renameFrom; }
    QLineEdit* renameTo() const { return m_renameTo; }
    QComboBox* filterField() const { return m_filterField; }
    QLineEdit* filterValue() const { return m_filterValue; }
    QCheckBox* filterExclude() const { return m_filterExclude; }
    QLineEdit* key() const { return m_key; }

signals:
    void changed(const QJsonObject& mapper);

private:
    QWidget* hashingPage();
    QWidget* renamingPage();
    QWidget* filteringPage();
    void collect();

    QJsonObject m_mapper;
    bool m_loading = false;
    QStackedWidget* m_pages;
    QComboBox* m_target;
    QLabel* m_methodLabel;
    QComboBox* m_method;
    QLabel* m_keyLabel;
    QLineEdit* m_key;
    QWidget* m_keyRow;
    QLineEdit* m_suffix;
    QComboBox* m_renameFrom;
    QLineEdit* m_renameTo;
    QComboBox* m_filterField;
    QLineEdit* m_filterValue;
    QCheckBox* m_filterExclude;
    QLabel* m_unsupported;
};

} // namespace sluice::ui
