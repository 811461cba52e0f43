#include "widgets/jobs_panel.h"

#include "engine/engine.h"
#include "engine_bridge.h"
#include "format.h"
#include "models/job_models.h"
#include "widgets/stream_delegate.h"
#include "widgets/views.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QShortcut>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace sluice::ui {

JobsPanel::JobsPanel(EngineBridge* engine, QWidget* parent)
    : QWidget(parent), m_engine(engine), m_jobs(new JobListModel(this)),
      m_progress(new JobProgressModel(this)), m_attempts(new AttemptListModel(this)),
      m_log(new LogModel(this)), m_logFilter(new QSortFilterProxyModel(this)) {
    m_jobView = makeTableView(m_jobs, tr("Job history"), false);
    m_progressView = makeTableView(m_progress, tr("Progress per stream"));
    m_progressView->setItemDelegateForColumn(JobProgressModel::Progress,
                                             new ProgressDelegate(m_progressView));
    m_progressView->horizontalHeader()->setSectionResizeMode(JobProgressModel::Progress,
                                                             QHeaderView::Stretch);
    m_progressView->horizontalHeader()->setStretchLastSection(false);
    m_progressView->setSelectionMode(QAbstractItemView::NoSelection);
    m_attemptView = makeTableView(m_attempts, tr("Attempts"));
    m_logFilter->setSourceModel(m_log);
    m_logFilter->setFilterKeyColumn(-1);
    m_logFilter->setFilterCaseSensitivity(Qt::CaseInsensitive);

    m_summary = new QLabel;
    wrapWithinWidth(m_summary);
    m_running = new QGroupBox(tr("Running job"));
    auto* runLayout = new QVBoxLayout(m_running);
    runLayout->addWidget(m_summary);
    runLayout->addWidget(m_progressView);
    m_progressView->setMaximumHeight(130);
    m_running->hide();

    m_emptyJobs = new QLabel(tr("No jobs yet. Press Sync (F5) to run the first one."));
    m_emptyJobs->setAlignment(Qt::AlignCenter);

    auto* top = new QWidget;
    auto* topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    topLayout->addWidget(m_jobView, 1);
    topLayout->addWidget(m_emptyJobs);
    topLayout->addWidget(m_running);

    auto* details = new QSplitter(Qt::Vertical);
    auto* attemptsBox = new QGroupBox(tr("Attempts"));
    auto* attemptsLayout = new QVBoxLayout(attemptsBox);
    attemptsLayout->addWidget(m_attemptView);
    details->addWidget(attemptsBox);
    details->addWidget(buildLogArea());
    details->setStretchFactor(0, 1);
    details->setStretchFactor(1, 3);

    auto* splitter = new QSplitter(Qt::Vertical);
    splitter->addWidget(top);
    splitter->addWidget(details);
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 3);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 8, 0, 0);
    layout->addWidget(splitter);

    connect(m_jobView->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &JobsPanel::onSelectionChanged);
    auto* e = m_engine->engine();
    connect(e, &core::Engine::jobsLoaded, this, &JobsPanel::onJobsLoaded);
    connect(e, &core::Engine::jobDetailsLoaded, this, &JobsPanel::onDetails);
    connect(e, &core::Engine::jobProgress, this, &JobsPanel::onProgress);
    connect(e, &core::Engine::jobLog, this, &JobsPanel::onLog);
    connect(e, &core::Engine::jobStarted, this, &JobsPanel::onJobStarted);
    connect(e, &core::Engine::jobFinished, this, &JobsPanel::onJobFinished);
}

QWidget* JobsPanel::buildLogArea() {
    auto* box = new QGroupBox(tr("Log"));
    m_search = new QLineEdit;
    m_search->setPlaceholderText(tr("Search the log"));
    m_search->setClearButtonEnabled(true);
    m_search->setAccessibleName(tr("Search the log"));
    connect(m_search, &QLineEdit::textChanged, m_logFilter, &QSortFilterProxyModel::setFilterFixedString);
    m_follow = new QCheckBox(tr("Follow"));
    m_follow->setChecked(true);
    m_follow->setToolTip(tr("Scroll to new lines as they come"));
    auto* copy = new QPushButton(tr("Copy"));
    copy->setToolTip(tr("Copy the selected lines, or the whole log when none is selected"));
    connect(copy, &QPushButton::clicked, this, &JobsPanel::copyLog);
    auto* bar = new QHBoxLayout;
    bar->addWidget(m_search, 1);
    bar->addWidget(m_follow);
    bar->addWidget(copy);

    m_logView = makeTableView(m_logFilter, tr("Job log"));
    m_logView->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_logView->verticalHeader()->setDefaultSectionSize(m_logView->fontMetrics().height() + 4);
    auto* shortcut = new QShortcut(QKeySequence::Copy, m_logView, nullptr, nullptr, Qt::WidgetShortcut);
    connect(shortcut, &QShortcut::activated, this, &JobsPanel::copyLog);
    auto* layout = new QVBoxLayout(box);
    layout->addLayout(bar);
    layout->addWidget(m_logView);
    return box;
}

void JobsPanel::setConnection(qint64 connectionId) {
    if (connectionId == m_connectionId)
        return;
    m_connectionId = connectionId;
    m_selectedJob = m_runningJob = m_followJob = 0;
    m_jobs->setRows({});
    m_attempts->setRows({});
    m_log->setRows({});
    m_progress->setRows({});
    m_running->hide();
    m_emptyJobs->setVisible(false);
    reload();
}

void JobsPanel::reload() {
    if (m_connectionId)
        m_engine->engine()->loadJobs(m_connectionId);
}

