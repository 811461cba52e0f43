#include "dialogs/mapper_form.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRandomGenerator>
#include <QStackedWidget>

namespace sluice::ui {

namespace {
enum Page { Empty, Field, Renaming, Filtering, Unsupported };

QJsonObject config(const QJsonObject& mapper) {
    return mapper.value(QStringLiteral("mapperConfiguration")).toObject();
}

// The one EQUAL condition of a filter, and whether a NOT excludes it; false when the form cannot show it.
bool simpleCondition(const QJsonObject& mapper, QJsonObject* equal, bool* exclude) {
    QJsonObject c = config(mapper).value(QStringLiteral("conditions")).toObject();
    *exclude = c.value(QStringLiteral("type")).toString() == QLatin1String("NOT");
    if (*exclude) {
        const QJsonArray list = c.value(QStringLiteral("conditions")).toArray();
        if (list.size() != 1)
            return false;
        c = list.first().toObject();
    }
    *equal = c;
    return c.value(QStringLiteral("type")).toString() == QLatin1String("EQUAL");
}

QComboBox* fieldCombo(QWidget* parent) {
    auto* box = new QComboBox(parent);
    box->setEditable(true);
    box->setInsertPolicy(QComboBox::NoInsert);
    return box;
}
} // namespace

QString mapperSummary(const QJsonObject& mapper) {
    const QString type = mapper.value(QStringLiteral("type")).toString();
    const QJsonObject c = config(mapper);
    const auto s = [&c](const char* key) { return c.value(QLatin1String(key)).toString(); };
    if (type == QLatin1String("hashing"))
        return QObject::tr("Hash %1 (%2) as %1%3").arg(s("targetField"), s("method"), s("fieldNameSuffix"));
    if (type == QLatin1String("encryption"))
        return QObject::tr("Encrypt %1 (AES-CBC) as %1%2").arg(s("targetField"), s("fieldNameSuffix"));
    if (type == QLatin1String("field-renaming"))
        return QObject::tr("Rename %1 to %2").arg(s("originalFieldName"), s("newFieldName"));
    if (type == QLatin1String("row-filtering")) {
        QJsonObject equal;
        bool exclude = false;
        if (!simpleCondition(mapper, &equal, &exclude))
            return QObject::tr("Filter rows (conditions from the connection file)");
        const QString field = equal.value(QStringLiteral("fieldName")).toString();
        const QString value = equal.value(QStringLiteral("comparisonValue")).toVariant().toString();
        return exclude ? QObject::tr("Drop rows where %1 = %2").arg(field, value)
                       : QObject::tr("Keep rows where %1 = %2").arg(field, value);
    }
    return QObject::tr("Unknown mapper `%1`").arg(type);
}

QString randomAesKey() {
    QString out;
    for (int i = 0; i < 8; ++i)
        out += QStringLiteral("%1").arg(QRandomGenerator::system()->generate(), 8, 16, QLatin1Char('0'));
    return out;
}

QJsonObject newMapper(const QString& type, const QString& field) {
    QJsonObject c;
    if (type == QLatin1String("hashing"))
        c = {{"targetField", field}, {"method", "SHA-256"}, {"fieldNameSuffix", "_hashed"}};
    else if (type == QLatin1String("encryption"))
        c = {{"algorithm", "AES"}, {"targetField", field},      {"key", randomAesKey()},
             {"mode", "CBC"},      {"padding", "PKCS5Padding"}, {"fieldNameSuffix", "_encrypted"}};
    else if (type == QLatin1String("field-renaming"))
        c = {{"originalFieldName", field}, {"newFieldName", field + QStringLiteral("_renamed")}};
    else
        c = {{"conditions", QJsonObject{{"type", "EQUAL"}, {"fieldName", field}, {"comparisonValue", ""}}}};
    return {{"type", type}, {"mapperConfiguration", c}};
}

MapperForm::MapperForm(QWidget* parent) : QWidget(parent), m_pages(new QStackedWidget(this)) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_pages);
    auto* empty = new QLabel(tr("Add a mapper, or choose one in the list to change it."), m_pages);
    empty->setWordWrap(true);
    empty->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_pages->addWidget(empty);
    m_pages->addWidget(hashingPage());
    m_pages->addWidget(renamingPage());
    m_pages->addWidget(filteringPage());
    m_unsupported = new QLabel(m_pages);
    m_unsupported->setWordWrap(true);
    m_unsupported->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_pages->addWidget(m_unsupported);
}

QWidget* MapperForm::hashingPage() {
    auto* page = new QWidget(m_pages);
    auto* form = new QFormLayout(page);
    m_target = fieldCombo(page);
    form->addRow(tr("Field:"), m_target);
    m_method = new QComboBox(page);
    m_method->addItems({"MD5", "SHA-1", "SHA-224", "SHA-256", "SHA-384", "SHA-512"});
    m_methodLabel = new QLabel(tr("Method:"), page);
    form->addRow(m_methodLabel, m_method);
    m_keyRow = new QWidget(page);
    auto* keyLayout = new QHBoxLayout(m_keyRow);
    keyLayout->setContentsMargins(0, 0, 0, 0);
    m_key = new QLineEdit(m_keyRow);
    m_key->setEchoMode(QLineEdit::Password);
    m_key->setPlaceholderText(tr("32, 48 or 64 hex digits (AES-128, -192, -256)"));
    auto* generate = new QPushButton(tr("New key"), m_keyRow);
    keyLayout->addWidget(m_key, 1);
    keyLayout->addWidget(generate);
    m_keyLabel = new QLabel(tr("Key:"), page);
    form->addRow(m_keyLabel, m_keyRow);
    m_suffix = new QLineEdit(page);
    form->addRow(tr("New field's suffix:"), m_suffix);
    auto* note = new QLabel(tr("The new field replaces the old one in the destination."), page);
    note->setWordWrap(true);
    form->addRow(note);
    connect(m_target, &QComboBox::currentTextChanged, this, &MapperForm::collect);
    connect(m_method, &QComboBox::currentTextChanged, this, &MapperForm::collect);
    connect(m_key, &QLineEdit::textChanged, this, &MapperForm::collect);
    connect(m_suffix, &QLineEdit::textChanged, this, &MapperForm::collect);
    connect(generate, &QPushButton::clicked, this, [this] { m_key->setText(randomAesKey()); });
    return page;
}

