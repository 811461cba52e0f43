#pragma once

#include <atomic>

namespace sluice::core::cli {

// While it lives, SIGINT, SIGTERM and SIGHUP ask the running command to stop instead of killing the
// process: a job then ends as cancelled with what it committed kept, its connector stopped, rather than
// sluicectl dying with a connector's read still running. The handler only stores to a lock-free atomic
// (async-signal-safe, no allocation, no lock); the job's loops look at the flag a few times a second.
// A second signal ends the process the default way, for a user who will not wait.
class StopOnSignals {
public:
    StopOnSignals();
    ~StopOnSignals(); // the previous dispositions come back
    StopOnSignals(const StopOnSignals&) = delete;
    StopOnSignals& operator=(const StopOnSignals&) = delete;

    const std::atomic<bool>& flag() const;
    bool stopRequested() const { return flag().load(); }
    int signalNumber() const; // the first signal received; 0: none
};

} // namespace sluice::core::cli
