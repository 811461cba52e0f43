#include "widgets/settings_panel.h"

#include "config/connection_config.h"
#include "config/cron_expression.h"
#include "engine/engine.h"
#include "engine_bridge.h"
#include "format.h"
#include "schedule_preview.h"
#include "widgets/views.h"

#include <QButtonGroup>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QTimer>
#include <QVBoxLayout>

namespace sluice::ui {

namespace {
QSpinBox* spin(int min, int max, const QString& suffix, const QString& name) {
    auto* s = new QSpinBox;
    s->setRange(min, max);
    s->setSuffix(suffix);
    s->setAccessibleName(name);
    s->setMinimumWidth(120);
    s->setMaximumWidth(200);
    s->setGroupSeparatorShown(true);
    return s;
}
} // namespace

SettingsPanel::SettingsPanel(EngineBridge* engine, QWidget* parent)
    : QWidget(parent), m_engine(engine), m_scheduleGroup(new QButtonGroup(this)) {
    m_manual = new QRadioButton(tr("&Manual: only when I press Sync"));
    m_interval = new QRadioButton(tr("&Every"));
    m_cron = new QRadioButton(tr("C&ron expression"));
    m_scheduleGroup->addButton(m_manual);
    m_scheduleGroup->addButton(m_interval);
    m_scheduleGroup->addButton(m_cron);
    m_minutes = spin(1, 7 * 24 * 60, tr(" minute"), tr("Interval in minutes")); // at 1 until loaded
    m_expression = new QLineEdit;
    m_expression->setPlaceholderText(QStringLiteral("*/15 * * * *"));
    m_expression->setAccessibleName(tr("Cron expression"));
    auto* schedule = new QGroupBox(tr("Schedule"));
    auto* sl = new QFormLayout(schedule);
    sl->addRow(m_manual);
    auto* intervalRow = new QHBoxLayout;
    intervalRow->addWidget(m_interval);
    intervalRow->addWidget(m_minutes);
    intervalRow->addStretch(1);
    sl->addRow(intervalRow);
    auto* cronRow = new QHBoxLayout;
    cronRow->addWidget(m_cron);
    cronRow->addWidget(m_expression, 1);
    sl->addRow(cronRow);
    m_preview = new QLabel;
    m_preview->setWordWrap(true);
    m_preview->setTextFormat(Qt::RichText);
    m_preview->setAccessibleName(tr("Next runs"));
    sl->addRow(m_preview);
    auto* note = new QLabel(tr("Scheduled syncs wait while a refresh is pending or a job runs."));
    note->setWordWrap(true);
    note->setForegroundRole(QPalette::PlaceholderText);
    sl->addRow(note);

    m_checkpoint = spin(1, 100000000, tr(" records"), tr("State checkpoint interval"));
    m_policy = new QComboBox;
    m_policy->setAccessibleName(tr("Schema-change policy"));
    m_policy->addItem(tr("Block changed streams until a refresh"), QStringLiteral("block"));
    m_policy->addItem(tr("Propagate column changes"), QStringLiteral("propagate_columns"));
    m_policy->addItem(tr("Propagate columns and streams"), QStringLiteral("propagate_fully"));
    m_policy->addItem(tr("Ignore: keep the configured columns"), QStringLiteral("ignore"));
    auto* sync = new QGroupBox(tr("Syncing"));
    auto* syl = new QFormLayout(sync);
    syl->addRow(tr("Checkpoint every"), m_checkpoint);
    syl->addRow(tr("When the schema changes"), m_policy);

    m_prefix = new QLineEdit;
    m_prefix->setPlaceholderText(tr("none, e.g. crm_"));
    m_prefix->setAccessibleName(tr("Table prefix"));
    m_prefix->setMaximumWidth(280);
    m_prefix->setToolTip(tr("Prepended to the name of every table this connection writes, its history and "
                            "staging tables too"));
    auto* tables = new QGroupBox(tr("Destination tables"));
    auto* tl = new QFormLayout(tables);
    tl->addRow(tr("Table &prefix"), m_prefix);
    auto* prefixNote = new QLabel(tr("A table belongs to the first connection that writes it: another "
                                     "connection with streams of the same names needs a prefix of its own. "
                                     "After a change, the next sync writes new tables; the old ones keep "
                                     "their data."));
    prefixNote->setWordWrap(true);
    prefixNote->setForegroundRole(QPalette::PlaceholderText);
    tl->addRow(prefixNote);

    m_maxAttempts = spin(1, 1000, QString(), tr("Maximum attempts per job"));
    m_maxFailures = spin(1, 1000, QString(), tr("Maximum consecutive failures"));
    m_backoff = spin(0, 3600, tr(" s"), tr("Backoff between failed attempts"));
    auto* retry = new QGroupBox(tr("Retries"));
    auto* rl = new QFormLayout(retry);
    rl->addRow(tr("Attempts per job, at most"), m_maxAttempts);
    rl->addRow(tr("Failures in a row, at most"), m_maxFailures);
    rl->addRow(tr("Wait after a failed attempt"), m_backoff);
    m_backoff->setToolTip(tr("Tripled after each failure in a row, at most 5 minutes; 0: no wait"));

    m_message = new QLabel;
    wrapWithinWidth(m_message);
    m_message->setWordWrap(true);
    m_save = new QPushButton(tr("&Save settings"));
    m_revert = new QPushButton(tr("Re&vert"));
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_message, 1);
    buttons->addWidget(m_revert);
    buttons->addWidget(m_save);

