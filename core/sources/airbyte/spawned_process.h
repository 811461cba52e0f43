#pragma once

#include "util/result.h"
#include "util/unique_fd.h"

#include <chrono>
#include <string>
#include <sys/types.h>
#include <vector>

namespace sluice::core {

// A pipe for a child's standard stream; both ends close-on-exec and above 2 (see aboveStdio).
struct ProcessPipe {
    UniqueFd read, write;
};
Result<ProcessPipe> makeProcessPipe();
// The same descriptor moved above 2 when it is 0, 1 or 2 (Sluice started with a standard stream closed):
// the child's dup2 onto 0, 1 and 2 must not overwrite one of its own sources.
Result<UniqueFd> aboveStdio(UniqueFd fd);

// A connector process that cannot outlive Sluice.
//
// It leads a process group of its own, so stopping it reaches what it started (a shell wrapper's real
// connector, a sleeping child). It gets SIGKILL when the thread that started it ends (PR_SET_PDEATHSIG;
// the caller waits for it on that thread), and a small watchdog kills the rest of its group when Sluice
// dies by any means, SIGKILL included: the kernel would only kill the leader.
//
// Move-only; whatever is still running when the object goes is killed and reaped (no path leaves a child
// behind or a zombie).
class SpawnedProcess {
public:
    // Starts argv (argv[0] searched in PATH) with stdin on /dev/null and stdout, stderr on the given
    // descriptors, which are closed here. `display` names the command in errors: Config "cannot run
    // connector command `x`: No such file or directory" when it cannot be executed, Internal when the
    // system refuses a pipe or a process.
    static Result<SpawnedProcess> start(const std::vector<std::string>& argv, UniqueFd out, UniqueFd err,
                                        const std::string& display);

    SpawnedProcess(SpawnedProcess&& other) noexcept;
    SpawnedProcess& operator=(SpawnedProcess&& other) noexcept;
    SpawnedProcess(const SpawnedProcess&) = delete;
    SpawnedProcess& operator=(const SpawnedProcess&) = delete;
    ~SpawnedProcess();

    pid_t pid() const { return m_pid; }
    // The leader has exited (it stays a zombie until reaped, so its group id stays ours).
    bool hasExited() const;
    // Waits for the leader to exit, kills what is left of its group, reaps it; returns the wait status.
    int wait();
    // SIGTERM to the group, SIGKILL after `grace` (at once when the leader exits sooner), then as wait().
    int stop(std::chrono::milliseconds grace);

private:
    SpawnedProcess(pid_t pid, pid_t watchdog, UniqueFd lifeline)
        : m_pid(pid), m_watchdog(watchdog), m_lifeline(std::move(lifeline)) {}
    void end(); // kills and reaps what still runs, releases the watchdog
    void releaseWatchdog();

    pid_t m_pid = -1;      // -1 once reaped
    pid_t m_watchdog = -1; // -1 when there is none (or once reaped)
    UniqueFd m_lifeline;   // its closing without a word tells the watchdog that Sluice died
};

} // namespace sluice::core
