#include "dialogs/connection_dialog.h"

#include "connectors/connector_specs.h"
#include "engine/engine.h"
#include "engine/stream_choice.h"
#include "engine_bridge.h"
#include "format.h"
#include "models/stream_table_model.h"
#include "widgets/spec_form.h"
#include "widgets/stream_delegate.h"
#include "widgets/task_busy_bar.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollArea>
#include <QTableView>
#include <QVBoxLayout>

namespace sluice::ui {

using core::ConnectorRole;

namespace {
QComboBox* typeCombo(ConnectorRole role, const QString& name) {
    auto* combo = new QComboBox;
    combo->setAccessibleName(name);
    for (const auto& t : core::connectorTypes(role))
        combo->addItem(QIcon(role == ConnectorRole::Source ? sourceIconPath(QString::fromStdString(t))
                                                           : destinationIconPath(QString::fromStdString(t))),
                       QString::fromStdString(core::connectorDisplayName(role, t)),
                       QString::fromStdString(t));
    return combo;
}

QGroupBox* connectorBox(const QString& title, QComboBox* type, SpecForm* form) {
    auto* box = new QGroupBox(title);
    auto* layout = new QVBoxLayout(box);
    auto* typeRow = new QFormLayout;
    typeRow->addRow(QObject::tr("Type"), type);
    layout->addLayout(typeRow);
    layout->addWidget(form);
    layout->addStretch(1);
    return box;
}
} // namespace

ConnectionDialog::ConnectionDialog(EngineBridge* engine, const sluice::core::ConnectionDetails* existing,
                                   QWidget* parent)
    : QDialog(parent), m_engine(engine), m_name(new QLineEdit),
      m_sourceType(typeCombo(ConnectorRole::Source, tr("Source type"))),
      m_destinationType(typeCombo(ConnectorRole::Destination, tr("Destination type"))),
      m_sourceForm(new SpecForm), m_destinationForm(new SpecForm), m_streams(new StreamTableModel(this)),
      m_streamView(new QTableView), m_test(new QPushButton(tr("&Test connection"))),
      m_discover(new QPushButton(tr("&Discover streams"))), m_save(new QPushButton(tr("&Save"))),
      m_busy(new TaskBusyBar(
          engine,
          [this](const core::TaskInfo& t) {
              return t.token == m_token &&
                     (t.kind == core::TaskKind::Check || t.kind == core::TaskKind::Discover);
          },
          0)),
      m_checkResult(new QLabel), m_message(new QLabel), m_schema(new QLabel) {
    setWindowTitle(existing ? tr("Edit connection %1").arg(existing->name) : tr("New connection"));
    m_name->setAccessibleName(tr("Connection name"));
    m_name->setPlaceholderText(tr("e.g. sales"));
    m_streams->setShowStatus(false);
    m_streamView->setModel(m_streams);
    m_streamView->setItemDelegate(new StreamDelegate(m_streamView));
    m_streamView->setAccessibleName(tr("Streams of the source"));
    m_streamView->verticalHeader()->hide();
    m_streamView->setShowGrid(false);
    m_streamView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_streamView->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_streamView->horizontalHeader()->setStretchLastSection(true);
    for (int c = StreamTableModel::kFirstStatusColumn; c < StreamTableModel::ColumnCount; ++c)
        m_streamView->hideColumn(c);
    m_checkResult->setWordWrap(true);
    m_checkResult->setTextFormat(Qt::RichText);
    m_message->setWordWrap(true);
    m_message->setTextFormat(Qt::RichText);
    m_save->setDefault(true);

    auto* nameRow = new QFormLayout;
    nameRow->addRow(tr("&Name <span style='color:%1'>*</span>").arg(errorColorName()), m_name);
    auto* connectors = new QHBoxLayout;
    connectors->addWidget(connectorBox(tr("Source"), m_sourceType, m_sourceForm), 1);
    connectors->addWidget(connectorBox(tr("Destination"), m_destinationType, m_destinationForm), 1);
    auto* actions = new QHBoxLayout;
    actions->addWidget(m_test);
    actions->addWidget(m_discover);
    actions->addWidget(m_busy);
    actions->addWidget(m_checkResult, 1);
    auto* streamsBox = new QGroupBox(tr("Streams"));
    auto* streamsLayout = new QVBoxLayout(streamsBox);
    streamsLayout->addWidget(m_streamView);
    m_schema->setWordWrap(true);
    m_schema->setTextFormat(Qt::RichText);
    m_schema->setAccessibleName(tr("Columns of the selected stream"));
    streamsLayout->addWidget(m_schema);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel);
    buttons->addButton(m_save, QDialogButtonBox::AcceptRole);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(nameRow);
    layout->addLayout(connectors);
    layout->addLayout(actions);
    layout->addWidget(streamsBox, 1);
    layout->addWidget(m_message);
    layout->addWidget(buttons);
    resize(900, 680);

