#include "main_window.h"

#include "engine/engine.h"
#include "engine_bridge.h"
#include "format.h"
#include "models/connection_list_model.h"
#include "models/stream_table_model.h"
#include "resources.h"
#include "util/logging.h"
#include "widgets/app_log_dock.h"
#include "widgets/generations_panel.h"
#include "widgets/jobs_panel.h"
#include "widgets/settings_panel.h"
#include "widgets/streams_panel.h"
#include "widgets/task_busy_bar.h"
#include "widgets/tray_notifier.h"
#include "widgets/views.h"

#include <QApplication>
#include <QCloseEvent>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QMoveEvent>
#include <QScreen>
#include <QSettings>
#include <QShowEvent>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace sluice::ui {

namespace {
// Relative times are shown to the second below a minute; every 5 s keeps them honest without churn.
constexpr int kRelativeTimeRefreshMs = 5000;
} // namespace

MainWindow::MainWindow(EngineBridge* engine, QWidget* parent)
    : QMainWindow(parent), m_engine(engine), m_model(new ConnectionListModel(this)),
      m_proxy(new QSortFilterProxyModel(this)) {
    initResources();
    setWindowTitle(QStringLiteral("Sluice"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/sluice.svg")));
    m_proxy->setSourceModel(m_model);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setFilterKeyColumn(ConnectionListModel::Name);
    buildLayout();
    buildActions();
    m_notifier = new TrayNotifier(this);
    connect(m_notifier, &TrayNotifier::notified, this,
            [this](const QString& text) { statusBar()->showMessage(text, 15000); });
    connectEngine();

    // "last sync 51 s ago" moves on by itself, in the header and in the lists.
    auto* clock = new QTimer(this);
    clock->setObjectName(QStringLiteral("relativeTimes"));
    connect(clock, &QTimer::timeout, this, [this] {
        updateTitle();
        m_model->refreshColumns(ConnectionListModel::LastSync, ConnectionListModel::NextRun);
        m_streams->model()->refreshColumns(StreamTableModel::LastSync, StreamTableModel::LastSync);
    });
    clock->start(kRelativeTimeRefreshMs);

    QSettings settings;
    if (!restoreGeometry(settings.value(QStringLiteral("mainWindow/geometry")).toByteArray()))
        resize(QSize(1280, 800).boundedTo(screen()->availableSize()));
    else if (!screen()->availableGeometry().contains(frameGeometry()))
        // Saved on a larger screen (or by a version whose window could grow too wide): back on this one.
        setGeometry(
            QRect(screen()->availableGeometry().topLeft(), size().boundedTo(screen()->availableSize())));
    restoreState(settings.value(QStringLiteral("mainWindow/state")).toByteArray());
    updateActions();
    m_engine->refreshConnections();
}

MainWindow::~MainWindow() = default;

void MainWindow::buildLayout() {
    auto* left = new QWidget;
    left->setMinimumWidth(220); // the connection list stays readable whatever the right side shows
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(8, 8, 0, 8);
    m_filter = new QLineEdit;
    m_filter->setObjectName(QStringLiteral("connectionFilter"));
    m_filter->setPlaceholderText(tr("Filter connections (Ctrl+F)"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setAccessibleName(tr("Filter connections"));
    connect(m_filter, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);
    m_connectionView = new QTableView;
    m_connectionView->setModel(m_proxy);
    m_connectionView->setAccessibleName(tr("Connections"));
    m_connectionView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_connectionView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_connectionView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_connectionView->setTabKeyNavigation(false);
    m_connectionView->verticalHeader()->hide();
    m_connectionView->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    // The name takes what is left (elided when long): the list never scrolls sideways.
    m_connectionView->horizontalHeader()->setSectionResizeMode(ConnectionListModel::Name,
                                                               QHeaderView::Stretch);
    m_connectionView->horizontalHeader()->setMinimumSectionSize(40);
    m_connectionView->horizontalHeader()->setHighlightSections(false);
    m_connectionView->setShowGrid(false);
    m_connectionView->setAlternatingRowColors(true);
    m_connectionView->setWordWrap(false);
    m_connectionView->setIconSize(QSize(44, 16));
    connect(m_connectionView->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &MainWindow::onSelectionChanged);
    connect(m_connectionView, &QTableView::doubleClicked, this, &MainWindow::editConnection);
    leftLayout->addWidget(m_filter);
    leftLayout->addWidget(m_connectionView);
    // The filter's Down key moves into the list: keyboard users never need the mouse to pick a connection.
    m_filter->installEventFilter(this);
    m_connectionView->installEventFilter(this);
    m_connectionView->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);

    auto* splitter = new QSplitter;
    splitter->setObjectName(QStringLiteral("mainSplitter"));
    splitter->addWidget(left);
    splitter->addWidget(buildRightSide());
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 1);
    splitter->setCollapsible(0, false);
    splitter->setSizes({365, 915});
    setCentralWidget(splitter);

    m_statusLabel = new QLabel;
    // Every task of the engine that takes a while, wherever it was asked for (dialogs show their own too).
    constexpr int kShowTasksAfterMs = 300;
    m_taskBar = new TaskBusyBar(
        m_engine, [](const core::TaskInfo&) { return true; }, kShowTasksAfterMs);
    statusBar()->addPermanentWidget(m_taskBar);
    statusBar()->addPermanentWidget(m_statusLabel);

    m_logDock = new AppLogDock(this);
    addDockWidget(Qt::BottomDockWidgetArea, m_logDock);
    m_logDock->hide();
}

QWidget* MainWindow::buildRightSide() {
    auto* right = new QWidget;
    auto* layout = new QVBoxLayout(right);
    layout->setContentsMargins(8, 8, 8, 8);
    m_hint = new QLabel;
    m_hint->setObjectName(QStringLiteral("firstStartHint"));
    m_hint->setText(
        tr("\u2139  Welcome! This is a demo connection. Press <b>Sync</b> (F5) to copy the demo data "
           "into demo.sqlite."));
    m_hint->setFrameShape(QFrame::StyledPanel);
    m_hint->setMargin(8);
    m_hint->setAutoFillBackground(true);
    m_hint->setBackgroundRole(QPalette::ToolTipBase);
    m_hint->setForegroundRole(QPalette::ToolTipText);
    m_hint->hide();
    m_title = new QLabel;
    m_title->setTextFormat(Qt::RichText);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    wrapWithinWidth(m_title);
    wrapWithinWidth(m_hint);
    m_emptyState =
        new QLabel(tr("<h3>No connection selected</h3><p>Create one with <b>New connection</b> "
                      "(Ctrl+N), or with <code>sluicectl connection create FILE.json</code>: it appears "
                      "here at once.</p>"));
    m_emptyState->setAlignment(Qt::AlignCenter);
    m_emptyState->setWordWrap(true);

    m_streams = new StreamsPanel(m_engine);
    m_jobs = new JobsPanel(m_engine);
    m_generations = new GenerationsPanel(m_engine);
    m_settings = new SettingsPanel(m_engine);
    m_tabs = new QTabWidget;
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(m_streams, tr("&Streams"));
    m_tabs->addTab(m_jobs, tr("&Jobs"));
    m_tabs->addTab(m_generations, tr("&Generations"));
    m_tabs->addTab(m_settings, tr("Se&ttings"));
    m_tabs->setAccessibleName(tr("Connection views"));

    connect(m_streams, &StreamsPanel::refreshRequested, this,
            [this](const QStringList& streams) { openRefreshDialog(streams, QStringLiteral("retain")); });
    connect(m_streams, &StreamsPanel::clearRequested, this, &MainWindow::confirmClear);
    connect(m_streams, &StreamsPanel::syncRequested, this, &MainWindow::syncNow);
    connect(m_streams, &StreamsPanel::syncStreamsRequested, this, &MainWindow::syncStreams);
    connect(m_streams, &StreamsPanel::stateEditRequested, this, &MainWindow::openStateDialog);
    connect(m_streams, &StreamsPanel::inspectRequested, this, [this](const QString& stream) {
        m_generations->showStream(stream);
        m_tabs->setCurrentWidget(m_generations);
    });

    layout->addWidget(m_hint);
    layout->addWidget(m_title);
    layout->addWidget(m_emptyState, 1);
    layout->addWidget(m_tabs, 1);
    return right;
}

void MainWindow::connectEngine() {
    auto* e = m_engine->engine();
    connect(m_engine, &EngineBridge::connectionsChanged, this, &MainWindow::onConnectionsChanged);
    connect(m_engine, &EngineBridge::errorOccurred, this, [this](const QString& msg) {
        core::logLine("ui", "warn", msg.toStdString());
        statusBar()->showMessage(msg, 15000);
    });
    connect(e, &core::Engine::demoCreated, this, [this](qint64 id) {
        m_demoId = id;
        m_selectedId = id;
        m_hint->show();
    });
    connect(e, &core::Engine::connectionLoaded, this, &MainWindow::onConnectionLoaded);
    connect(e, &core::Engine::jobStarted, this,
            [this](qint64 jobId, qint64 connectionId, const QString& type) {
                if (connectionId == m_demoId) {
                    m_demoId = 0; // the hint has done its job
                    m_hint->hide();
                }
                statusBar()->showMessage(tr("%1 job #%2 started").arg(type).arg(jobId), 5000);
                if (connectionId == m_selectedId)
                    m_engine->engine()->loadConnection(connectionId);
            });
    connect(e, &core::Engine::jobProgress, this, [this](const sluice::core::JobProgress& p) {
        if (p.recordsEstimated > 0)
            m_model->setProgress(p.connectionId, double(p.recordsCommitted) / double(p.recordsEstimated));
        if (p.connectionId == m_selectedId && p.connectionId == m_details.id)
            m_streams->model()->setLiveProgress(p.streams);
    });
    connect(e, &core::Engine::jobFinished, this, &MainWindow::onJobFinished);
    connect(e, &core::Engine::jobRejected, this, [this](const sluice::core::JobRejected& r) {
        m_notifier->notify(tr("Job not started"), r.reason, true);
    });
}

void MainWindow::onConnectionsChanged(const QVector<sluice::core::ConnectionSummary>& connections) {
    // A job another process ran (the CLI) changes the selected connection's status or last sync: reload it.
    const auto* before = selectedSummary();
    const qint64 beforeId = before ? before->id : 0;
    const QString beforeState = before ? before->status + before->lastSync : QString();
    m_model->setConnections(connections);
    fitConnectionColumns(); // a reset of the model shows every column again
    if (const auto* after = selectedSummary();
        beforeId && after && after->id == beforeId && after->status + after->lastSync != beforeState) {
        m_engine->engine()->loadConnection(after->id);
        m_jobs->reload();
    }
    const int count = static_cast<int>(connections.size());
    m_statusLabel->setText((count == 1 ? tr("1 connection") : tr("%1 connections").arg(count)) +
                           tr(" \u2014 home: %1").arg(elided(m_engine->home(), 60)));
    m_statusLabel->setToolTip(m_engine->home());
    int running = 0;
    for (const auto& c : connections)
        running += c.status == QLatin1String("running");
    m_notifier->setRunningJobs(running);
    int row = m_model->rowOf(m_selectedId);
    if (row < 0 && !connections.isEmpty())
        row = 0;
    const QModelIndex idx = row >= 0 ? m_proxy->mapFromSource(m_model->index(row, 0)) : QModelIndex();
    if (idx.isValid() && !m_connectionView->selectionModel()->isRowSelected(idx.row(), {}))
        m_connectionView->selectRow(idx.row());
    else if (!idx.isValid())
        onSelectionChanged();
    updateActions();
    updateTitle();
}

void MainWindow::selectConnection(qint64 id) {
    if (m_details.id && id != m_details.id && m_details.id == m_selectedId && !unsavedEdits().isEmpty()) {
        askAboutUnsavedEdits(id);
        return;
    }
    m_selectedId = id;
    selectRowOf(id);
}

void MainWindow::selectRowOf(qint64 id) {
    const int row = m_model->rowOf(id);
    if (row >= 0)
        m_connectionView->selectRow(m_proxy->mapFromSource(m_model->index(row, 0)).row());
}

const sluice::core::ConnectionSummary* MainWindow::selectedSummary() const {
    return m_model->connectionAt(m_model->rowOf(m_selectedId));
}

void MainWindow::onSelectionChanged() {
    const auto rows = m_connectionView->selectionModel()->selectedRows();
    const qint64 id =
        rows.isEmpty() ? 0 : m_proxy->data(rows.first(), ConnectionListModel::IdRole).toLongLong();
    if (rows.isEmpty() && m_model->rowOf(m_selectedId) >= 0 && !m_filter->text().isEmpty())
        return; // filtered out of view: keep showing it
    if (m_restoringSelection)
        return;
    if (!m_leavingEdits && id != m_details.id && m_details.id && m_details.id == m_selectedId &&
        !unsavedEdits().isEmpty()) {
        askAboutUnsavedEdits(id);
        return;
    }
    const bool changed = id != m_selectedId || m_details.id != id;
    m_selectedId = id;
    m_hint->setVisible(m_demoId && id == m_demoId);
    m_emptyState->setVisible(!id);
    m_tabs->setVisible(id);
    m_title->setVisible(id);
    if (!id) {
        m_details = {};
        m_streams->clear();
    } else if (changed) {
        m_engine->engine()->loadConnection(id);
    }
    m_jobs->setConnection(id);
    updateActions();
    updateTitle();
}

void MainWindow::onConnectionLoaded(const sluice::core::ConnectionDetails& details) {
    if (details.id != m_selectedId)
        return;
    if (!details.error.isEmpty()) {
        statusBar()->showMessage(details.error, 10000);
        return;
    }
    m_details = details;
    m_streams->setDetails(details);
    m_generations->setConnection(details.id, details.streams);
    m_settings->setDetails(details);
    updateActions();
    updateTitle();
}

void MainWindow::onJobFinished(const sluice::core::JobFinished& f) {
    if (f.connectionId == m_selectedId)
        m_streams->model()->setLiveProgress({}); // the reloaded connection brings the table's own counts
    const bool failed = f.status != QLatin1String("succeeded");
    QString text = tr("%1 of %2 %3 (job #%4)").arg(f.type, f.connectionName, f.status).arg(f.jobId);
    if (failed && !f.message.isEmpty())
        text += QStringLiteral(": ") + f.message;
    text[0] = text[0].toUpper();
    m_notifier->notify(tr("Sluice"), text, failed);
    core::logLine("ui", failed ? "warn" : "info", "notified: " + text.toStdString());
    if (f.connectionId == m_selectedId)
        m_engine->engine()->loadConnection(f.connectionId);
}

void MainWindow::updateTitle() {
    const auto* c = selectedSummary();
    if (!c) {
        m_title->clear();
        setWindowTitle(QStringLiteral("Sluice"));
        return;
    }
    // The task bar and window switchers say which connection this window shows.
    setWindowTitle(QStringLiteral("%1 \u2014 Sluice").arg(elided(c->name, 60)));
    QString status = connectionStatusText(c->status, c->lastSync);
    // The header says what happened in a line or two; the whole message is in its tooltip and the job's log.
    if (!c->statusMessage.isEmpty() && c->status != QLatin1String("running"))
        status += QStringLiteral(": ") + elided(c->statusMessage.section(QLatin1Char('\n'), 0, 0), 200);
    m_title->setToolTip(c->statusMessage.isEmpty() ? QString()
                                                   : c->name + QStringLiteral("\n") + c->statusMessage);
    m_title->setText(
        tr("<span style='font-size:15pt;font-weight:600'>%1</span>&nbsp;&nbsp;"
           "<span>%2 \u2192 %3 &nbsp;·&nbsp; %4 &nbsp;·&nbsp; last sync %5 &nbsp;·&nbsp; schedule: %6</span>")
            .arg(elided(c->name, 60).toHtmlEscaped(), displayName(true, c->sourceType),
                 displayName(false, c->destinationType), status.toHtmlEscaped(), formatRelative(c->lastSync),
                 c->schedule.toHtmlEscaped()));
}

void MainWindow::updateActions() {
    const auto* c = selectedSummary();
    const bool running = c && c->status == QLatin1String("running");
    m_editAction->setEnabled(c && !running);
    m_deleteAction->setEnabled(c && !running);
    m_syncAction->setEnabled(c && !running);
    m_cancelAction->setEnabled(running);
    m_refreshAction->setEnabled(c && !running);
    m_clearAction->setEnabled(c && !running);
}

bool MainWindow::eventFilter(QObject* watched, QEvent* event) {
    if (watched == m_connectionView && event->type() == QEvent::Resize)
        fitConnectionColumns();
    // The filter has the focus at start, and a line edit takes Ctrl+E (end of line) for itself on Unix:
    // Edit connection comes first, End still moves to the end.
    if (watched == m_filter && event->type() == QEvent::ShortcutOverride &&
        QKeySequence(static_cast<QKeyEvent*>(event)->keyCombination()) == m_editAction->shortcut()) {
        event->ignore();
        return true;
    }
    if (watched == m_filter && event->type() == QEvent::KeyPress &&
        static_cast<QKeyEvent*>(event)->key() == Qt::Key_Down) {
        m_connectionView->setFocus();
        if (!m_connectionView->selectionModel()->hasSelection() && m_proxy->rowCount() > 0)
            m_connectionView->selectRow(0);
        return true;
    }
    return QMainWindow::eventFilter(watched, event);
}

void MainWindow::fitConnectionColumns() {
    const int width = m_connectionView->viewport()->width();
    m_connectionView->setColumnHidden(ConnectionListModel::NextRun, width < 340);
    m_connectionView->setColumnHidden(ConnectionListModel::LastSync, width < 270);
}

void MainWindow::showEvent(QShowEvent* event) {
    QMainWindow::showEvent(event);
    m_fitPending = true;
    fitOnScreen();
}

// The window manager moves the window when it frames it: only then is the frame's size known.
void MainWindow::moveEvent(QMoveEvent* event) {
    QMainWindow::moveEvent(event);
    if (!m_fitPending || frameGeometry() == geometry())
        return;
    // The frame's extents may come in steps: fitted again until the framed window is on the screen.
    if (screen() && screen()->availableGeometry().contains(frameGeometry()))
        m_fitPending = false;
    else
        fitOnScreen();
}

void MainWindow::fitOnScreen() {
    if (isMaximized() || isFullScreen() || !screen())
        return;
    const QRect available = screen()->availableGeometry();
    const QRect frame = frameGeometry();
    if (available.contains(frame))
        return;
    const QSize margins = frame.size() - size();
    const QSize fitted = size().boundedTo(available.size() - margins);
    resize(fitted);
    move(QPoint(
        qBound(available.left(), frame.left(), available.right() - fitted.width() - margins.width()),
        qBound(available.top(), frame.top(), available.bottom() - fitted.height() - margins.height())));
}

void MainWindow::closeEvent(QCloseEvent* event) {
    QSettings settings;
    settings.setValue(QStringLiteral("mainWindow/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("mainWindow/state"), saveState());
    QMainWindow::closeEvent(event);
}

} // namespace sluice::ui
