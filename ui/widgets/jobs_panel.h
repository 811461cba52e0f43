#pragma once

#include "engine/engine_types.h"

#include <QHash>
#include <QWidget>

class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QSplitter;
class QTableView;
class QCheckBox;
class QGroupBox;

namespace sluice::ui {

class AttemptListModel;
class EngineBridge;
class JobListModel;
class JobProgressModel;
class LogModel;

// The Jobs tab: the connection's job history; the running job's per-stream progress, records committed,
// records/s and an estimate; the selected job's attempts and its log, which follows live and can be
// searched and copied.
class JobsPanel : public QWidget {
    Q_OBJECT
public:
    explicit JobsPanel(EngineBridge* engine, QWidget* parent = nullptr);

    void setConnection(qint64 connectionId);
    void reload();
    JobListModel* jobModel() const { return m_jobs; }
    JobProgressModel* progressModel() const { return m_progress; }
    AttemptListModel* attemptModel() const { return m_attempts; }
    LogModel* logModel() const { return m_log; }
    QTableView* jobView() const { return m_jobView; }
    QTableView* logView() const { return m_logView; }
    QLineEdit* logSearch() const { return m_search; }
    QLabel* progressSummary() const { return m_summary; }
    qint64 selectedJob() const { return m_selectedJob; }
    void selectJob(qint64 jobId);

public slots:
    void copyLog();

private:
    void onJobsLoaded(qint64 connectionId, const QVector<sluice::core::JobSummary>& jobs);
    void onDetails(const sluice::core::JobDetails& details);
    void onProgress(const sluice::core::JobProgress& progress);
    void onLog(const QVector<sluice::core::LogEntry>& lines);
    void onJobStarted(qint64 jobId, qint64 connectionId);
    void onJobFinished(const sluice::core::JobFinished& finished);
    void onSelectionChanged();
    QWidget* buildLogArea();

    EngineBridge* m_engine;
    qint64 m_connectionId = 0;
    qint64 m_selectedJob = 0;
    qint64 m_runningJob = 0;
    qint64 m_followJob = 0; // a job started while this tab showed its connection: selected when it lists
    // Lines of the running job already in the stored log: the same lines arriving live are not shown twice.
    QHash<QString, int> m_storedLines;
    JobListModel* m_jobs;
    JobProgressModel* m_progress;
    AttemptListModel* m_attempts;
    LogModel* m_log;
    QSortFilterProxyModel* m_logFilter;
    QTableView* m_jobView;
    QTableView* m_progressView;
    QTableView* m_attemptView;
    QTableView* m_logView;
    QGroupBox* m_running;
    QLabel* m_summary;
    QLabel* m_emptyJobs;
    QLineEdit* m_search;
    QCheckBox* m_follow;
};

} // namespace sluice::ui
