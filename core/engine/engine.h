#pragma once

#include "engine/engine_types.h"
#include "engine/job_types.h"
#include "engine/mapping_preview.h"
#include "engine/state_edit_types.h"
#include "engine/task_types.h"
#include "util/catch_all.h"
#include "util/fault_injection.h"

#include <QObject>
#include <QThread>
#include <deque>
#include <map>
#include <memory>
#include <string>

class QTimer;

namespace sluice::core {

class ExternalJobs;
class JobWorker;
class Scheduler;
class Store;
class TaskRunner;
class WallClock;

// The engine: lives on its own thread. Every public slot may be called from any thread (it re-queues
// itself onto the engine thread) and answers with signals carrying plain values. Nothing slow runs on the
// engine thread: each job runs on a worker thread of its own, and every question that waits on a connector
// or a big query (check, discover, a connection's row counts, the inspector's queries, CSV export) runs as
// a cancellable task on a worker (taskStarted, taskFinished, cancelTask), so the engine keeps answering.
class Engine : public QObject {
    Q_OBJECT
public:
    explicit Engine(std::string home, QObject* parent = nullptr);
    ~Engine() override;

    const std::string& home() const { return m_home; }

public slots:
    // Emits connectionsChanged with the current list.
    void refreshConnections();
    // How often the engine looks for changes made by other processes (the CLI); 0 stops watching.
    void setWatchInterval(int milliseconds);
    // How often the scheduler looks for due connections (default 15 s); 0 stops scheduling.
    void setSchedulerInterval(int milliseconds);

    // Answers with connectionLoaded (a task: it counts the rows in the destination).
    void loadConnection(qint64 id);
    // Creates (id 0) or updates a connection from its JSON (SPEC §7). `streamSchemas` are discovered streams
    // (catalog JSON) remembered for streams that were never synced, so their columns are known at once.
    void saveConnection(int token, qint64 id, const QString& json, const QStringList& streamSchemas = {});
    void deleteConnection(qint64 id);
    // Runs check() of the source and the destination of a connection being edited (its JSON), as a task.
    void checkConnection(int token, const QString& json);
    void discoverStreams(int token, const QString& json);
    // Stops a task (taskStarted gave its id): it ends with taskFinished (cancelled) and no answer. A newer
    // question of the same kind (another stream's generations, another check) cancels the older one too.
    void cancelTask(qint64 taskId);

    // A sync of every selected stream, or of the named ones only (the others keep their state).
    void startSync(qint64 connectionId, const QStringList& streams = {});
    // One job per kind chosen (retain, then remove, then clear), one after the other.
    void startRefresh(qint64 connectionId, const QVector<sluice::core::RefreshChoice>& choices);
    void startClear(qint64 connectionId, const QStringList& streams);
    // Stops the connection's running job and its connector within seconds (also a job run by the CLI).
    void cancelJob(qint64 connectionId);

    void loadJobs(qint64 connectionId);
    void loadJobDetails(qint64 jobId);
    // The inspector's questions, each a task answered by its signal (generationsLoaded, ...).
    void loadGenerations(qint64 connectionId, const QString& stream);
    void loadAggregate(qint64 connectionId, const QString& stream, const QString& column);
    void loadDiff(qint64 connectionId, const QString& stream, qint64 from, qint64 to);
    void loadRefreshPreview(qint64 connectionId, const QStringList& streams);
    // The state editor: a stream's state and its edit history (streamStateLoaded), and an edit planned for
    // its confirmation or applied (stateEditAnswered). Tasks both: they read the destination's checkpoint.
    void loadStreamState(qint64 connectionId, const QString& stream);
    void editStreamState(const sluice::core::StateEditQuestion& question);
    // The mapper editor's sample: the stream's first records from its source (recordSampleLoaded), a task.
    void loadRecordSample(qint64 connectionId, const QString& stream);
    // Writes rows as CSV (RFC 4180) to `path`; answers with exportFinished.
    void exportCsv(const QString& path, const sluice::core::RowSet& rows);

signals:
    void started();
    void demoCreated(qint64 connectionId);
    void connectionsChanged(const QVector<sluice::core::ConnectionSummary>& connections);
    void connectionLoaded(const sluice::core::ConnectionDetails& details);
    void connectionSaved(const sluice::core::SaveResult& result);
    void connectionDeleted(qint64 id);
    void checkFinished(const sluice::core::CheckResult& result);
    void discoverFinished(const sluice::core::DiscoverResult& result);

    void jobStarted(qint64 jobId, qint64 connectionId, const QString& type);
    void jobRejected(const sluice::core::JobRejected& rejection);
    void jobProgress(const sluice::core::JobProgress& progress);
    void jobLog(const QVector<sluice::core::LogEntry>& lines);
    void jobFinished(const sluice::core::JobFinished& finished);

