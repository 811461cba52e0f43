#pragma once

#include "engine/job_types.h"

#include <string>

namespace sluice::core {

class JobRepository;

// A job's log: every line goes to the job's log in Sluice's database (shown by `sluicectl logs` and the
// GUI), to the engine's spdlog logger, and to the observer. Secrets are redacted before any of them.
class JobLog {
public:
    JobLog(JobRepository& jobs, int64_t jobId, JobObserver* observer);

    void setAttempt(int attempt) { m_attempt = attempt; }
    void info(const std::string& message) { write("INFO", message); }
    void warn(const std::string& message) { write("WARN", message); }
    void error(const std::string& message) { write("ERROR", message); }
    void debug(const std::string& message) { write("DEBUG", message); }
    void write(const std::string& level, const std::string& message, const std::string& source = "engine");
    // For the bookkeeping writes a job goes on without (what they record is redone by the next attempt or
    // job, or only shown): a failure is a warning naming `what`, e.g. "recording the clear of stream `x`".
    void warnIfFailed(const Status& status, const std::string& what);

private:
    JobRepository& m_jobs;
    int64_t m_jobId;
    JobObserver* m_observer;
    int m_attempt = 0;
};

} // namespace sluice::core