    connect(m_sourceType, &QComboBox::currentIndexChanged, this, &ConnectionDialog::onSourceTypeChanged);
    connect(m_destinationType, &QComboBox::currentIndexChanged, this,
            &ConnectionDialog::onDestinationTypeChanged);
    connect(m_name, &QLineEdit::textChanged, this, &ConnectionDialog::updateState);
    connect(m_sourceForm, &SpecForm::changed, this, &ConnectionDialog::updateState);
    connect(m_destinationForm, &SpecForm::changed, this, &ConnectionDialog::updateState);
    connect(m_streams, &StreamTableModel::editsChanged, this, &ConnectionDialog::updateState);
    connect(m_streams, &StreamTableModel::editsChanged, this, &ConnectionDialog::updateSchemaPreview);
    connect(m_streamView->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &ConnectionDialog::updateSchemaPreview);
    connect(m_streams, &QAbstractItemModel::modelReset, this, &ConnectionDialog::updateSchemaPreview);
    connect(m_test, &QPushButton::clicked, this, &ConnectionDialog::testConnection);
    connect(m_discover, &QPushButton::clicked, this, &ConnectionDialog::discover);
    connect(m_save, &QPushButton::clicked, this, &ConnectionDialog::save);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* e = m_engine->engine();
    connect(e, &core::Engine::checkFinished, this, &ConnectionDialog::onChecked);
    connect(e, &core::Engine::discoverFinished, this, &ConnectionDialog::onDiscovered);
    connect(e, &core::Engine::connectionSaved, this, &ConnectionDialog::onSaved);
    connect(m_busy, &TaskBusyBar::taskEnded, this, &ConnectionDialog::onTaskEnded);

    if (existing) {
        m_id = existing->id;
        m_baseJson = existing->json;
        const QJsonObject root = QJsonDocument::fromJson(existing->json.toUtf8()).object();
        m_name->setText(existing->name);
        m_sourceType->setCurrentIndex(qMax(0, m_sourceType->findData(existing->sourceType)));
        m_destinationType->setCurrentIndex(qMax(0, m_destinationType->findData(existing->destinationType)));
        onSourceTypeChanged();
        onDestinationTypeChanged();
        m_sourceForm->setValues(root.value("source").toObject().value("config").toObject());
        m_destinationForm->setValues(root.value("destination").toObject().value("config").toObject());
        m_streams->setStreams(existing->streams);
    } else {
        m_sourceType->setCurrentIndex(qMax(0, m_sourceType->findData(QStringLiteral("demo"))));
        m_destinationType->setCurrentIndex(qMax(0, m_destinationType->findData(QStringLiteral("sqlite"))));
        onSourceTypeChanged();
        onDestinationTypeChanged();
        m_destinationForm->setValues({{"path", m_engine->home() + QStringLiteral("/warehouse.sqlite")}});
    }
    updateState();
}

ConnectionDialog::~ConnectionDialog() {
    m_busy->cancel();
}

void ConnectionDialog::onSourceTypeChanged() {
    const std::string type = m_sourceType->currentData().toString().toStdString();
    m_sourceForm->setSpec(QString::fromStdString(core::connectorSpecJson(ConnectorRole::Source, type)));
    m_streams->setStreams({}); // another source has other streams
    updateState();
}

