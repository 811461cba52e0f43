#include "store/job_repository.h"

#include "store/job_lock.h"
#include "util/logging.h"
#include "util/time_util.h"
#include "util/utf8.h"

#include <cerrno>
#include <csignal>
#include <unistd.h>

namespace sluice::core {

namespace {
// Messages quote connectors and databases: no secret is stored (one may be echoed), and no byte that is not
// UTF-8 (a connector's line, a file's name), which the JSON of `jobs` and `logs` could not carry.
std::string storedMessage(const std::string& text) {
    return toValidUtf8(redactSecrets(text));
}

const char* kJobColumns =
    "id, connection_id, type, status, COALESCE(refresh_mode,''), created_at, "
    "COALESCE(started_at,''), COALESCE(ended_at,''), pid, COALESCE(error,''), cancel_requested, "
    "COALESCE(trigger,'')";

// A row whose status or action this version cannot read fails the whole query, naming the text (`bad` keeps
// the first such error; forEachRow's callbacks cannot return one).
template <typename T> T orFail(Result<T> parsed, Status& bad, T fallback) {
    if (parsed)
        return parsed.value();
    if (bad.ok())
        bad = parsed.error();
    return fallback;
}

JobRecord readJobRow(Statement& st, Status& bad) {
    return JobRecord{st.getInt(0),       st.getInt(1),
                     st.getText(2),      orFail(jobStatusFromText(st.getText(3)), bad, JobStatus::Failed),
                     st.getText(4),      st.getText(5),
                     st.getText(6),      st.getText(7),
                     st.getOptInt(8),    st.getText(9),
                     st.getInt(10) != 0, st.getText(11)};
}
} // namespace

bool processAlive(int64_t pid) {
    if (pid <= 0)
        return false;
    if (pid == static_cast<int64_t>(::getpid()))
        return true;
    return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

Result<int> JobRepository::closeStaleJobs() {
    std::vector<int64_t> stale;
    SLUICE_TRY(m_db.forEachRow("SELECT id, pid FROM jobs WHERE status = 'running'", [&](Statement& st) {
        // The job's lock says whether its process still runs it; a job without one (an older Sluice) has
        // only its pid to go by.
        const int64_t id = st.getInt(0);
        const auto held = jobLockHeld(m_db.path(), id);
        if (held ? !*held : !processAlive(st.getOptInt(1).value_or(0)))
            stale.push_back(id);
    }));
    if (stale.empty())
        return 0;
    const std::string msg = "interrupted: the process running this job stopped (crash or kill)";
    // The job, its attempt and its streams close together, or a job reads "failed" with a running attempt.
    SLUICE_TRY(m_db.write("closing jobs whose process is gone", [&]() -> Status {
        for (int64_t id : stale) {
            SLUICE_TRY(m_db.execute("UPDATE jobs SET status='failed', ended_at=?, error=? WHERE id=? AND "
                                    "status='running'",
                                    nowIso(), msg, id));
            SLUICE_TRY(
                m_db.execute("UPDATE attempts SET status='failed', ended_at=?, failure=? WHERE job_id=? AND "
                             "status='running'",
                             nowIso(), msg, id));
            SLUICE_TRY(m_db.execute("UPDATE job_streams SET status='failed' WHERE job_id=? AND status IN "
                                    "('running','pending')",
                                    id));
        }
        return {};
    }));
    for (int64_t id : stale)
        removeJobLock(m_db.path(), id);
    return static_cast<int>(stale.size());
}

Result<int64_t> JobRepository::startJob(int64_t connectionId, const std::string& type,
                                        const std::string& refreshMode, const std::string& trigger) {
    auto started = m_db.write("starting a job", [&]() -> Result<int64_t> {
        auto closed = closeStaleJobs();
        if (!closed)
            return closed.error();
        auto running = runningJob(connectionId);
        if (!running)
            return running.error();
        if (running.value()) {
            const std::string id = std::to_string(running.value()->id);
            return Error::refused("connection " + std::to_string(connectionId) +
                                  " already has a running job (job " + id + ", started " +
                                  running.value()->startedAt +
                                  "); wait for it or cancel it with `sluicectl cancel " + id + "`");
        }
        const std::string now = nowIso();
        SLUICE_TRY(m_db.execute("INSERT INTO jobs (connection_id, type, status, refresh_mode, created_at, "
                                "started_at, pid, trigger) VALUES (?,?,'running',?,?,?,?,?)",
                                connectionId, type, nullIfEmpty(refreshMode), now, now,
                                static_cast<int64_t>(::getpid()), nullIfEmpty(trigger)));
        return m_db.lastInsertRowId();
    });
    if (started)
        holdJobLock(m_db.path(), started.value());
    return started;
}

Status JobRepository::finishJob(int64_t jobId, JobStatus status, const std::string& error) {
    SLUICE_TRY(m_db.execute("UPDATE jobs SET status=?, ended_at=?, error=? WHERE id=?", toText(status),
                            nowIso(), nullIfEmpty(storedMessage(error)), jobId));
    releaseJobLock(m_db.path(), jobId);
    return {};
}

Result<int> JobRepository::startAttempt(int64_t jobId) {
    // The number is read under the write lock that inserts it: a read first, upgraded to a write later, is
    // what SQLite refuses at once when another process committed in between.
    return m_db.write("starting an attempt", [&]() -> Result<int> {
        int number = 1;
        SLUICE_TRY(m_db.forEachRow(
            "SELECT COALESCE(MAX(number),0)+1 FROM attempts WHERE job_id=?",
            [&](Statement& st) { number = static_cast<int>(st.getInt(0)); }, jobId));
        SLUICE_TRY(
            m_db.execute("INSERT INTO attempts (job_id, number, status, started_at) VALUES (?,?,'running',?)",
                         jobId, number, nowIso()));
        return number;
    });
}

Status JobRepository::finishAttempt(int64_t jobId, int number, JobStatus status, const std::string& failure) {
    return m_db.execute("UPDATE attempts SET status=?, ended_at=?, failure=? WHERE job_id=? AND number=?",
                        toText(status), nowIso(), nullIfEmpty(storedMessage(failure)), jobId, number);
}

Status JobRepository::addCommitted(int64_t jobId, int attempt, int64_t records) {
    return m_db.execute(
        "UPDATE attempts SET records_committed = records_committed + ? WHERE job_id=? AND number=?", records,
        jobId, attempt);
}

Status JobRepository::saveStream(int64_t jobId, const JobStreamRecord& s) {
    return m_db.execute(
        "INSERT INTO job_streams (job_id, namespace, name, generation_id, min_generation_id, action, "
        "records_committed, status, message) VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT(job_id, namespace, name) "
        "DO "
        "UPDATE SET generation_id=excluded.generation_id, min_generation_id=excluded.min_generation_id, "
        "action=excluded.action, status=excluded.status, message=excluded.message",
        jobId, s.ns, s.name, s.generation, s.minimumGeneration, toText(s.action), s.recordsCommitted,
        toText(s.status), nullIfEmpty(s.message));
}

Status JobRepository::addStreamCommitted(int64_t jobId, const std::string& ns, const std::string& name,
                                         int64_t records, int64_t reread) {
    return m_db.execute("UPDATE job_streams SET records_committed = records_committed + ?, "
                        "records_reread = records_reread + ? WHERE job_id=? AND namespace=? AND name=?",
                        records, reread, jobId, ns, name);
}

Status JobRepository::setStreamStatus(int64_t jobId, const std::string& ns, const std::string& name,
                                      JobStreamStatus status, const std::string& message) {
    return m_db.execute("UPDATE job_streams SET status=?, message=COALESCE(?, message) WHERE job_id=? AND "
                        "namespace=? AND name=?",
                        toText(status), nullIfEmpty(storedMessage(message)), jobId, ns, name);
}

Status JobRepository::setStreamReport(int64_t jobId, const std::string& ns, const std::string& name,
                                      const std::string& connectorStatus, int64_t recordsEstimated,
                                      int64_t bytesEstimated) {
    auto orNull = [](int64_t v) { return v < 0 ? std::optional<int64_t>() : std::optional<int64_t>(v); };
    return m_db.execute(
        "UPDATE job_streams SET connector_status=COALESCE(?, connector_status), "
        "records_estimated=COALESCE(?, records_estimated), "
        "bytes_estimated=COALESCE(?, bytes_estimated) WHERE job_id=? AND namespace=? AND name=?",
        nullIfEmpty(connectorStatus), orNull(recordsEstimated), orNull(bytesEstimated), jobId, ns, name);
}

Status JobRepository::addLog(int64_t jobId, int attempt, const std::string& level, const std::string& logger,
                             const std::string& message) {
    return m_db.execute(
        "INSERT INTO job_logs (job_id, attempt, ts, level, logger, message) VALUES (?,?,?,?,?,?)", jobId,
        attempt, nowIso(), level, logger, storedMessage(message));
}

Status JobRepository::requestCancel(int64_t jobId) {
    return m_db.write("requesting the cancel of a job", [&]() -> Status {
        auto j = job(jobId);
        if (!j)
            return j.error();
        if (j->status != JobStatus::Running)
            return Error::refused("job " + std::to_string(jobId) + " is not running (it " +
                                  std::string(toText(j->status)) + ")");
        return m_db.execute("UPDATE jobs SET cancel_requested=1 WHERE id=?", jobId);
    });
}

Result<bool> JobRepository::cancelRequested(int64_t jobId) {
    bool requested = false;
    SLUICE_TRY(m_db.forEachRow(
        "SELECT cancel_requested FROM jobs WHERE id=?", [&](Statement& st) { requested = st.getInt(0) != 0; },
        jobId));
    return requested;
}

Result<JobRecord> JobRepository::job(int64_t jobId) {
    std::optional<JobRecord> found;
    Status bad;
    SLUICE_TRY(m_db.forEachRow(
        std::string("SELECT ") + kJobColumns + " FROM jobs WHERE id=?",
        [&](Statement& st) { found = readJobRow(st, bad); }, jobId));
    SLUICE_TRY(bad);
    if (!found)
        return Error::invalid("no job with id " + std::to_string(jobId));
    return *found;
}

Result<std::vector<JobRecord>> JobRepository::jobsOf(int64_t connectionId, int limit) {
    std::vector<JobRecord> out;
    Status bad;
    SLUICE_TRY(m_db.forEachRow(
        std::string("SELECT ") + kJobColumns + " FROM jobs WHERE connection_id=? ORDER BY id DESC LIMIT ?",
        [&](Statement& st) { out.push_back(readJobRow(st, bad)); }, connectionId, limit));
    SLUICE_TRY(bad);
    return out;
}

Result<std::optional<JobRecord>> JobRepository::runningJob(int64_t connectionId) {
    std::optional<JobRecord> found;
    Status bad;
    SLUICE_TRY(m_db.forEachRow(
        std::string("SELECT ") + kJobColumns +
            " FROM jobs WHERE connection_id=? AND status='running' ORDER BY id DESC LIMIT 1",
        [&](Statement& st) { found = readJobRow(st, bad); }, connectionId));
    SLUICE_TRY(bad);
    return found;
}

Result<std::vector<JobRecord>> JobRepository::runningJobs() {
    std::vector<JobRecord> out;
    Status bad;
    SLUICE_TRY(m_db.forEachRow(std::string("SELECT ") + kJobColumns +
                                   " FROM jobs WHERE status='running' ORDER BY id",
                               [&](Statement& st) { out.push_back(readJobRow(st, bad)); }));
    SLUICE_TRY(bad);
    return out;
}

Result<std::vector<AttemptRecord>> JobRepository::attempts(int64_t jobId) {
    std::vector<AttemptRecord> out;
    Status bad;
    SLUICE_TRY(m_db.forEachRow(
        "SELECT job_id, number, status, started_at, COALESCE(ended_at,''), records_committed, "
        "COALESCE(failure,'') "
        "FROM attempts WHERE job_id=? ORDER BY number",
        [&](Statement& s) {
            out.push_back({s.getInt(0), static_cast<int>(s.getInt(1)),
                           orFail(jobStatusFromText(s.getText(2)), bad, JobStatus::Failed), s.getText(3),
                           s.getText(4), s.getInt(5), s.getText(6)});
        },
        jobId));
    SLUICE_TRY(bad);
    return out;
}

Result<std::vector<JobStreamRecord>> JobRepository::streams(int64_t jobId) {
    std::vector<JobStreamRecord> out;
    Status bad;
    SLUICE_TRY(m_db.forEachRow(
        "SELECT namespace, name, generation_id, min_generation_id, action, records_committed, "
        "status, COALESCE(message,''), COALESCE(connector_status,''), COALESCE(records_estimated,-1), "
        "COALESCE(bytes_estimated,-1), records_reread FROM job_streams WHERE job_id=? ORDER BY rowid",
        [&](Statement& s) {
            out.push_back({s.getText(0), s.getText(1), s.getInt(2), s.getInt(3),
                           orFail(streamActionFromText(s.getText(4)), bad, StreamAction::Sync), s.getInt(5),
                           orFail(jobStreamStatusFromText(s.getText(6)), bad, JobStreamStatus::Failed),
                           s.getText(7), s.getText(8), s.getInt(9), s.getInt(10), s.getInt(11)});
        },
        jobId));
    SLUICE_TRY(bad);
    return out;
}

namespace {
LogLine readLogRow(Statement& s) {
    return {
        static_cast<int>(s.getInt(0)), s.getText(1), s.getText(2), s.getText(3), s.getText(4), s.getInt(5)};
}
constexpr const char* kLogSelect =
    "SELECT attempt, ts, level, logger, message, id FROM job_logs WHERE job_id=?";
} // namespace

Result<std::vector<LogLine>> JobRepository::logs(int64_t jobId, std::optional<int> attempt) {
    std::vector<LogLine> out;
    auto read = [&](Statement& s) { out.push_back(readLogRow(s)); };
    if (attempt)
        SLUICE_TRY(
            m_db.forEachRow(std::string(kLogSelect) + " AND attempt=? ORDER BY id", read, jobId, *attempt));
    else
        SLUICE_TRY(m_db.forEachRow(std::string(kLogSelect) + " ORDER BY id", read, jobId));
    return out;
}

Result<std::vector<LogLine>> JobRepository::logsAfter(int64_t jobId, int64_t afterId) {
    std::vector<LogLine> out;
    SLUICE_TRY(m_db.forEachRow(
        std::string(kLogSelect) + " AND id>? ORDER BY id",
        [&](Statement& s) { out.push_back(readLogRow(s)); }, jobId, afterId));
    return out;
}

Result<int64_t> JobRepository::lastLogId(int64_t jobId) {
    int64_t id = 0;
    SLUICE_TRY(m_db.forEachRow(
        "SELECT COALESCE(MAX(id), 0) FROM job_logs WHERE job_id=?", [&](Statement& s) { id = s.getInt(0); },
        jobId));
    return id;
}

} // namespace sluice::core
