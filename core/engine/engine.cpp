#include "engine/engine.h"

#include "connectors/connector_specs.h"
#include "destinations/destination.h"
#include "engine/connection_destination.h"
#include "engine/engine_queries.h"
#include "engine/external_jobs.h"
#include "engine/first_start.h"
#include "engine/job_worker.h"
#include "engine/stream_choice.h"
#include "engine/task_runner.h"
#include "scheduler/scheduler.h"
#include "store/connection_repository.h"
#include "store/job_repository.h"
#include "store/store.h"
#include "util/json_text.h"
#include "util/logging.h"

#include <QDateTime>
#include <QTimeZone>
#include <QTimer>
#include <spdlog/spdlog.h>

namespace sluice::core {

namespace {
QString q(const std::string& s) {
    return QString::fromStdString(s);
}
} // namespace

void registerEngineMetaTypes() {
    qRegisterMetaType<ConnectionSummary>();
    qRegisterMetaType<QVector<ConnectionSummary>>();
    qRegisterMetaType<ConnectionDetails>();
    qRegisterMetaType<SaveResult>();
    qRegisterMetaType<CheckResult>();
    qRegisterMetaType<DiscoverResult>();
    qRegisterMetaType<JobSummary>();
    qRegisterMetaType<QVector<JobSummary>>();
    qRegisterMetaType<JobDetails>();
    qRegisterMetaType<LogEntry>();
    qRegisterMetaType<QVector<LogEntry>>();
    qRegisterMetaType<JobProgress>();
    qRegisterMetaType<JobFinished>();
    qRegisterMetaType<JobRejected>();
    qRegisterMetaType<GenerationsReport>();
    qRegisterMetaType<AggregateReport>();
    qRegisterMetaType<DiffReport>();
    qRegisterMetaType<RefreshPreview>();
    qRegisterMetaType<RefreshChoice>();
    qRegisterMetaType<RowSet>();
    qRegisterMetaType<QVector<RefreshChoice>>();
    qRegisterMetaType<TaskInfo>();
    qRegisterMetaType<StreamStateReport>();
    qRegisterMetaType<RecordSample>();
    qRegisterMetaType<StateEditQuestion>();
    qRegisterMetaType<StateEditAnswer>();
}

// A few workers are enough: a newer question of a kind cancels the older one, so a connector that hangs
// in check holds one worker at most, and each inspector question another.
constexpr int kTaskThreads = 6;

Engine::Engine(std::string home, QObject* parent)
    : QObject(parent), m_home(std::move(home)), m_tasks(new TaskRunner(kTaskThreads, this)) {
    registerEngineMetaTypes();
    connect(m_tasks, &TaskRunner::started, this, &Engine::taskStarted);
    connect(m_tasks, &TaskRunner::finished, this, &Engine::taskFinished);
}

// Tasks and job workers are cancelled and joined here, on the engine thread, before the store goes.
Engine::~Engine() {
    delete m_tasks;
    m_tasks = nullptr;
    for (auto& [id, r] : m_running)
        r.worker->cancel();
    m_running.clear();
}

bool Engine::ensureStarted() {
    if (m_store)
        return true;
    auto store = Store::openInHome(m_home);
    if (!store) {
        logger("engine")->error("cannot open Sluice's database: {}", store.error().message);
        emit errorOccurred(q(store.error().message));
        return false;
    }
    m_store = std::make_unique<Store>(std::move(store.value()));
    JobRepository jobs(m_store->db());
    (void)jobs.closeStaleJobs();
    auto demo = initialiseHome(m_store->db(), m_home);
    if (!demo)
        emit errorOccurred(
            QStringLiteral("Creating the demo connection failed: %1").arg(q(demo.error().message)));

    m_clock = std::make_unique<WallClock>();
    m_scheduler = std::make_unique<Scheduler>(*m_clock);
    m_external = std::make_unique<ExternalJobs>();
    // Timers call in directly, not through hop(): they are guarded here.
    const auto onTimeout = [this](QTimer* timer, void (Engine::*slot)()) {
        connect(timer, &QTimer::timeout, this, [this, slot] {
            auto call = [this, slot] { (this->*slot)(); };
            guarded(call);
        });
    };
    m_watch = new QTimer(this);
    m_watch->setInterval(500);
    onTimeout(m_watch, &Engine::pollForChanges);
    m_watch->start();
    m_jobTimer = new QTimer(this);
    m_jobTimer->setInterval(150); // progress reaches the GUI at most ~7 times a second per job
    onTimeout(m_jobTimer, &Engine::collectJobs);
    m_schedulerTimer = new QTimer(this);
    onTimeout(m_schedulerTimer, &Engine::schedulerTick);
    if (m_schedulerInterval > 0)
        m_schedulerTimer->start(m_schedulerInterval);
    logger("engine")->info("engine started on home {}", m_home);
    emit started();
    followExternalJobs(); // a sync the CLI runs already is shown from the start, not from its next commit
    if (demo && demo.value())
        emit demoCreated(*demo.value());
    return true;
}

void Engine::setWatchInterval(int milliseconds) {
    if (hop([this, milliseconds] { setWatchInterval(milliseconds); }) || !ensureStarted())
        return;
    if (milliseconds <= 0) {
        m_watch->stop();
    } else {
        m_watch->setInterval(milliseconds);
        m_watch->start();
    }
}

void Engine::setSchedulerInterval(int milliseconds) {
    if (hop([this, milliseconds] { setSchedulerInterval(milliseconds); }))
        return;
    m_schedulerInterval = milliseconds;
    if (!ensureStarted())
        return;
    if (milliseconds <= 0)
        m_schedulerTimer->stop();
    else
        m_schedulerTimer->start(milliseconds);
}

void Engine::refreshConnections() {
    if (hop([this] { refreshConnections(); }) || !ensureStarted())
        return;
    m_lastDataVersion = m_store->dataVersion();
    ConnectionRepository repo(m_store->db());
    auto list = repo.list();
    if (!list) {
        emit errorOccurred(q(list.error().message));
        return;
    }
    QVector<ConnectionSummary> out;
    for (const auto& c : list.value()) {
        ConnectionSummary s = summarizeConnection(m_store->db(), c);
        ScheduledConnection sc = scheduledConnection(m_store->db(), c);
        if (auto it = m_running.find(c.id); it != m_running.end()) {
            s.status = QStringLiteral("running");
            s.progress = it->second.progress;
            sc.jobRunning = true;
        }
        if (auto next = m_scheduler->nextRun(sc))
            s.nextRun =
                QDateTime::fromMSecsSinceEpoch(
                    std::chrono::duration_cast<std::chrono::milliseconds>(next->time_since_epoch()).count(),
                    Qt::UTC)
                    .toString(Qt::ISODateWithMs);
        out.push_back(s);
    }
    emit connectionsChanged(out);
}

void Engine::pollForChanges() {
    if (!m_store || QThread::currentThread()->isInterruptionRequested())
        return;
    if (m_store->dataVersion() == m_lastDataVersion)
        return;
    refreshConnections();
    followExternalJobs();
}

void Engine::followExternalJobs() {
    auto events = m_external->poll(m_store->db());
    if (!events) {
        logger("engine")->warn("cannot follow the jobs of other processes: {}", events.error().message);
        return;
    }
    for (const auto& s : events->started) {
        logger("engine")->info("following {} job {} of another process", s.type.toStdString(), s.jobId);
        emit jobStarted(s.jobId, s.connectionId, s.type);
    }
    for (const auto& p : events->progress)
        emit jobProgress(p);
    if (!events->log.isEmpty())
        emit jobLog(events->log);
    for (const auto& f : events->finished) {
        logger("engine")->info("job {} of another process {}", f.jobId, f.status.toStdString());
        emit jobFinished(f);
    }
}

void Engine::saveConnection(int token, qint64 id, const QString& json, const QStringList& streamSchemas) {
    if (hop([=, this] { saveConnection(token, id, json, streamSchemas); }) || !ensureStarted())
        return;
    SaveResult result{token, id, {}};
    auto c = parseConnectionJson(json.toStdString(), "connection", "");
    ConnectionRepository repo(m_store->db());
    if (!c) {
        result.error = q(c.error().message);
    } else if (id == 0) {
        auto created = repo.create(c.value());
        if (created)
            result.id = created.value();
        else
            result.error = q(created.error().message);
    } else if (auto st = repo.update(id, c.value()); !st) {
        result.error = q(st.error().message);
    }
    if (result.error.isEmpty()) {
        for (const auto& text : streamSchemas) {
            auto info = streamFromJson(text.toStdString());
            if (!info || !c->findStream(info->name, info->ns))
                continue;
            auto stored = repo.streamSchema(result.id, info->ns, info->name);
            if (stored && !stored.value())
                (void)repo.setStreamSchema(result.id, info->ns, info->name, text.toStdString());
        }
        logger("engine")->info("connection `{}` saved (id {})", c->name, result.id);
    }
    emit connectionSaved(result);
    if (result.error.isEmpty()) {
        refreshConnections();
        loadConnection(result.id);
    }
}

void Engine::deleteConnection(qint64 id) {
    if (hop([this, id] { deleteConnection(id); }) || !ensureStarted())
        return;
    if (m_running.count(id)) {
        emit errorOccurred(QStringLiteral("The connection has a running job: cancel it before deleting."));
        return;
    }
    ConnectionRepository repo(m_store->db());
    auto deleted = repo.get(id);
    if (auto st = deleted ? repo.remove(id) : Status(deleted.error()); !st) {
        emit errorOccurred(q(st.error().message));
        return;
    }
    // Its tables in the destination become free for other connections (the data stays). Off the engine
    // thread: a PostgreSQL destination may take seconds to answer, or not answer.
    QThreadPool::globalInstance()->start([c = deleted.value()] {
        try {
            auto released = releaseDestinationTables(c);
            if (!released)
                logger("engine")->warn("{}", released.error().message);
            else if (released.value() > 0)
                logger("engine")->info("connection `{}` deleted: released its {} table(s) in the destination",
                                       c.name, released.value());
        } catch (const std::exception& e) {
            logger("engine")->error("releasing the tables of connection `{}` failed: {}", c.name, e.what());
        }
    });
    emit connectionDeleted(id);
    refreshConnections();
}

void Engine::reportUnexpected(const Error& error) {
    logger("engine")->error("{}", error.message);
    emit errorOccurred(q(error.message));
}

EngineThread::EngineThread(std::string home) {
    m_thread.setObjectName(QStringLiteral("sluice-engine"));
    m_engine = new Engine(std::move(home));
    m_engine->moveToThread(&m_thread);
    QObject::connect(&m_thread, &QThread::finished, m_engine, &QObject::deleteLater);
    m_thread.start();
}

EngineThread::~EngineThread() {
    m_thread.requestInterruption();
    m_thread.quit();
    m_thread.wait();
}

} // namespace sluice::core
