#pragma once

#include "engine/job_types.h"
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
    struct AttemptResult {
        Status status;
        int64_t committed = 0;
    };

    // The job once it exists in Sluice's database (run() turns what it throws into a failed job).
    Result<JobOutcome> runJob(const ConnectionConfig& connection, const JobRequest& request,
                              const std::vector<std::string>& targets, int64_t jobId);
    Status prepare(const ConnectionConfig& connection, std::vector<StreamPlan>& plans, int64_t jobId, JobLog& log);
    AttemptResult runAttempt(const ConnectionConfig& connection, std::vector<StreamPlan>& plans, int64_t jobId,
                             int attempt, JobLog& log);
    bool cancelled(int64_t jobId);
    bool waitBackoff(int seconds, int64_t jobId);

    Store& m_store;
    JobOptions m_options;
    std::vector<bool> m_done; // streams finished earlier in this job
};

} // namespace sluice::core