    void jobsLoaded(qint64 connectionId, const QVector<sluice::core::JobSummary>& jobs);
    void jobDetailsLoaded(const sluice::core::JobDetails& details);
    void generationsLoaded(const sluice::core::GenerationsReport& report);
    void aggregateLoaded(const sluice::core::AggregateReport& report);
    void diffLoaded(const sluice::core::DiffReport& report);
    void refreshPreviewLoaded(const sluice::core::RefreshPreview& preview);
    void exportFinished(const QString& path, const QString& error);
    void streamStateLoaded(const sluice::core::StreamStateReport& report);
    void stateEditAnswered(const sluice::core::StateEditAnswer& answer);
    void recordSampleLoaded(const sluice::core::RecordSample& sample);
    void errorOccurred(const QString& message);
    // The scheduler looked for due connections and started `started` syncs (tests count ticks, not time).
    void schedulerTicked(int started);

    // A task began or ended (status succeeded, failed, cancelled): the GUI shows what runs and can cancel it.
    void taskStarted(const sluice::core::TaskInfo& task);
    void taskFinished(const sluice::core::TaskInfo& task);

private:
    struct Running {
        std::unique_ptr<JobWorker> worker;
        qint64 jobId = 0;
        qint64 startedMs = 0;
        double progress = -1;
    };

    // Re-queues `call` onto the engine thread when called from elsewhere; true when it did.
    template <typename F> bool hop(F&& call) {
        if (QThread::currentThread() == thread())
            return false;
        QMetaObject::invokeMethod(
            this, [this, call = std::forward<F>(call)]() mutable { guarded(call); }, Qt::QueuedConnection);
        return true;
    }
    // Every entry onto the engine thread (hop, timers) runs through this: what engine code throws is logged
    // and reported with errorOccurred, and never reaches Qt's event loop, where it would end the GUI.
    template <typename F> void guarded(F& body) {
        Status failure;
        const auto run = [&] {
            faultPoint("engine-request"); // tests throw here (SLUICE_FAULT=engine-request:N:throw)
            body();
        };
        if (!catchAll("answering a request", failure, run))
            reportUnexpected(failure.error());
    }
    void reportUnexpected(const Error& error);
    bool ensureStarted();
    void pollForChanges();
    // Reports what jobs of other processes (sluicectl) did since the last look, as for the engine's own.
    void followExternalJobs();
    void launch(qint64 connectionId, const JobRequest& request);
    void reject(qint64 connectionId, const QString& reason);
    void collectJobs();
    void finishJob(qint64 connectionId, Running& running);
    void schedulerTick();
    // Answers an inspector question about a connection with `make(connection)`, or with the error.
    // Runs `work` (returning an Answer) as a task; `deliver(answer)` on the engine thread unless cancelled.
    // `blank` is the answer a failed task gives, with the failure as its error.
    template <typename Answer, typename Work, typename Deliver>
    void runTask(TaskInfo info, const QString& supersedeKey, Answer blank, Work&& work, Deliver deliver);
    // A task that answers about one stream of a stored connection: `make(db, connection, stream)`.
    template <typename Report, typename Make, typename Deliver>
    void runStreamTask(TaskKind kind, qint64 connectionId, const QString& stream, Make make, Deliver deliver);

    std::string m_home;
    std::unique_ptr<Store> m_store;
    QTimer* m_watch = nullptr;
    QTimer* m_jobTimer = nullptr;
    QTimer* m_schedulerTimer = nullptr;
    int m_schedulerInterval = 15000;
    int64_t m_lastDataVersion = -1;
    std::unique_ptr<WallClock> m_clock;
    std::unique_ptr<Scheduler> m_scheduler;
    std::unique_ptr<ExternalJobs> m_external;
    TaskRunner* m_tasks = nullptr;       // a child: it moves to the engine thread with the engine
    std::map<qint64, Running> m_running; // by connection id
    std::map<qint64, std::deque<JobRequest>> m_queued; // refresh jobs waiting for the running one
};

// Owns the engine thread: starts it, and stops it with requestInterruption(); quit(); wait().
class EngineThread {
public:
    explicit EngineThread(std::string home);
    ~EngineThread();
    EngineThread(const EngineThread&) = delete;
    EngineThread& operator=(const EngineThread&) = delete;

    Engine* engine() const { return m_engine; }
    QThread* thread() { return &m_thread; }

private:
    QThread m_thread;
    Engine* m_engine = nullptr;
};

void registerEngineMetaTypes();

} // namespace sluice::core
