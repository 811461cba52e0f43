#include "store/job_repository.h"

#include "store/job_lock.h"
#include "util/logging.h"
#include "util/time_util.h"

#include <cerrno>
#include <csignal>
#include <unistd.h>

namespace sluice::core {

namespace {
const char* kJobColumns = "id, connection_id, type, status, COALESCE(refresh_mode,''), created_at, "
                          "COALESCE(started_at,''), COALESCE(ended_at,''), pid, COALESCE(error,''), cancel_requested";

template <typename T, typename F>
Result<std::vector<T>> collect(Statement& st, F read) {
    std::vector<T> out;
    while (true) {
        auto r = st.step();
        if (!r)
            return r.error();
        if (!r.value())
            return out;
        out.push_back(read(st));
    }
}
} // namespace

bool processAlive(int64_t pid) {
    if (pid <= 0)
        return false;
    if (pid == static_cast<int64_t>(::getpid()))
        return true;
    return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

Result<JobRecord> JobRepository::readJob(Statement& st) {
    JobRecord j;
    j.id = st.getInt(0);
    j.connectionId = st.getInt(1);
    j.type = st.getText(2);
    j.status = st.getText(3);
    j.refreshMode = st.getText(4);
    j.createdAt = st.getText(5);
    j.startedAt = st.getText(6);
    j.endedAt = st.getText(7);
    j.pid = st.getOptInt(8);
    j.error = st.getText(9);
    j.cancelRequested = st.getInt(10) != 0;
    return j;
}

Result<int> JobRepository::closeStaleJobs() {
    auto st = m_db.prepare("SELECT id, pid FROM jobs WHERE status = 'running'");
    if (!st)
        return st.error();
    std::vector<int64_t> stale;
    while (true) {
        auto r = st->step();
        if (!r)
            return r.error();
        if (!r.value())
            break;
        // The job's lock says whether its process still runs it; a job without one (an older Sluice) has
        // only its pid to go by.
        const int64_t id = st->getInt(0);
        const auto held = jobLockHeld(m_db.path(), id);
        if (held ? !*held : !processAlive(st->getOptInt(1).value_or(0)))
            stale.push_back(id);
    }
    st->reset();
    if (stale.empty())
        return 0;
    for (int64_t id : stale) {
        const std::string msg = "interrupted: the process running this job stopped (crash or kill)";
        auto u = m_db.prepare("UPDATE jobs SET status='failed', ended_at=?, error=? WHERE id=? AND status='running'");
        if (!u)
            return u.error();
        u->bind(1, nowIso()).bind(2, msg).bind(3, id);
        SLUICE_TRY(u->run());
        auto a = m_db.prepare("UPDATE attempts SET status='failed', ended_at=?, failure=? WHERE job_id=? AND "
                              "status='running'");
        if (!a)
            return a.error();
        a->bind(1, nowIso()).bind(2, msg).bind(3, id);
        SLUICE_TRY(a->run());
        auto s = m_db.prepare("UPDATE job_streams SET status='failed' WHERE job_id=? AND status IN ('running','pending')");
        if (!s)
            return s.error();
        s->bind(1, id);
        SLUICE_TRY(s->run());
        removeJobLock(m_db.path(), id);
    }
    return static_cast<int>(stale.size());
}

Result<int64_t> JobRepository::startJob(int64_t connectionId, const std::string& type, const std::string& refreshMode) {
    Transaction tx(m_db);
    SLUICE_TRY(tx.begun());
    auto closed = closeStaleJobs();
    if (!closed)
        return closed.error();
    auto running = runningJob(connectionId);
    if (!running)
        return running.error();
    if (running.value())
        return Error::refused("connection " + std::to_string(connectionId) + " already has a running job (job " +
                              std::to_string(running.value()->id) + ", started " + running.value()->startedAt +
                              "); wait for it or cancel it with `sluicectl cancel " +
                              std::to_string(running.value()->id) + "`");
    auto st = m_db.prepare("INSERT INTO jobs (connection_id, type, status, refresh_mode, created_at, started_at, pid) "
                           "VALUES (?,?,'running',?,?,?,?)");
    if (!st)
        return st.error();
    const std::string now = nowIso();
    st->bind(1, connectionId).bind(2, type);
    if (refreshMode.empty())
        st->bind(3, nullptr);
    else
        st->bind(3, refreshMode);
    st->bind(4, now).bind(5, now).bind(6, static_cast<int64_t>(::getpid()));
    SLUICE_TRY(st->run());
    const int64_t id = m_db.lastInsertRowId();
    SLUICE_TRY(tx.commit());
    holdJobLock(m_db.path(), id);
    return id;
}

Status JobRepository::finishJob(int64_t jobId, const std::string& status, const std::string& error) {
    auto st = m_db.prepare("UPDATE jobs SET status=?, ended_at=?, error=? WHERE id=?");
    if (!st)
        return st.error();
    st->bind(1, status).bind(2, nowIso());
    // Errors quote connectors and databases, which may echo a password: the stored text never holds one.
    if (error.empty())
        st->bind(3, nullptr);
    else
        st->bind(3, redactSecrets(error));
    st->bind(4, jobId);
    SLUICE_TRY(st->run());
    releaseJobLock(m_db.path(), jobId);
    return {};
}

Result<int> JobRepository::startAttempt(int64_t jobId) {
    auto n = m_db.prepare("SELECT COALESCE(MAX(number),0)+1 FROM attempts WHERE job_id=?");
    if (!n)
        return n.error();
    n->bind(1, jobId);
    auto r = n->step();
    if (!r)
        return r.error();
    const int number = static_cast<int>(n->getInt(0));
    auto st = m_db.prepare("INSERT INTO attempts (job_id, number, status, started_at) VALUES (?,?,'running',?)");
    if (!st)
        return st.error();
    st->bind(1, jobId).bind(2, number).bind(3, nowIso());
    SLUICE_TRY(st->run());
    return number;
}

Status JobRepository::finishAttempt(int64_t jobId, int number, const std::string& status, const std::string& failure) {
    auto st = m_db.prepare("UPDATE attempts SET status=?, ended_at=?, failure=? WHERE job_id=? AND number=?");
    if (!st)
        return st.error();
    st->bind(1, status).bind(2, nowIso());
    if (failure.empty())
        st->bind(3, nullptr);
    else
        st->bind(3, redactSecrets(failure));
    st->bind(4, jobId).bind(5, number);
    return st->run();
}

Status JobRepository::addCommitted(int64_t jobId, int attempt, int64_t records) {
    auto st = m_db.prepare("UPDATE attempts SET records_committed = records_committed + ? WHERE job_id=? AND number=?");
    if (!st)
        return st.error();
    st->bind(1, records).bind(2, jobId).bind(3, attempt);
    return st->run();
}

Status JobRepository::saveStream(int64_t jobId, const JobStreamRecord& s) {
    auto st = m_db.prepare(
        "INSERT INTO job_streams (job_id, namespace, name, generation_id, min_generation_id, action, "
        "records_committed, status, message) VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT(job_id, namespace, name) DO "
        "UPDATE SET generation_id=excluded.generation_id, min_generation_id=excluded.min_generation_id, "
        "action=excluded.action, status=excluded.status, message=excluded.message");
    if (!st)
        return st.error();
    st->bind(1, jobId).bind(2, s.ns).bind(3, s.name).bind(4, s.generation).bind(5, s.minimumGeneration);
    st->bind(6, s.action).bind(7, s.recordsCommitted).bind(8, s.status);
    if (s.message.empty())
        st->bind(9, nullptr);
    else
        st->bind(9, s.message);
    return st->run();
}

Status JobRepository::addStreamCommitted(int64_t jobId, const std::string& ns, const std::string& name,
                                         int64_t records) {
    auto st = m_db.prepare("UPDATE job_streams SET records_committed = records_committed + ? WHERE job_id=? AND "
                           "namespace=? AND name=?");
    if (!st)
        return st.error();
    st->bind(1, records).bind(2, jobId).bind(3, ns).bind(4, name);
    return st->run();
}

Status JobRepository::setStreamStatus(int64_t jobId, const std::string& ns, const std::string& name,
                                      const std::string& status, const std::string& message) {
    auto st = m_db.prepare("UPDATE job_streams SET status=?, message=COALESCE(?, message) WHERE job_id=? AND "
                           "namespace=? AND name=?");
    if (!st)
        return st.error();
    st->bind(1, status);
    if (message.empty())
        st->bind(2, nullptr);
    else
        st->bind(2, redactSecrets(message));
    st->bind(3, jobId).bind(4, ns).bind(5, name);
    return st->run();
}

Status JobRepository::addLog(int64_t jobId, int attempt, const std::string& level, const std::string& logger,
                             const std::string& message) {
    auto st = m_db.prepare("INSERT INTO job_logs (job_id, attempt, ts, level, logger, message) VALUES (?,?,?,?,?,?)");
    if (!st)
        return st.error();
    st->bind(1, jobId).bind(2, attempt).bind(3, nowIso()).bind(4, level).bind(5, logger);
    st->bind(6, redactSecrets(message));
    return st->run();
}

Status JobRepository::requestCancel(int64_t jobId) {
    auto j = job(jobId);
    if (!j)
        return j.error();
    if (j->status != "running")
        return Error::refused("job " + std::to_string(jobId) + " is not running (it " + j->status + ")");
    auto st = m_db.prepare("UPDATE jobs SET cancel_requested=1 WHERE id=?");
    if (!st)
        return st.error();
    st->bind(1, jobId);
    return st->run();
}

Result<bool> JobRepository::cancelRequested(int64_t jobId) {
    auto st = m_db.prepare("SELECT cancel_requested FROM jobs WHERE id=?");
    if (!st)
        return st.error();
    st->bind(1, jobId);
    auto r = st->step();
    if (!r)
        return r.error();
    return r.value() && st->getInt(0) != 0;
}

Result<JobRecord> JobRepository::job(int64_t jobId) {
    auto st = m_db.prepare(std::string("SELECT ") + kJobColumns + " FROM jobs WHERE id=?");
    if (!st)
        return st.error();
    st->bind(1, jobId);
    auto r = st->step();
    if (!r)
        return r.error();
    if (!r.value())
        return Error::invalid("no job with id " + std::to_string(jobId));
    return readJob(*st);
}

Result<std::vector<JobRecord>> JobRepository::jobsOf(int64_t connectionId, int limit) {
    auto st = m_db.prepare(std::string("SELECT ") + kJobColumns +
                           " FROM jobs WHERE connection_id=? ORDER BY id DESC LIMIT ?");
    if (!st)
        return st.error();
    st->bind(1, connectionId).bind(2, limit);
    return collect<JobRecord>(*st, [this](Statement& s) { return readJob(s).value(); });
}

Result<std::optional<JobRecord>> JobRepository::runningJob(int64_t connectionId) {
    auto st = m_db.prepare(std::string("SELECT ") + kJobColumns +
                           " FROM jobs WHERE connection_id=? AND status='running' ORDER BY id DESC LIMIT 1");
    if (!st)
        return st.error();
    st->bind(1, connectionId);
    auto r = st->step();
    if (!r)
        return r.error();
    if (!r.value())
        return std::optional<JobRecord>{};
    return std::optional<JobRecord>{readJob(*st).value()};
}

Result<std::vector<AttemptRecord>> JobRepository::attempts(int64_t jobId) {
    auto st = m_db.prepare("SELECT job_id, number, status, started_at, COALESCE(ended_at,''), records_committed, "
                           "COALESCE(failure,'') FROM attempts WHERE job_id=? ORDER BY number");
    if (!st)
        return st.error();
    st->bind(1, jobId);
    return collect<AttemptRecord>(*st, [](Statement& s) {
        return AttemptRecord{s.getInt(0), static_cast<int>(s.getInt(1)), s.getText(2), s.getText(3), s.getText(4),
                             s.getInt(5), s.getText(6)};
    });
}

Result<std::vector<JobStreamRecord>> JobRepository::streams(int64_t jobId) {
    auto st = m_db.prepare("SELECT namespace, name, generation_id, min_generation_id, action, records_committed, "
                           "status, COALESCE(message,'') FROM job_streams WHERE job_id=? ORDER BY rowid");
    if (!st)
        return st.error();
    st->bind(1, jobId);
    return collect<JobStreamRecord>(*st, [](Statement& s) {
        return JobStreamRecord{s.getText(0), s.getText(1), s.getInt(2), s.getInt(3),
                               s.getText(4), s.getInt(5), s.getText(6), s.getText(7)};
    });
}

Result<std::vector<LogLine>> JobRepository::logs(int64_t jobId, std::optional<int> attempt) {
    auto st = m_db.prepare(attempt ? "SELECT attempt, ts, level, logger, message FROM job_logs WHERE job_id=? AND "
                                     "attempt=? ORDER BY id"
                                   : "SELECT attempt, ts, level, logger, message FROM job_logs WHERE job_id=? "
                                     "ORDER BY id");
    if (!st)
        return st.error();
    st->bind(1, jobId);
    if (attempt)
        st->bind(2, *attempt);
    return collect<LogLine>(*st, [](Statement& s) {
        return LogLine{static_cast<int>(s.getInt(0)), s.getText(1), s.getText(2), s.getText(3), s.getText(4)};
    });
}

} // namespace sluice::core
