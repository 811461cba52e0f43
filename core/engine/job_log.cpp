#include "engine/job_log.h"

#include "store/job_repository.h"
#include "util/logging.h"
#include "util/utf8.h"

#include <spdlog/spdlog.h>

namespace sluice::core {

JobLog::JobLog(JobRepository& jobs, int64_t jobId, JobObserver* observer)
    : m_jobs(jobs), m_jobId(jobId), m_observer(observer) {}

void JobLog::write(const std::string& level, const std::string& message, const std::string& source) {
    // Source lines may quote bytes that are not UTF-8; the GUI and `logs --json` get them replaced.
    const std::string text = toValidUtf8(redactSecrets(message));
    auto log = logger("engine");
    if (level == "ERROR")
        log->error("job {}: {}", m_jobId, text);
    else if (level == "WARN")
        log->warn("job {}: {}", m_jobId, text);
    else if (level == "DEBUG")
        log->debug("job {}: {}", m_jobId, text);
    else
        log->info("job {}: {}", m_jobId, text);
    // A failure to log must not fail the job; the spdlog line above still exists, and says so.
    if (Status stored = m_jobs.addLog(m_jobId, m_attempt, level, source, text); !stored)
        log->warn("job {}: the line above is missing from the job's log: {}", m_jobId,
                  stored.error().message);
    if (m_observer)
        m_observer->logLine(m_jobId, level, text);
}

} // namespace sluice::core

namespace sluice::core {

void JobLog::warnIfFailed(const Status& status, const std::string& what) {
    if (!status)
        warn(what + " failed: " + status.error().message);
}

} // namespace sluice::core