QWidget* MapperForm::renamingPage() {
    auto* page = new QWidget(m_pages);
    auto* form = new QFormLayout(page);
    m_renameFrom = fieldCombo(page);
    m_renameTo = new QLineEdit(page);
    form->addRow(tr("Field:"), m_renameFrom);
    form->addRow(tr("New name:"), m_renameTo);
    connect(m_renameFrom, &QComboBox::currentTextChanged, this, &MapperForm::collect);
    connect(m_renameTo, &QLineEdit::textChanged, this, &MapperForm::collect);
    return page;
}

QWidget* MapperForm::filteringPage() {
    auto* page = new QWidget(m_pages);
    auto* form = new QFormLayout(page);
    m_filterField = fieldCombo(page);
    m_filterValue = new QLineEdit(page);
    m_filterExclude = new QCheckBox(tr("Drop the matching rows instead of keeping them"), page);
    form->addRow(tr("Field:"), m_filterField);
    form->addRow(tr("Equals:"), m_filterValue);
    form->addRow(m_filterExclude);
    connect(m_filterField, &QComboBox::currentTextChanged, this, &MapperForm::collect);
    connect(m_filterValue, &QLineEdit::textChanged, this, &MapperForm::collect);
    connect(m_filterExclude, &QCheckBox::toggled, this, &MapperForm::collect);
    return page;
}

void MapperForm::setFields(const QStringList& fields) {
    m_loading = true;
    for (QComboBox* box : {m_target, m_renameFrom, m_filterField}) {
        const QString text = box->currentText();
        box->clear();
        box->addItems(fields);
        box->setCurrentText(text);
    }
    m_loading = false;
}

void MapperForm::setMapper(const QJsonObject& mapper) {
    m_loading = true;
    m_mapper = mapper;
    const QString type = mapper.value(QStringLiteral("type")).toString();
    const QJsonObject c = config(mapper);
    const auto s = [&c](const char* key) { return c.value(QLatin1String(key)).toString(); };
    if (type == QLatin1String("hashing") || type == QLatin1String("encryption")) {
        const bool hashing = type == QLatin1String("hashing");
        m_target->setCurrentText(s("targetField"));
        m_method->setCurrentText(s("method"));
        m_key->setText(s("key"));
        m_suffix->setText(s("fieldNameSuffix"));
        m_methodLabel->setVisible(hashing);
        m_method->setVisible(hashing);
        m_keyLabel->setVisible(!hashing);
        m_keyRow->setVisible(!hashing);
        m_pages->setCurrentIndex(Field);
    } else if (type == QLatin1String("field-renaming")) {
        m_renameFrom->setCurrentText(s("originalFieldName"));
        m_renameTo->setText(s("newFieldName"));
        m_pages->setCurrentIndex(Renaming);
    } else if (type == QLatin1String("row-filtering")) {
        QJsonObject equal;
        bool exclude = false;
        if (simpleCondition(mapper, &equal, &exclude)) {
            m_filterField->setCurrentText(equal.value(QStringLiteral("fieldName")).toString());
            m_filterValue->setText(equal.value(QStringLiteral("comparisonValue")).toVariant().toString());
            m_filterExclude->setChecked(exclude);
            m_pages->setCurrentIndex(Filtering);
        } else {
            m_unsupported->setText(tr("This filter has conditions the editor does not show (several, or "
                                      "nested NOT). It is kept as the connection file has it."));
            m_pages->setCurrentIndex(Unsupported);
        }
    } else {
        m_pages->setCurrentIndex(Empty);
    }
    m_loading = false;
}

void MapperForm::collect() {
    if (m_loading || m_mapper.isEmpty())
        return;
    const QString type = m_mapper.value(QStringLiteral("type")).toString();
    QJsonObject c = config(m_mapper);
    if (type == QLatin1String("hashing") || type == QLatin1String("encryption")) {
        c[QStringLiteral("targetField")] = m_target->currentText().trimmed();
        c[QStringLiteral("fieldNameSuffix")] = m_suffix->text();
        if (type == QLatin1String("hashing"))
            c[QStringLiteral("method")] = m_method->currentText();
        else
            c[QStringLiteral("key")] = m_key->text().trimmed();
    } else if (type == QLatin1String("field-renaming")) {
        c[QStringLiteral("originalFieldName")] = m_renameFrom->currentText().trimmed();
        c[QStringLiteral("newFieldName")] = m_renameTo->text().trimmed();
    } else if (type == QLatin1String("row-filtering") && m_pages->currentIndex() == Filtering) {
        const QJsonObject equal{{"type", "EQUAL"},
                                {"fieldName", m_filterField->currentText().trimmed()},
                                {"comparisonValue", m_filterValue->text()}};
        c[QStringLiteral("conditions")] =
            m_filterExclude->isChecked() ? QJsonObject{{"type", "NOT"}, {"conditions", QJsonArray{equal}}}
                                         : equal;
    } else {
        return;
    }
    m_mapper[QStringLiteral("mapperConfiguration")] = c;
    emit changed(m_mapper);
}

} // namespace sluice::ui
