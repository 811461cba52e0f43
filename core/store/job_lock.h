#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace sluice::core {

// While a process runs a job it holds an flock on <home>/run/job-<id>.lock. The kernel releases it when the
// process ends, however it ends (SIGKILL, a crash, a power cut), so whether a "running" job still runs needs
// neither its pid (reused after a crash or a reboot) nor a clock. `storePath` is the path of sluice.db.
void holdJobLock(const std::string& storePath, int64_t jobId);
// Releases and deletes the lock of a job this process ran.
void releaseJobLock(const std::string& storePath, int64_t jobId);
// true: a process holds it; false: its process is gone; nullopt: there is no lock file (a job started by an
// older Sluice, or in the instant between its row and its lock): the pid must decide.
std::optional<bool> jobLockHeld(const std::string& storePath, int64_t jobId);
// Deletes the lock file of a job found stale.
void removeJobLock(const std::string& storePath, int64_t jobId);

} // namespace sluice::core
