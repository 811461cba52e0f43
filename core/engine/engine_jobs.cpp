// The engine's jobs: starting them on worker threads, collecting their progress, the scheduler, and the
// quick questions the GUI asks about jobs (answered on the engine thread).
#include "engine/engine.h"
#include "engine/engine_queries.h"
#include "engine/job_planner.h"
#include "engine/job_worker.h"
#include "scheduler/scheduler.h"
#include "store/connection_repository.h"
#include "store/job_repository.h"
#include "store/store.h"
#include "util/logging.h"

#include <QDateTime>
#include <QTimer>
#include <spdlog/spdlog.h>

namespace sluice::core {

namespace {
QString q(const std::string& s) {
    return QString::fromStdString(s);
}
} // namespace

void Engine::startSync(qint64 connectionId, const QStringList& streams) {
    if (hop([this, connectionId, streams] { startSync(connectionId, streams); }))
        return;
    JobRequest request{JobType::Sync, RefreshKind::Retain, {}, JobTrigger::Gui};
    for (const auto& s : streams)
        request.streams.push_back(s.toStdString());
    launch(connectionId, request);
}

void Engine::startRefresh(qint64 connectionId, const QVector<RefreshChoice>& choices) {
    if (hop([this, connectionId, choices] { startRefresh(connectionId, choices); }))
        return;
    // A job has one refresh kind: one job per kind, the gentlest first.
    std::deque<JobRequest> jobs;
    for (RefreshKind kind : {RefreshKind::Retain, RefreshKind::Remove, RefreshKind::Clear}) {
        JobRequest r{
            kind == RefreshKind::Clear ? JobType::Clear : JobType::Refresh, kind, {}, JobTrigger::Gui};
        for (const auto& c : choices)
            if (c.kind.toStdString() == toString(kind))
                r.streams.push_back(c.stream.toStdString());
        if (!r.streams.empty())
            jobs.push_back(r);
    }
    // A backfill is a job of one stream: one each, after the refreshes.
    for (const auto& c : choices)
        if (c.kind == QLatin1String("backfill")) {
            JobRequest r{JobType::Backfill, RefreshKind::Retain, {c.stream.toStdString()}, JobTrigger::Gui};
            r.backfillFrom = c.from.toStdString();
            if (!c.to.isEmpty())
                r.backfillTo = c.to.toStdString();
            jobs.push_back(r);
        }
    if (jobs.empty()) {
        reject(connectionId, QStringLiteral("No stream was chosen for a refresh."));
        return;
    }
    const JobRequest first = jobs.front();
    jobs.pop_front();
    if (!jobs.empty())
        m_queued[connectionId] = jobs;
    launch(connectionId, first);
}

void Engine::startClear(qint64 connectionId, const QStringList& streams) {
    if (hop([this, connectionId, streams] { startClear(connectionId, streams); }))
        return;
    JobRequest r{JobType::Clear, RefreshKind::Clear, {}, JobTrigger::Gui};
    for (const auto& s : streams)
        r.streams.push_back(s.toStdString());
    launch(connectionId, r);
}

void Engine::reject(qint64 connectionId, const QString& reason) {
    m_queued.erase(connectionId);
    logger("engine")->warn("job of connection {} refused: {}", connectionId, reason.toStdString());
    emit jobRejected({connectionId, reason});
}

void Engine::launch(qint64 connectionId, const JobRequest& request) {
    if (!ensureStarted())
        return;
    if (m_running.count(connectionId)) {
        reject(connectionId,
               QStringLiteral("A job of this connection is already running: wait for it or cancel it."));
        return;
    }
    ConnectionRepository repo(m_store->db());
    auto c = repo.get(connectionId);
    if (!c) {
        reject(connectionId, q(c.error().message));
        return;
    }
    // The availability matrix is checked before anything runs, with the same function as the CLI.
    if (auto targets = validateJobRequest(c.value(), request); !targets) {
        reject(connectionId, q(targets.error().message));
        return;
    }
    Running r;
    r.worker = std::make_unique<JobWorker>(m_home, c.value(), request);
    r.startedMs = QDateTime::currentMSecsSinceEpoch();
    m_running.emplace(connectionId, std::move(r));
    logger("engine")->info("{} job of connection `{}` starting", toString(request.type), c->name);
    if (!m_jobTimer->isActive())
        m_jobTimer->start();
}

void Engine::cancelJob(qint64 connectionId) {
    if (hop([this, connectionId] { cancelJob(connectionId); }) || !ensureStarted())
        return;
    m_queued.erase(connectionId);
    JobRepository jobs(m_store->db());
    if (auto it = m_running.find(connectionId); it != m_running.end()) {
        it->second.worker->cancel();
        if (it->second.jobId)
            (void)jobs.requestCancel(it->second.jobId);
        return;
    }
    // A job another process (the CLI) runs: it reads the request a few times a second.
    auto running = jobs.runningJob(connectionId);
    if (running && running.value())
        (void)jobs.requestCancel(running.value()->id);
}

void Engine::collectJobs() {
    std::vector<qint64> done;
    for (auto& [connectionId, r] : m_running) {
        JobWorker::Snapshot s = r.worker->take();
        if (s.jobId && !r.jobId) {
            r.jobId = s.jobId;
            if (r.worker->cancelRequested()) {
                JobRepository jobs(m_store->db());
                (void)jobs.requestCancel(r.jobId);
            }
            emit jobStarted(r.jobId, connectionId, q(std::string(toString(r.worker->request().type))));
            refreshConnections();
        }
        if (!s.lines.empty()) {
            QVector<LogEntry> lines;
            const QString now = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
            for (const auto& l : s.lines)
                lines.push_back({l.jobId, 0, now, q(l.level), q(l.message)});
            emit jobLog(lines);
        }
        if (s.progressChanged && r.jobId) {
            JobProgress p;
            p.jobId = r.jobId;
            p.connectionId = connectionId;
            bool allEstimated = !s.streams.empty();
            qint64 estimated = 0;
            for (const auto& st : s.streams) {
                p.streams.push_back({q(st.stream), st.committed, st.estimate,
                                     q(std::string(toString(st.phase))), st.bytesEstimate,
                                     q(st.connectorStatus)});
                p.recordsCommitted += st.committed;
                // A finished stream's count is what it was: it needs no estimate.
                const bool done = st.phase == StreamPhase::Done;
                allEstimated = allEstimated && (done || st.estimate >= 0);
                estimated += done ? st.committed : std::max<qint64>(st.estimate, st.committed);
                p.streamsWaiting += st.phase == StreamPhase::Waiting;
                if (st.phase == StreamPhase::Running && p.currentStream.isEmpty()) {
                    p.currentStream = q(st.stream);
                    if (st.estimate >= 0)
                        p.streamSecondsLeft = std::max<qint64>(0, st.estimate - st.committed);
                }
            }
            const double seconds = (QDateTime::currentMSecsSinceEpoch() - r.startedMs) / 1000.0;
            p.recordsPerSecond = seconds > 0 ? p.recordsCommitted / seconds : 0;
            p.streamSecondsLeft = p.streamSecondsLeft >= 0 && p.recordsPerSecond > 0
                                      ? p.streamSecondsLeft / p.recordsPerSecond
                                      : -1;
            if (allEstimated) {
                p.recordsEstimated = estimated;
                r.progress = estimated > 0 ? double(p.recordsCommitted) / double(estimated) : -1;
                if (p.recordsPerSecond > 0)
                    p.secondsLeft = (estimated - p.recordsCommitted) / p.recordsPerSecond;
            }
            emit jobProgress(p);
        }
        if (s.finished)
            done.push_back(connectionId);
    }
    for (qint64 id : done) {
        auto it = m_running.find(id);
        Running r = std::move(it->second);
        m_running.erase(it);
        finishJob(id, r);
    }
    if (m_running.empty())
        m_jobTimer->stop();
}

void Engine::finishJob(qint64 connectionId, Running& r) {
    JobWorker::Snapshot s = r.worker->take();
    const ConnectionConfig connection = r.worker->connection();
    const JobRequest request = r.worker->request();
    r.worker.reset(); // joins the finished thread
    const Result<JobOutcome>& outcome = *s.outcome;
    if (!outcome) {
        reject(connectionId, q(outcome.error().message));
        refreshConnections();
        return;
    }
    JobFinished f;
    f.jobId = outcome->jobId;
    f.connectionId = connectionId;
    f.connectionName = q(connection.name);
    f.type = q(std::string(toString(request.type)));
    const std::string status(toText(outcome->status));
    f.status = q(status);
    f.message = q(outcome->error.message);
    logger("engine")->info("job {} of connection `{}` {}", f.jobId, connection.name, status);
    emit jobFinished(f);

    auto queued = m_queued.find(connectionId);
    if (queued != m_queued.end()) {
        std::deque<JobRequest> rest = std::move(queued->second);
        m_queued.erase(queued);
        if (outcome->status == JobStatus::Succeeded && !rest.empty()) {
            const JobRequest next = rest.front();
            rest.pop_front();
            if (!rest.empty())
                m_queued[connectionId] = std::move(rest);
            launch(connectionId, next);
        } else if (!rest.empty()) {
            emit errorOccurred(QStringLiteral("The rest of the refresh of `%1` was not started: job %2 %3.")
                                   .arg(f.connectionName)
                                   .arg(f.jobId)
                                   .arg(f.status));
        }
    }
    refreshConnections();
}

void Engine::schedulerTick() {
    if (!m_store || QThread::currentThread()->isInterruptionRequested())
        return;
    ConnectionRepository repo(m_store->db());
    auto list = repo.list();
    if (!list)
        return;
    std::vector<ScheduledConnection> all;
    for (const auto& c : list.value()) {
        ScheduledConnection sc = scheduledConnection(m_store->db(), c);
        sc.jobRunning = sc.jobRunning || m_running.count(c.id);
        all.push_back(sc);
    }
    int started = 0;
    for (int64_t id : m_scheduler->due(all)) {
        logger("scheduler")->info("connection {} is due: starting a scheduled sync", id);
        m_scheduler->markStarted(id);
        launch(id, JobRequest{JobType::Sync, RefreshKind::Retain, {}, JobTrigger::Schedule});
        ++started;
    }
    emit schedulerTicked(started);
}

void Engine::loadJobs(qint64 connectionId) {
    if (hop([this, connectionId] { loadJobs(connectionId); }) || !ensureStarted())
        return;
    QString error;
    auto jobs = jobSummaries(m_store->db(), connectionId, 200, &error);
    if (!error.isEmpty())
        emit errorOccurred(error);
    emit jobsLoaded(connectionId, jobs);
}

void Engine::loadJobDetails(qint64 jobId) {
    if (hop([this, jobId] { loadJobDetails(jobId); }) || !ensureStarted())
        return;
    emit jobDetailsLoaded(jobDetails(m_store->db(), jobId));
}

} // namespace sluice::core