void JobsPanel::onJobsLoaded(qint64 connectionId, const QVector<sluice::core::JobSummary>& jobs) {
    if (connectionId != m_connectionId)
        return;
    const qint64 keep = m_followJob ? m_followJob : m_selectedJob;
    m_jobs->setRows(jobs);
    m_emptyJobs->setVisible(jobs.isEmpty());
    m_jobView->setVisible(!jobs.isEmpty());
    int row = m_jobs->rowOfJob(keep);
    if (row < 0 && !jobs.isEmpty())
        row = 0;
    if (row >= 0) {
        m_followJob = 0;
        m_jobView->selectRow(row);
    }
}

void JobsPanel::selectJob(qint64 jobId) {
    const int row = m_jobs->rowOfJob(jobId);
    if (row >= 0)
        m_jobView->selectRow(row);
}

void JobsPanel::onSelectionChanged() {
    const auto rows = m_jobView->selectionModel()->selectedRows();
    const qint64 id = rows.isEmpty() ? 0 : rows.first().data(JobListModel::IdRole).toLongLong();
    if (id == m_selectedJob)
        return;
    m_selectedJob = id;
    m_attempts->setRows({});
    m_log->setRows({});
    if (id)
        m_engine->engine()->loadJobDetails(id);
}

void JobsPanel::onDetails(const sluice::core::JobDetails& details) {
    if (details.job.id != m_selectedJob)
        return;
    m_attempts->setRows(details.attempts);
    m_log->setRows(details.log);
    m_storedLines.clear();
    if (details.job.status == QLatin1String("running"))
        for (const auto& l : details.log)
            ++m_storedLines[l.message];
    if (m_follow->isChecked())
        m_logView->scrollToBottom();
    const int row = m_jobs->rowOfJob(details.job.id);
    if (row >= 0 && details.job.id)
        m_jobs->replaceRow(row, details.job);
}

void JobsPanel::onJobStarted(qint64 jobId, qint64 connectionId) {
    if (connectionId != m_connectionId)
        return;
    m_runningJob = jobId;
    m_followJob = jobId;
    m_progress->setRows({});
    m_summary->setText(tr("Job #%1 starting…").arg(jobId));
    m_running->show();
    reload();
}

void JobsPanel::onProgress(const sluice::core::JobProgress& p) {
    if (p.connectionId != m_connectionId)
        return;
    m_runningJob = p.jobId;
    m_running->show();
    m_progress->update(p.streams);
    // Progress counts the running attempt; the job's total adds what its earlier attempts committed.
    qint64 before = 0;
    const bool showsAttempts = p.jobId == m_selectedJob && m_attempts->rowCount() > 0;
    if (showsAttempts)
        for (int i = 0; i + 1 < m_attempts->rowCount(); ++i)
            before += m_attempts->rows()[i].recordsCommitted;
    if (const int row = m_jobs->rowOfJob(p.jobId); row >= 0) {
        auto job = m_jobs->rows()[row];
        job.recordsCommitted = before + p.recordsCommitted;
        m_jobs->replaceRow(row, job); // also moves its duration on
    }
    if (showsAttempts && m_attempts->rows().back().status == QLatin1String("running")) {
        auto attempt = m_attempts->rows().back();
        attempt.recordsCommitted = p.recordsCommitted;
        m_attempts->replaceRow(m_attempts->rowCount() - 1, attempt);
    }
    QString text = tr("Job #%1: %2 records committed · %3 records/s")
                       .arg(p.jobId)
                       .arg(formatCount(p.recordsCommitted), formatNumber(qRound(p.recordsPerSecond)));
    if (p.secondsLeft >= 0)
        text += tr(" · about %1 left").arg(formatSeconds(p.secondsLeft));
    else if (p.streamSecondsLeft >= 0 && p.streamsWaiting > 0)
        text += p.streamsWaiting == 1 ? tr(" · about %1 left in %2, then 1 more stream")
                                            .arg(formatSeconds(p.streamSecondsLeft), p.currentStream)
                                      : tr(" · about %1 left in %2, then %3 more streams")
                                            .arg(formatSeconds(p.streamSecondsLeft), p.currentStream)
                                            .arg(p.streamsWaiting);
    m_summary->setText(text);
}

void JobsPanel::onLog(const QVector<sluice::core::LogEntry>& lines) {
    QVector<sluice::core::LogEntry> mine;
    for (const auto& l : lines) {
        if (l.jobId != m_selectedJob || !m_selectedJob)
            continue;
        if (auto it = m_storedLines.find(l.message); it != m_storedLines.end() && it.value() > 0) {
            --it.value();
            continue;
        }
        mine.push_back(l);
    }
    if (mine.isEmpty())
        return;
    m_log->appendRows(mine);
    if (m_follow->isChecked())
        m_logView->scrollToBottom();
}

void JobsPanel::onJobFinished(const sluice::core::JobFinished& finished) {
    if (finished.connectionId != m_connectionId)
        return;
    if (finished.jobId == m_runningJob) {
        m_running->hide();
        m_runningJob = 0;
    }
    reload();
    if (finished.jobId == m_selectedJob)
        m_engine->engine()->loadJobDetails(finished.jobId); // the stored log is complete and has attempts
}

void JobsPanel::copyLog() {
    QModelIndexList rows;
    for (const auto& idx : m_logView->selectionModel()->selectedRows())
        rows << m_logFilter->mapToSource(idx);
    if (rows.isEmpty())
        for (int r = 0; r < m_logFilter->rowCount(); ++r)
            rows << m_logFilter->mapToSource(m_logFilter->index(r, 0));
    QApplication::clipboard()->setText(m_log->text(rows));
}

} // namespace sluice::ui
