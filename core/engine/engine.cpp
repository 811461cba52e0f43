#include "engine/engine.h"

#include "connectors/connector_specs.h"
#include "destinations/destination.h"
#include "engine/engine_queries.h"
#include "engine/first_start.h"
#include "engine/job_worker.h"
#include "engine/stream_choice.h"
#include "scheduler/scheduler.h"
#include "sources/source.h"
#include "store/connection_repository.h"
#include "store/job_repository.h"
#include "store/store.h"
#include "util/logging.h"

#include <QDateTime>
#include <QFile>
#include <QThreadPool>
#include <QTimeZone>
#include <QTimer>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

namespace sluice::core {

namespace {
QString q(const std::string& s) {
    return QString::fromStdString(s);
}

// A connection being edited may not have a name yet: check and discover need only its connectors.
Result<ConnectionConfig> parseEdited(const QString& text) {
    nlohmann::json root;
    try {
        root = nlohmann::json::parse(text.toStdString());
    } catch (const nlohmann::json::exception& e) {
        return Error::invalid(std::string("the connection is not valid JSON: ") + e.what());
    }
    if (root.is_object() && (!root.contains("name") || root["name"] == ""))
        root["name"] = "(new connection)";
    if (root.is_object() && !root.contains("streams"))
        root["streams"] = nlohmann::json::array();
    return parseConnectionJson(root.dump(), "connection", "");
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
}

Engine::Engine(std::string home, QObject* parent) : QObject(parent), m_home(std::move(home)) {
    registerEngineMetaTypes();
}

// Workers are cancelled and joined here, on the engine thread, before the store they report into goes.
Engine::~Engine() {
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
    m_watch = new QTimer(this);
    m_watch->setInterval(500);
    connect(m_watch, &QTimer::timeout, this, &Engine::pollForChanges);
    m_watch->start();
    m_jobTimer = new QTimer(this);
    m_jobTimer->setInterval(150); // progress reaches the GUI at most ~7 times a second per job
    connect(m_jobTimer, &QTimer::timeout, this, &Engine::collectJobs);
    m_schedulerTimer = new QTimer(this);
    connect(m_schedulerTimer, &QTimer::timeout, this, &Engine::schedulerTick);
    if (m_schedulerInterval > 0)
        m_schedulerTimer->start(m_schedulerInterval);
    logger("engine")->info("engine started on home {}", m_home);
    emit started();
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
    if (m_store->dataVersion() != m_lastDataVersion)
        refreshConnections();
}

void Engine::loadConnection(qint64 id) {
    if (hop([this, id] { loadConnection(id); }) || !ensureStarted())
        return;
    ConnectionRepository repo(m_store->db());
    auto c = repo.get(id);
    if (!c) {
        ConnectionDetails d;
        d.id = id;
        d.error = q(c.error().message);
        emit connectionLoaded(d);
        return;
    }
    emit connectionLoaded(connectionDetails(m_store->db(), c.value()));
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

void Engine::checkConnection(int token, const QString& json) {
    if (hop([this, token, json] { checkConnection(token, json); }))
        return;
    CheckResult result;
    result.token = token;
    auto c = parseEdited(json);
    if (!c) {
        result.sourceMessage = result.destinationMessage = q(c.error().message);
        emit checkFinished(result);
        return;
    }
    auto source = makeSource(c->source.type, c->source.configJson);
    Status sourceCheck = source ? source.value()->check() : Status(source.error());
    result.sourceOk = sourceCheck.ok();
    result.sourceMessage =
        sourceCheck ? QStringLiteral("The source answered.") : q(sourceCheck.error().message);
    auto dest = makeDestinationFor(*c);
    Status destCheck = dest ? dest.value()->check() : Status(dest.error());
    result.destinationOk = destCheck.ok();
    result.destinationMessage =
        destCheck ? QStringLiteral("The destination is writable.") : q(destCheck.error().message);
    emit checkFinished(result);
}

void Engine::discoverStreams(int token, const QString& json) {
    if (hop([this, token, json] { discoverStreams(token, json); }))
        return;
    DiscoverResult result;
    result.token = token;
    auto c = parseEdited(json);
    auto source =
        c ? makeSource(c->source.type, c->source.configJson) : Result<std::unique_ptr<Source>>(c.error());
    auto streams = source ? source.value()->discover() : Result<std::vector<StreamInfo>>(source.error());
    if (!streams) {
        result.error = q(streams.error().message);
    } else {
        for (const auto& info : streams.value()) {
            const ConfiguredStreamConfig* configured = c->findStream(info.name, info.ns);
            ConfiguredStreamConfig config = configured ? *configured : defaultStreamConfig(info);
            result.streams.push_back(streamRowOf(info, true, config));
        }
    }
    emit discoverFinished(result);
}

void Engine::exportCsv(const QString& path, const RowSet& rows) {
    if (hop([this, path, rows] { exportCsv(path, rows); }))
        return;
    auto field = [](const QString& v) {
        if (!v.contains(QLatin1Char(',')) && !v.contains(QLatin1Char('"')) &&
            !v.contains(QLatin1Char('\n')) && !v.contains(QLatin1Char('\r')))
            return v;
        QString quoted = v;
        quoted.replace(QLatin1String("\""), QLatin1String("\"\""));
        return QLatin1Char('"') + quoted + QLatin1Char('"');
    };
    auto line = [&](const QStringList& cells) {
        QStringList out;
        for (const auto& c : cells)
            out << field(c);
        return out.join(QLatin1Char(',')) + QStringLiteral("\r\n");
    };
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        emit exportFinished(path, file.errorString());
        return;
    }
    QString text = line(rows.columns);
    for (const auto& r : rows.rows)
        text += line(r);
    const QByteArray bytes = text.toUtf8();
    const bool ok = file.write(bytes) == bytes.size() && file.flush();
    emit exportFinished(path, ok ? QString() : file.errorString());
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
