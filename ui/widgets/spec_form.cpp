#include "widgets/spec_form.h"

#include "format.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QToolButton>
#include <algorithm>
#include <limits>

namespace sluice::ui {

SpecForm::SpecForm(QWidget* parent) : QWidget(parent), m_form(new QFormLayout(this)) {
    m_form->setContentsMargins(0, 0, 0, 0);
    m_form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
}

QWidget* SpecForm::makeEditor(Field& f, bool pickSaveFile) {
    const QString title = f.schema.value("title").toString(f.key);
    if (f.schema.contains("enum")) {
        auto* combo = new QComboBox;
        for (const auto& v : f.schema.value("enum").toArray())
            combo->addItem(v.toString());
        connect(combo, &QComboBox::currentIndexChanged, this, &SpecForm::validate);
        f.editor = combo;
        return combo;
    }
    if (f.type == QLatin1String("boolean")) {
        auto* box = new QCheckBox;
        connect(box, &QCheckBox::toggled, this, &SpecForm::validate);
        f.editor = box;
        return box;
    }
    if (f.type == QLatin1String("object")) {
        auto* text = new QPlainTextEdit;
        text->setPlaceholderText(QStringLiteral("{ }"));
        text->setFixedHeight(text->fontMetrics().lineSpacing() * 4 + 12);
        text->setTabChangesFocus(true);
        connect(text, &QPlainTextEdit::textChanged, this, &SpecForm::validate);
        f.editor = text;
        return text;
    }
    auto* line = new QLineEdit;
    connect(line, &QLineEdit::textChanged, this, &SpecForm::validate);
    f.editor = line;
    if (f.type == QLatin1String("array"))
        line->setPlaceholderText(tr("words separated by spaces"));
    if (f.type == QLatin1String("integer") || f.type == QLatin1String("number"))
        line->setPlaceholderText(f.required ? tr("a number") : tr("not set"));
    const bool secret = f.schema.value("airbyte_secret").toBool();
    const bool path = f.schema.value("format").toString() == QLatin1String("path");
    if (!secret && !path)
        return line;
    auto* row = new QWidget;
    auto* layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(line, 1);
    auto* button = new QToolButton;
    layout->addWidget(button);
    if (secret) {
        line->setEchoMode(QLineEdit::Password);
        button->setText(tr("Show"));
        button->setCheckable(true);
        button->setAccessibleName(tr("Reveal %1").arg(title));
        connect(button, &QToolButton::toggled, line, [line, button](bool on) {
            line->setEchoMode(on ? QLineEdit::Normal : QLineEdit::Password);
            button->setText(on ? tr("Hide") : tr("Show"));
        });
    } else {
        button->setText(tr("Browse…"));
        button->setAccessibleName(tr("Choose %1").arg(title));
        connect(button, &QToolButton::clicked, line, [this, line, title, pickSaveFile] {
            const QString p = pickSaveFile
                                  ? QFileDialog::getSaveFileName(this, title, line->text(), QString(),
                                                                 nullptr, QFileDialog::DontConfirmOverwrite)
                                  : QFileDialog::getOpenFileName(this, title, line->text());
            if (!p.isEmpty())
                line->setText(p);
        });
    }
    return row;
}

void SpecForm::setSpec(const QString& specJson, bool pickSaveFile) {
    while (m_form->rowCount() > 0)
        m_form->removeRow(0);
    m_fields.clear();
    const QJsonObject spec = QJsonDocument::fromJson(specJson.toUtf8()).object();
    const QJsonObject props = spec.value("properties").toObject();
    QStringList required;
    for (const auto& r : spec.value("required").toArray())
        required << r.toString();
    // Airbyte's `order` first (the built-in specs carry their written order in it); fields without one
    // after, required ones first: JSON objects come with their keys sorted, which says nothing of meaning.
    QStringList order = props.keys();
    auto rank = [&props](const QString& key) {
        const QJsonValue o = props.value(key).toObject().value("order");
        return o.isDouble() ? o.toInt() : std::numeric_limits<int>::max();
    };
    std::stable_sort(order.begin(), order.end(), [&](const QString& a, const QString& b) {
        if (rank(a) != rank(b))
            return rank(a) < rank(b);
        return required.contains(a) > required.contains(b);
    });
    for (const auto& key : order) {
        Field f;
        f.key = key;
        f.schema = props.value(key).toObject();
        f.type = f.schema.value("type").toString();
        f.required = required.contains(key);
        QWidget* widget = makeEditor(f, pickSaveFile);
        f.editor->setObjectName(key);
        const QString title = f.schema.value("title").toString(key);
        f.editor->setAccessibleName(title);
        auto* label = new QLabel(
            f.required ? QStringLiteral("%1 <span style='color:%2'>*</span>").arg(title, errorColorName())
                       : title);
        label->setBuddy(f.editor);
        label->setToolTip(f.schema.value("description").toString(key));
        f.error = new QLabel;
        f.error->setWordWrap(true);
        f.error->setStyleSheet(QStringLiteral("color:%1").arg(errorColorName()));
        f.error->hide();
        auto* box = new QWidget;
        auto* v = new QVBoxLayout(box);
        v->setContentsMargins(0, 0, 0, 0);
        v->setSpacing(2);
        v->addWidget(widget);
        v->addWidget(f.error);
        m_form->addRow(label, box);
        m_fields.push_back(f);
        if (f.schema.contains("default"))
            setFieldValue(m_fields.back(), f.schema.value("default"));
    }
    validate();
}

void SpecForm::setFieldValue(const Field& f, const QJsonValue& v) {
    if (auto* combo = qobject_cast<QComboBox*>(f.editor))
        combo->setCurrentText(v.toString());
    else if (auto* box = qobject_cast<QCheckBox*>(f.editor))
        box->setChecked(v.toBool());
    else if (auto* text = qobject_cast<QPlainTextEdit*>(f.editor))
        text->setPlainText(v.isObject() ? QString::fromUtf8(QJsonDocument(v.toObject()).toJson())
                                        : QString());
    else if (auto* line = qobject_cast<QLineEdit*>(f.editor)) {
        if (v.isArray()) {
            QStringList parts;
            for (const auto& x : v.toArray())
                parts << x.toString();
            line->setText(parts.join(QLatin1Char(' ')));
        } else if (v.isDouble()) {
            line->setText(f.type == QLatin1String("integer") ? QString::number(qint64(v.toDouble()))
                                                             : QString::number(v.toDouble()));
        } else {
            line->setText(v.toString());
        }
    }
}

void SpecForm::setValues(const QJsonObject& config) {
    for (const auto& f : m_fields)
        if (config.contains(f.key))
            setFieldValue(f, config.value(f.key));
    validate();
}

QJsonValue SpecForm::fieldValue(const Field& f) const {
    if (auto* combo = qobject_cast<QComboBox*>(f.editor))
        return combo->currentText();
    if (auto* box = qobject_cast<QCheckBox*>(f.editor))
        return box->isChecked();
    if (auto* text = qobject_cast<QPlainTextEdit*>(f.editor)) {
        const auto doc = QJsonDocument::fromJson(text->toPlainText().toUtf8());
        return doc.isObject() ? QJsonValue(doc.object()) : QJsonValue();
    }
    const QString t = qobject_cast<QLineEdit*>(f.editor)->text().trimmed();
    if (t.isEmpty())
        return {};
    if (f.type == QLatin1String("integer"))
        return double(t.toLongLong());
    if (f.type == QLatin1String("number"))
        return t.toDouble();
    if (f.type == QLatin1String("array")) {
        QJsonArray a;
        for (const auto& part : t.split(QLatin1Char(' '), Qt::SkipEmptyParts))
            a.append(part);
        return a;
    }
    return t;
}

QString SpecForm::fieldError(const Field& f) const {
    if (auto* text = qobject_cast<QPlainTextEdit*>(f.editor)) {
        const QString t = text->toPlainText().trimmed();
        if (!t.isEmpty() && !QJsonDocument::fromJson(t.toUtf8()).isObject())
            return tr("Must be a JSON object, like {\"key\": \"value\"}.");
        return {};
    }
    auto* line = qobject_cast<QLineEdit*>(f.editor);
    if (!line)
        return {};
    const QString t = line->text().trimmed();
    if (t.isEmpty())
        return f.required ? tr("Required.") : QString();
    if (f.type == QLatin1String("integer") || f.type == QLatin1String("number")) {
        bool ok = false;
        const double v = f.type == QLatin1String("integer") ? double(t.toLongLong(&ok)) : t.toDouble(&ok);
        if (!ok)
            return f.type == QLatin1String("integer") ? tr("Must be a whole number.")
                                                      : tr("Must be a number.");
        if (f.schema.contains("minimum") && v < f.schema.value("minimum").toDouble())
            return tr("Must be at least %1.").arg(f.schema.value("minimum").toDouble());
        if (f.schema.contains("maximum") && v > f.schema.value("maximum").toDouble())
            return tr("Must be at most %1.").arg(f.schema.value("maximum").toDouble());
    }
    return {};
}

QJsonObject SpecForm::values() const {
    QJsonObject out;
    for (const auto& f : m_fields) {
        const QJsonValue v = fieldValue(f);
        if (!v.isNull() && !v.isUndefined())
            out.insert(f.key, v);
    }
    return out;
}

QStringList SpecForm::errors() const {
    QStringList out;
    for (const auto& f : m_fields)
        if (const QString e = fieldError(f); !e.isEmpty())
            out << QStringLiteral("%1: %2").arg(f.schema.value("title").toString(f.key), e);
    return out;
}

QWidget* SpecForm::editor(const QString& key) const {
    for (const auto& f : m_fields)
        if (f.key == key)
            return f.editor;
    return nullptr;
}

void SpecForm::validate() {
    for (const auto& f : m_fields) {
        const QString e = fieldError(f);
        f.error->setText(e);
        f.error->setVisible(!e.isEmpty());
    }
    emit changed();
}

} // namespace sluice::ui