    // One column of a readable width: settings are read top to bottom, not across a wide window.
    auto* form = new QWidget;
    form->setMaximumWidth(720);
    auto* column = new QVBoxLayout(form);
    column->setContentsMargins(0, 0, 0, 0);
    column->addWidget(schedule);
    column->addWidget(sync);
    column->addWidget(tables);
    column->addWidget(retry);
    column->addStretch(1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 8, 0, 0);
    // Scrolled on a small screen, so the window never has to be taller than the screen for it.
    auto* scroll = new QScrollArea;
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidgetResizable(true);
    scroll->setWidget(form);
    scroll->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    layout->addWidget(scroll, 1);
    layout->addLayout(buttons);

    auto changed = [this] {
        if (!m_loading)
            m_dirty = true;
        updateState();
    };
    connect(m_scheduleGroup, &QButtonGroup::buttonToggled, this, changed);
    for (auto* s : {m_minutes, m_checkpoint, m_maxAttempts, m_maxFailures, m_backoff})
        connect(s, &QSpinBox::valueChanged, this, changed);
    connect(m_expression, &QLineEdit::textChanged, this, changed);
    connect(m_prefix, &QLineEdit::textChanged, this, changed);
    connect(m_policy, &QComboBox::currentIndexChanged, this, changed);
    // "1 minute", not "1 minutes".
    connect(m_minutes, &QSpinBox::valueChanged, this,
            [this](int n) { m_minutes->setSuffix(n == 1 ? tr(" minute") : tr(" minutes")); });
    // The next runs move on with the clock, also while nothing is typed.
    auto* tick = new QTimer(this);
    tick->setInterval(30000);
    connect(tick, &QTimer::timeout, this, &SettingsPanel::updatePreview);
    tick->start();
    connect(m_save, &QPushButton::clicked, this, &SettingsPanel::save);
    connect(m_revert, &QPushButton::clicked, this, &SettingsPanel::load);
    connect(m_engine->engine(), &core::Engine::connectionSaved, this,
            [this](const sluice::core::SaveResult& r) {
                if (r.token != m_token || !m_token)
                    return;
                m_token = 0;
                m_dirty = !r.error.isEmpty();
                m_message->setText(r.error.isEmpty() ? tr("Saved.") : r.error);
                updateState();
            });
    setEnabled(false);
}

void SettingsPanel::setDetails(const sluice::core::ConnectionDetails& details) {
    const bool same = details.id == m_details.id;
    m_details = details;
    setEnabled(details.id != 0);
    if (!same || !m_dirty)
        load();
    else
        updatePreview(); // an interval counts from the newest job, which may have changed
}

void SettingsPanel::load() {
    m_loading = true;
    const QJsonObject settings =
        QJsonDocument::fromJson(m_details.json.toUtf8()).object().value("settings").toObject();
    const QJsonObject schedule = settings.value("schedule").toObject();
    const QString type = schedule.value("type").toString(QStringLiteral("manual"));
    (type == QLatin1String("interval") ? m_interval
     : type == QLatin1String("cron")   ? m_cron
                                       : m_manual)
        ->setChecked(true);
    m_minutes->setValue(schedule.value("minutes").toInt(60));
    m_expression->setText(schedule.value("expression").toString());
    m_checkpoint->setValue(settings.value("state_checkpoint_interval").toInt(10000));
    m_policy->setCurrentIndex(
        qMax(0, m_policy->findData(settings.value("schema_change_policy").toString("block"))));
    m_prefix->setText(settings.value("prefix").toString());
    const QJsonObject retry = settings.value("retry").toObject();
    m_maxAttempts->setValue(retry.value("max_attempts").toInt(20));
    m_maxFailures->setValue(retry.value("max_consecutive_failures").toInt(5));
    m_backoff->setValue(retry.value("backoff_seconds").toInt(10));
    m_loading = false;
    m_dirty = false;
    m_message->clear();
    updateState();
}

