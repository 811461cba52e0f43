#pragma once

#include "store/job_status.h"
#include "util/sqlite_db.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sluice::core {

struct JobRecord {
    int64_t id = 0;
    int64_t connectionId = 0;
    std::string type; // sync | refresh | clear
    JobStatus status = JobStatus::Running;
    std::string refreshMode;
    std::string createdAt, startedAt, endedAt;
    std::optional<int64_t> pid;
    std::string error;
    bool cancelRequested = false;
    std::string trigger; // gui | schedule | cli; empty for jobs of a Sluice that did not record it
};

struct AttemptRecord {
    int64_t jobId = 0;
    int number = 0;
    JobStatus status = JobStatus::Running;
    std::string startedAt, endedAt;
    int64_t recordsCommitted = 0;
    std::string failure;
};

struct JobStreamRecord {
    std::string ns, name;
    int64_t generation = 0;
    int64_t minimumGeneration = 0;
    StreamAction action = StreamAction::Sync;
    int64_t recordsCommitted = 0;
    JobStreamStatus status = JobStreamStatus::Pending;
    std::string message;
    // What the source itself last said: its stream status (STARTED, RUNNING, COMPLETE, INCOMPLETE; empty:
    // none) and how many records and bytes it expected (-1: no estimate).
    std::string connectorStatus;
    int64_t recordsEstimated = -1;
    int64_t bytesEstimated = -1;
    int64_t recordsReread = 0; // of recordsCommitted, read again within the stream's lookback
};

struct LogLine {
    int attempt = 0;
    std::string ts, level, logger, message;
    int64_t id = 0; // its row: a reader that follows a job asks for the lines after the last one it saw
};

// Jobs, attempts, per-stream results and job logs in Sluice's database.
class JobRepository {
public:
    explicit JobRepository(Database& db) : m_db(db) {}

    // Creates a running job for this process, atomically refusing when another live job of the
    // connection runs. Jobs left "running" by dead processes are closed as failed first.
    // `trigger` says who started it (gui, schedule, cli); empty stores NULL.
    Result<int64_t> startJob(int64_t connectionId, const std::string& type, const std::string& refreshMode,
                             const std::string& trigger = {});
    Status finishJob(int64_t jobId, JobStatus status, const std::string& error);
    // Marks jobs whose process is gone as failed; returns how many.
    Result<int> closeStaleJobs();

    Result<int> startAttempt(int64_t jobId);
    Status finishAttempt(int64_t jobId, int number, JobStatus status, const std::string& failure);
    Status addCommitted(int64_t jobId, int attempt, int64_t records);

    Status saveStream(int64_t jobId, const JobStreamRecord& s);
    Status addStreamCommitted(int64_t jobId, const std::string& ns, const std::string& name, int64_t records,
                              int64_t reread = 0);
    Status setStreamStatus(int64_t jobId, const std::string& ns, const std::string& name,
                           JobStreamStatus status, const std::string& message = {});

    Status addLog(int64_t jobId, int attempt, const std::string& level, const std::string& logger,
                  const std::string& message);

    Status requestCancel(int64_t jobId);
    Result<bool> cancelRequested(int64_t jobId);

    Result<JobRecord> job(int64_t jobId);
    Result<std::vector<JobRecord>> jobsOf(int64_t connectionId, int limit = 1000);
    Result<std::optional<JobRecord>> runningJob(int64_t connectionId);
    // Every job that is running, in any process of this home, oldest first.
    Result<std::vector<JobRecord>> runningJobs();
    Result<std::vector<AttemptRecord>> attempts(int64_t jobId);
    Result<std::vector<JobStreamRecord>> streams(int64_t jobId);
    // The source's report on a stream; an empty status or a negative estimate leaves that column as it is.
    Status setStreamReport(int64_t jobId, const std::string& ns, const std::string& name,
                           const std::string& connectorStatus, int64_t recordsEstimated,
                           int64_t bytesEstimated);
    Result<std::vector<LogLine>> logs(int64_t jobId, std::optional<int> attempt = std::nullopt);
    // The lines of a job written after line `afterId` (0: all of them).
    Result<std::vector<LogLine>> logsAfter(int64_t jobId, int64_t afterId);
    // The id of the last line of a job so far; 0 when it has none.
    Result<int64_t> lastLogId(int64_t jobId);

private:
    Database& m_db;
};

bool processAlive(int64_t pid);

} // namespace sluice::core
