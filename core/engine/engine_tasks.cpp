// The engine's questions that can take long, run as cancellable tasks on workers (engine/task_runner.h):
// check and discover of an edited connection, a connection's details with its row counts, the inspector's
// generations, aggregates, diffs and refresh previews, and CSV exports. The engine thread only starts them
// and emits their answers.
#include "engine/csv_export.h"
#include "engine/edited_connection.h"
#include "engine/engine.h"
#include "engine/engine_queries.h"
#include "engine/mapping_preview.h"
#include "engine/stream_state_report.h"
#include "engine/task_runner.h"
#include "store/connection_repository.h"
#include "util/home.h"
#include "util/sqlite_db.h"

namespace sluice::core {

namespace {
QString q(const std::string& s) {
    return QString::fromStdString(s);
}

// How an answer says that its task failed (an exception caught at the task's edge).
template <typename Answer> void setFailure(Answer& answer, const QString& message) {
    answer.error = message;
}
void setFailure(CheckResult& answer, const QString& message) {
    answer.sourceMessage = answer.destinationMessage = message;
}

// The answer about a stored connection: `make(store, connection)` with the task's own read-only connection
// to Sluice's database (one connection per thread, never the engine's), or `blank` with the error.
template <typename Answer, typename Make>
Answer answerAbout(const std::string& home, qint64 connectionId, Answer blank, Make&& make,
                   Database::Mode mode = Database::Mode::ReadOnly) {
    auto db = Database::open(storePath(home), mode);
    if (!db) {
        setFailure(blank, q(db.error().message));
        return blank;
    }
    ConnectionRepository repo(db.value());
    auto c = repo.get(connectionId);
    if (!c) {
        setFailure(blank, q(c.error().message));
        return blank;
    }
    return make(db.value(), c.value());
}

TaskInfo taskOf(TaskKind kind, qint64 connectionId = 0, int token = 0) {
    TaskInfo info;
    info.kind = kind;
    info.title = taskTitle(kind);
    info.connectionId = connectionId;
    info.token = token;
    return info;
}

template <typename Report> Report blankReport(qint64 connectionId) {
    Report r;
    r.connectionId = connectionId;
    return r;
}
} // namespace

template <typename Answer, typename Work, typename Deliver>
void Engine::runTask(TaskInfo info, const QString& supersedeKey, Answer blank, Work&& work, Deliver deliver) {
    m_tasks->start(
        info, supersedeKey,
        [work = std::forward<Work>(work), deliver]() -> TaskRunner::Delivery {
            return [deliver, answer = work()] { deliver(answer); };
        },
        [blank = std::move(blank), deliver](const QString& message) -> TaskRunner::Delivery {
            Answer answer = blank;
            setFailure(answer, message);
            return [deliver, answer] { deliver(answer); };
        });
}

void Engine::cancelTask(qint64 taskId) {
    if (hop([this, taskId] { cancelTask(taskId); }))
        return;
    m_tasks->cancel(taskId);
}

void Engine::checkConnection(int token, const QString& json) {
    if (hop([this, token, json] { checkConnection(token, json); }))
        return;
    CheckResult blank;
    blank.token = token;
    runTask(
        taskOf(TaskKind::Check, 0, token), QStringLiteral("check"), blank,
        [token, json] { return checkEditedConnection(token, json); },
        [this](const CheckResult& r) { emit checkFinished(r); });
}

void Engine::discoverStreams(int token, const QString& json) {
    if (hop([this, token, json] { discoverStreams(token, json); }))
        return;
    DiscoverResult blank;
    blank.token = token;
    runTask(
        taskOf(TaskKind::Discover, 0, token), QStringLiteral("discover"), blank,
        [token, json] { return discoverEditedConnection(token, json); },
        [this](const DiscoverResult& r) { emit discoverFinished(r); });
}

void Engine::loadConnection(qint64 id) {
    if (hop([this, id] { loadConnection(id); }) || !ensureStarted())
        return;
    ConnectionDetails blank;
    blank.id = id;
    runTask(
        taskOf(TaskKind::LoadConnection, id), QStringLiteral("connection %1").arg(id), blank,
        [home = m_home, id, blank] {
            return answerAbout(home, id, blank, [](Database& db, const ConnectionConfig& c) {
                return connectionDetails(db, c);
            });
        },
        [this](const ConnectionDetails& d) { emit connectionLoaded(d); });
}

template <typename Report, typename Make, typename Deliver>
void Engine::runStreamTask(TaskKind kind, qint64 connectionId, const QString& stream, Make make,
                           Deliver deliver) {
    auto blank = blankReport<Report>(connectionId);
    blank.stream = stream;
    // One answer per kind at a time: another stream's question supersedes the older one.
    runTask(
        taskOf(kind, connectionId), taskTitle(kind), blank,
        [home = m_home, blank, stream, make] {
            return answerAbout(home, blank.connectionId, blank,
                               [&](Database& db, const ConnectionConfig& c) { return make(db, c, stream); });
        },
        deliver);
}

void Engine::loadGenerations(qint64 connectionId, const QString& stream) {
    if (hop([=, this] { loadGenerations(connectionId, stream); }) || !ensureStarted())
        return;
    runStreamTask<GenerationsReport>(
        TaskKind::Generations, connectionId, stream,
        [](Database& db, const ConnectionConfig& c, const QString& s) { return generationsReport(db, c, s); },
        [this](const GenerationsReport& r) { emit generationsLoaded(r); });
}

void Engine::loadAggregate(qint64 connectionId, const QString& stream, const QString& column) {
    if (hop([=, this] { loadAggregate(connectionId, stream, column); }) || !ensureStarted())
        return;
    auto blank = blankReport<AggregateReport>(connectionId);
    blank.stream = stream;
    blank.column = column;
    runTask(
        taskOf(TaskKind::Aggregate, connectionId), QStringLiteral("aggregate"), blank,
        [home = m_home, blank] {
            return answerAbout(home, blank.connectionId, blank, [&](Database& db, const ConnectionConfig& c) {
                return aggregateReport(db, c, blank.stream, blank.column);
            });
        },
        [this](const AggregateReport& r) { emit aggregateLoaded(r); });
}

void Engine::loadDiff(qint64 connectionId, const QString& stream, qint64 from, qint64 to) {
    if (hop([=, this] { loadDiff(connectionId, stream, from, to); }) || !ensureStarted())
        return;
    auto blank = blankReport<DiffReport>(connectionId);
    blank.stream = stream;
    blank.from = from;
    blank.to = to;
    runTask(
        taskOf(TaskKind::Diff, connectionId), QStringLiteral("diff"), blank,
        [home = m_home, blank] {
            return answerAbout(home, blank.connectionId, blank, [&](Database& db, const ConnectionConfig& c) {
                return diffReport(db, c, blank.stream, blank.from, blank.to);
            });
        },
        [this](const DiffReport& r) { emit diffLoaded(r); });
}

void Engine::loadRefreshPreview(qint64 connectionId, const QStringList& streams) {
    if (hop([=, this] { loadRefreshPreview(connectionId, streams); }) || !ensureStarted())
        return;
    runTask(
        taskOf(TaskKind::RefreshPreview, connectionId), QStringLiteral("refresh preview"),
        blankReport<RefreshPreview>(connectionId),
        [home = m_home, connectionId, streams] {
            return answerAbout(
                home, connectionId, blankReport<RefreshPreview>(connectionId),
                [&](Database& db, const ConnectionConfig& c) { return refreshPreview(db, c, streams); });
        },
        [this](const RefreshPreview& p) { emit refreshPreviewLoaded(p); });
}

void Engine::loadStreamState(qint64 connectionId, const QString& stream) {
    if (hop([=, this] { loadStreamState(connectionId, stream); }) || !ensureStarted())
        return;
    runStreamTask<StreamStateReport>(
        TaskKind::StreamState, connectionId, stream,
        [](Database& db, const ConnectionConfig& c, const QString& s) { return streamStateReport(db, c, s); },
        [this](const StreamStateReport& r) { emit streamStateLoaded(r); });
}

void Engine::loadRecordSample(qint64 connectionId, const QString& stream) {
    if (hop([=, this] { loadRecordSample(connectionId, stream); }) || !ensureStarted())
        return;
    runStreamTask<RecordSample>(
        TaskKind::RecordSample, connectionId, stream,
        [](Database&, const ConnectionConfig& c, const QString& s) { return readRecordSample(c, s, 20); },
        [this](const RecordSample& r) { emit recordSampleLoaded(r); });
}

void Engine::editStreamState(const StateEditQuestion& question) {
    if (hop([=, this] { editStreamState(question); }) || !ensureStarted())
        return;
    StateEditAnswer blank;
    blank.token = question.token;
    blank.connectionId = question.connectionId;
    blank.stream = question.stream;
    // Never superseded: an edit being applied must report how it ended.
    runTask(
        taskOf(TaskKind::StateEdit, question.connectionId, question.token),
        QStringLiteral("state edit %1").arg(question.token), blank,
        [home = m_home, blank, question] {
            return answerAbout(
                home, question.connectionId, blank,
                [&](Database& db, const ConnectionConfig& c) { return answerStateEdit(db, c, question); },
                question.apply ? Database::Mode::ReadWrite : Database::Mode::ReadOnly);
        },
        [this](const StateEditAnswer& a) { emit stateEditAnswered(a); });
}

namespace {
struct ExportAnswer {
    QString path;
    QString error;
};
} // namespace

void Engine::exportCsv(const QString& path, const RowSet& rows) {
    if (hop([this, path, rows] { exportCsv(path, rows); }))
        return;
    runTask(
        taskOf(TaskKind::ExportCsv), QString(), ExportAnswer{path, {}},
        [path, rows] {
            return ExportAnswer{path, writeCsv(path, rows)};
        },
        [this](const ExportAnswer& a) { emit exportFinished(a.path, a.error); });
}

} // namespace sluice::core