void ConnectionDialog::onDestinationTypeChanged() {
    const std::string type = m_destinationType->currentData().toString().toStdString();
    m_destinationForm->setSpec(
        QString::fromStdString(core::connectorSpecJson(ConnectorRole::Destination, type)), true);
    updateState();
}

QString ConnectionDialog::connectionJson() const {
    QJsonObject root = QJsonDocument::fromJson(m_baseJson.toUtf8()).object();
    root.insert("name", m_name->text().trimmed());
    root.insert("source", QJsonObject{{"type", m_sourceType->currentData().toString()},
                                      {"config", m_sourceForm->values()}});
    root.insert("destination", QJsonObject{{"type", m_destinationType->currentData().toString()},
                                           {"config", m_destinationForm->values()}});
    if (!root.contains("streams"))
        root.insert("streams", QJsonArray());
    return core::applyStreamRows(QString::fromUtf8(QJsonDocument(root).toJson()), m_streams->rows());
}

void ConnectionDialog::setBusy(const QString& what) {
    if (!what.isEmpty())
        m_checkResult->setText(what);
    if (what.isEmpty())
        m_busy->clearPending();
    m_test->setEnabled(what.isEmpty());
    m_discover->setEnabled(what.isEmpty());
}

void ConnectionDialog::testConnection() {
    m_token = m_engine->nextToken();
    setBusy(tr("Testing the connection…"));
    m_busy->setPending(core::taskTitle(core::TaskKind::Check));
    m_engine->engine()->checkConnection(m_token, connectionJson());
}

void ConnectionDialog::onTaskEnded(const sluice::core::TaskInfo& task) {
    if (task.token != m_token || task.status != core::TaskStatus::Cancelled)
        return; // an answer comes with the others
    setBusy({});
    m_checkResult->setText(task.kind == core::TaskKind::Check
                               ? tr("Test cancelled: the connector was stopped.")
                               : tr("Discovery cancelled: the connector was stopped."));
}

void ConnectionDialog::onChecked(const sluice::core::CheckResult& r) {
    if (r.token != m_token)
        return;
    setBusy({});
    auto line = [](bool ok, const QString& what, const QString& message) {
        return QStringLiteral("<span style='color:%1'>%2</span> %3: %4")
            .arg(ok ? QStringLiteral("#2ea043") : errorColorName(),
                 ok ? QStringLiteral("\u2714") : QStringLiteral("\u2716"), what, message.toHtmlEscaped());
    };
    m_checkResult->setText(line(r.sourceOk, tr("Source"), r.sourceMessage) + QStringLiteral("<br>") +
                           line(r.destinationOk, tr("Destination"), r.destinationMessage));
    const bool passed = r.sourceOk && r.destinationOk;
    m_failedTestJson = passed ? QString() : connectionJson();
    m_failedTestMessage =
        !r.sourceOk ? tr("Source: %1").arg(r.sourceMessage) : tr("Destination: %1").arg(r.destinationMessage);
}

void ConnectionDialog::discover() {
    m_token = m_engine->nextToken();
    setBusy(tr("Discovering the streams…"));
    m_busy->setPending(core::taskTitle(core::TaskKind::Discover));
    m_engine->engine()->discoverStreams(m_token, connectionJson());
}

void ConnectionDialog::onDiscovered(const sluice::core::DiscoverResult& r) {
    if (r.token != m_token)
        return;
    setBusy({});
    if (!r.error.isEmpty()) {
        m_checkResult->setText(QStringLiteral("<span style='color:%1'>%2</span>")
                                   .arg(errorColorName(), r.error.toHtmlEscaped()));
        return;
    }
    // Streams configured before keep their choices; the engine already merged them into the rows.
    m_streams->setStreams(r.streams);
    m_checkResult->setText(tr("%n stream(s) found.", nullptr, int(r.streams.size())));
    updateState();
}

