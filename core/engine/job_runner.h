#pragma once

#include "engine/job_types.h"
#include "sources/source.h"
#include "util/result.h"

#include <memory>
#include <string>
#include <vector>

namespace sluice::core {

class Destination;
class JobLog;
class Source;
class Store;

// Runs one job (sync, refresh or clear) of a connection to its end on the calling thread: plans generations,
// discovers the source, applies the schema-change policy, and makes attempts under the retry policy.
class JobRunner {
public:
    JobRunner(Store& store, JobOptions options = {});
    ~JobRunner();

    // An Error means no job was started (invalid request, refused, another job running); otherwise the
    // outcome tells how the job ended.
    Result<JobOutcome> run(const ConnectionConfig& connection, const JobRequest& request);

private:
    // How a job's attempts ended: the job's status, and the error when it did not succeed.
    struct Ending {
        JobStatus status = JobStatus::Failed;
        Error error;
    };
    struct AttemptResult {
        Status status;
        int64_t committed = 0;
        bool unexpected = false; // it threw: not retried, the same data would throw again
    };

    // The job once it exists in Sluice's database (run() turns what it throws into a failed job).
    Result<JobOutcome> runJob(const ConnectionConfig& connection, const JobRequest& request,
                              const std::vector<std::string>& targets, int64_t jobId);
    // Makes attempts under the connection's retry policy (engine/backoff.h) until one succeeds or it gives
    // up.
    Ending runAttempts(const ConnectionConfig& connection, std::vector<StreamPlan>& plans, int64_t jobId,
                       JobLog& log);
    // The first attempt that gets that far discovers the source and applies the schema-change policy.
    AttemptResult attemptOnce(const ConnectionConfig& connection, std::vector<StreamPlan>& plans,
                              int64_t jobId, int attempt, JobLog& log);
    JobOutcome finish(int64_t jobId, const Ending& ending, JobLog& log);
    // Sets the status of every stream that is neither blocked nor finished.
    void markUnfinished(std::vector<StreamPlan>& plans, int64_t jobId, JobStreamStatus status, JobLog& log);

    // job_prepare.cpp: the source as discovered now against the schema each stream was synced with.
    Status prepare(const ConnectionConfig& connection, std::vector<StreamPlan>& plans, int64_t jobId,
                   JobLog& log);
    Status prepareStream(const ConnectionConfig& connection, StreamPlan& plan,
                         const std::vector<StreamInfo>& discovered, JobLog& log);
    // A lookback that cannot apply to the stream's saved cursor (a text cursor that is no date) is refused.
    Status checkLookback(const ConnectionConfig& connection, const StreamPlan& plan);
    Status propagateStreams(const ConnectionConfig& connection, const std::vector<StreamInfo>& discovered,
                            JobLog& log);

    bool cancelled(int64_t jobId);
    // What a source of this job does with a configuration it changed: stored at once, and used by what the
    // job runs next.
    SourceConfigHandler configKeeper(int64_t connectionId, JobLog& log);
    bool waitBackoff(int seconds, int64_t jobId);

    Store& m_store;
    JobOptions m_options;
    std::vector<bool> m_done;              // streams finished earlier in this job
    bool m_prepared = false;               // the source was discovered and the schema-change policy applied
    std::string m_updatedSourceConfig;     // a source's configuration the source itself changed in this job
    std::optional<CursorRange> m_backfill; // a backfill job's range, checked before the job started
};

} // namespace sluice::core