QString SettingsPanel::error() const {
    if (const std::string problem = core::tablePrefixProblem(m_prefix->text().trimmed().toStdString());
        !problem.empty())
        return tr("The table prefix %1.").arg(QString::fromStdString(problem));
    if (!m_cron->isChecked())
        return {};
    auto cron = core::CronExpression::parse(m_expression->text().trimmed().toStdString());
    return cron ? QString() : QString::fromStdString(cron.error().message);
}

void SettingsPanel::setPreviewClock(std::function<QDateTime()> now, const QTimeZone& zone) {
    m_now = std::move(now);
    m_zone = zone;
    updatePreview();
}

void SettingsPanel::updatePreview() {
    ScheduleForm form;
    form.kind = m_interval->isChecked() ? ScheduleForm::Interval
                : m_cron->isChecked()   ? ScheduleForm::Cron
                                        : ScheduleForm::Manual;
    form.minutes = m_minutes->value();
    form.expression = m_expression->text();
    bool bad = false;
    const QDateTime now = m_now ? m_now() : QDateTime::currentDateTimeUtc();
    const QString text = ui::schedulePreview(form, m_details.lastJobStartedAt, now, m_zone, &bad);
    m_preview->setText(
        bad ? QStringLiteral("<span style='color:%1'>%2</span>").arg(errorColorName(), text.toHtmlEscaped())
            : text.toHtmlEscaped());
    m_preview->setForegroundRole(bad ? QPalette::WindowText : QPalette::PlaceholderText);
    m_cronError = bad ? text : QString();
    m_preview->setVisible(!text.isEmpty());
}

void SettingsPanel::updateState() {
    m_minutes->setEnabled(m_interval->isChecked());
    m_expression->setEnabled(m_cron->isChecked());
    updatePreview();
    const QString e = error();
    if (!e.isEmpty() && e == m_cronError) // the error itself is under the expression, where it is typed
        m_message->setText(QStringLiteral("<span style='color:%1'>%2</span>")
                               .arg(errorColorName(), tr("Fix the cron expression to save.")));
    else if (!e.isEmpty())
        m_message->setText(
            QStringLiteral("<span style='color:%1'>%2</span>").arg(errorColorName(), e.toHtmlEscaped()));
    else if (m_dirty)
        m_message->setText(tr("Unsaved changes."));
    m_save->setEnabled(m_dirty && e.isEmpty() && m_details.id);
    m_revert->setEnabled(m_dirty);
}

QString SettingsPanel::settingsJson() const {
    QJsonObject root = QJsonDocument::fromJson(m_details.json.toUtf8()).object();
    QJsonObject schedule{{"type", "manual"}};
    if (m_interval->isChecked())
        schedule = {{"type", "interval"}, {"minutes", m_minutes->value()}};
    else if (m_cron->isChecked())
        schedule = {{"type", "cron"}, {"expression", m_expression->text().trimmed()}};
    // Settings this form does not show are kept as they are.
    QJsonObject settings = root.value("settings").toObject();
    settings.insert("state_checkpoint_interval", m_checkpoint->value());
    settings.insert("schema_change_policy", m_policy->currentData().toString());
    settings.insert("schedule", schedule);
    settings.insert("prefix", m_prefix->text().trimmed());
    QJsonObject retry = settings.value("retry").toObject();
    retry.insert("max_attempts", m_maxAttempts->value());
    retry.insert("max_consecutive_failures", m_maxFailures->value());
    retry.insert("backoff_seconds", m_backoff->value());
    settings.insert("retry", retry);
    root.insert("settings", settings);
    root.remove("id");
    return QString::fromUtf8(QJsonDocument(root).toJson());
}

void SettingsPanel::save() {
    if (!m_save->isEnabled())
        return;
    m_token = m_engine->nextToken();
    m_message->setText(tr("Saving…"));
    m_engine->engine()->saveConnection(m_token, m_details.id, settingsJson());
}

} // namespace sluice::ui