// What the destination table of the chosen stream will hold: its columns with their types, and which is
// the cursor and the key, before anything is saved or synced.
void ConnectionDialog::updateSchemaPreview() {
    const int row = m_streamView->currentIndex().isValid() ? m_streamView->currentIndex().row() : 0;
    const sluice::core::StreamRow* s = m_streams->rowAt(row);
    if (!s) {
        m_schema->setText(tr("Discover the streams to see their columns here."));
        return;
    }
    const QJsonObject props = QJsonDocument::fromJson(s->schemaJson.toUtf8())
                                  .object()
                                  .value("json_schema")
                                  .toObject()
                                  .value("properties")
                                  .toObject();
    QStringList columns;
    for (const QString& c : s->columns) {
        QStringList types;
        const QJsonValue t = props.value(c).toObject().value("type");
        for (const QJsonValue& v : t.isArray() ? t.toArray() : QJsonArray{t})
            if (v.isString() && v.toString() != QLatin1String("null"))
                types << v.toString();
        QStringList notes;
        if (types.size() > 2)
            notes << tr("any JSON"); // a column the schema leaves open
        else if (!types.isEmpty())
            notes << types.join(QLatin1Char('/'));
        if (c == s->cursor)
            notes << tr("cursor");
        if (s->primaryKey.contains(c))
            notes << tr("primary key");
        columns << (notes.isEmpty()
                        ? c.toHtmlEscaped()
                        : QStringLiteral("<b>%1</b> (%2)").arg(c.toHtmlEscaped(), notes.join(", ")));
    }
    m_schema->setText(
        columns.isEmpty()
            ? tr("Columns of %1: known after Discover streams.").arg(s->name.toHtmlEscaped())
            : tr("Columns of %1: %2").arg(s->name.toHtmlEscaped(), columns.join(QStringLiteral(", "))));
}

void ConnectionDialog::updateState() {
    QStringList problems;
    const QString name = m_name->text().trimmed();
    if (name.isEmpty())
        problems << tr("Give the connection a name.");
    else if (name.toLongLong() > 0 || name == QLatin1String("0"))
        problems << tr("The name must not be a number: numbers are connection ids.");
    problems << m_sourceForm->errors() << m_destinationForm->errors() << m_streams->errors();
    if (m_streams->rowCount() == 0)
        problems << tr("Press Discover streams to load the streams of the source.");
    m_message->setText(problems.isEmpty() ? QString()
                                          : QStringLiteral("<span style='color:%1'>%2</span>")
                                                .arg(errorColorName(), problems.first().toHtmlEscaped()));
    m_save->setEnabled(problems.isEmpty());
}

QMessageBox* ConnectionDialog::saveAnywayPrompt() const {
    return m_saveAnyway;
}

void ConnectionDialog::save() {
    if (!m_save->isEnabled())
        return;
    // A connection that just failed its test is saved only when the user means it (a server down for now).
    if (!m_failedTestJson.isEmpty() && m_failedTestJson == connectionJson()) {
        auto* box =
            new QMessageBox(QMessageBox::Warning, tr("Save connection"),
                            tr("Test connection failed for these settings."), QMessageBox::Cancel, this);
        box->setInformativeText(m_failedTestMessage + QStringLiteral("\n\n") +
                                tr("Its syncs will fail until this is fixed. Save it anyway?"));
        auto* anyway = box->addButton(tr("Save anyway"), QMessageBox::AcceptRole);
        box->setDefaultButton(QMessageBox::Cancel);
        box->setAttribute(Qt::WA_DeleteOnClose);
        connect(box, &QMessageBox::buttonClicked, this, [this, anyway](QAbstractButton* b) {
            if (b != anyway)
                return;
            m_failedTestJson.clear();
            save();
        });
        m_saveAnyway = box;
        box->open();
        return;
    }
    QStringList schemas;
    for (const auto& s : m_streams->rows())
        if (!s.schemaJson.isEmpty())
            schemas << s.schemaJson;
    m_token = m_engine->nextToken();
    m_save->setEnabled(false);
    m_engine->engine()->saveConnection(m_token, m_id, connectionJson(), schemas);
}

void ConnectionDialog::onSaved(const sluice::core::SaveResult& r) {
    if (r.token != m_token)
        return;
    if (!r.error.isEmpty()) {
        m_message->setText(QStringLiteral("<span style='color:%1'>%2</span>")
                               .arg(errorColorName(), r.error.toHtmlEscaped()));
        m_save->setEnabled(true);
        return;
    }
    m_savedId = r.id;
    accept();
}

} // namespace sluice::ui
