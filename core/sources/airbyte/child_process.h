#pragma once

#include "util/result.h"

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::core {

// How long a stopped connector gets between SIGTERM and SIGKILL: time to flush and close what it holds.
inline constexpr std::chrono::milliseconds kConnectorKillGrace{10000};

struct ChildProcessOptions {
    std::vector<std::string> command;    // the program and its fixed arguments (PATH lookup)
    std::vector<std::string> args;       // appended per run; not shown in error messages
    int timeoutSeconds = 0;              // the whole run; 0: none
    int silenceTimeoutSeconds = 0;       // the longest stretch with nothing on stdout; 0: none
    std::function<bool()> stopRequested; // asked a few times a second; true stops the run (a cancel)
    std::chrono::milliseconds killGrace = kConnectorKillGrace;
    size_t stderrTailLines = 20; // kept for error messages
};

// Why runChildProcess stopped the child rather than letting it end by itself.
enum class ChildStop { None, Timeout, Silence, Requested };

struct ChildProcessExit {
    int exitCode = 0;       // when it exited by itself
    int signal = 0;         // when a signal ended it
    std::string stderrTail; // the last lines of stderr, for error messages
    ChildStop stoppedBy = ChildStop::None;

    bool succeeded() const { return stoppedBy == ChildStop::None && signal == 0 && exitCode == 0; }
    std::string describe() const; // "exited with code 3" or "was killed by signal 9"
};

using StdoutLineHandler = std::function<Status(std::string_view line)>;
using StderrLineHandler = std::function<void(std::string_view line)>;

// Runs a command to its end and hands over its output line by line, without an event loop (sluicectl runs
// jobs in the foreground with no QCoreApplication::exec()): poll() on both pipes, so a child that fills
// its stderr pipe never blocks while we wait on stdout. stdin is /dev/null. The child cannot outlive
// Sluice, and the whole process group it leads is stopped when the run ends (see SpawnedProcess).
//
// The timeout, the silence timeout or a stop request end the run early: what the child had already
// written is handed over first (a checkpoint it printed just before must not be lost), then its group
// gets SIGTERM, SIGKILL after the grace period, and the exit says why (`stoppedBy`): callers word the
// error, they know which setting it was.
//
// Errors: the command cannot be started -> Config ("cannot run connector command `x`: No such file or
// directory"); the stdout handler returns an error -> the same stop, and that error is returned. A non-zero
// exit is not an error here: callers decide what it means.
Result<ChildProcessExit> runChildProcess(const ChildProcessOptions& options,
                                         const StdoutLineHandler& onStdout,
                                         const StderrLineHandler& onStderr = {});

// The command as a user would type it, for messages (arguments with spaces quoted).
std::string commandLineForDisplay(const std::vector<std::string>& argv);

} // namespace sluice::core
