#pragma once

#include "util/result.h"

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::core {

struct ChildProcessOptions {
    std::vector<std::string> command;          // the program and its fixed arguments (PATH lookup)
    std::vector<std::string> args;             // appended per run; not shown in error messages
    int timeoutSeconds = 0;                    // whole run; 0: none
    std::chrono::milliseconds killGrace{2000}; // between SIGTERM and SIGKILL
    size_t stderrTailLines = 20;               // kept for error messages
    const std::atomic<bool>* cancel = nullptr; // set: the run is stopped like a failing handler (Cancelled)
};

struct ChildProcessExit {
    int exitCode = 0;       // when it exited by itself
    int signal = 0;         // when a signal ended it
    std::string stderrTail; // the last lines of stderr, for error messages

    bool succeeded() const { return signal == 0 && exitCode == 0; }
    std::string describe() const; // "exited with code 3" or "was killed by signal 9"
};

using StdoutLineHandler = std::function<Status(std::string_view line)>;
using StderrLineHandler = std::function<void(std::string_view line)>;

// Runs a command to its end and hands over its output line by line, without an event loop (sluicectl runs
// jobs in the foreground with no QCoreApplication::exec()): posix_spawn and poll() on both pipes, so a
// child that fills its stderr pipe never blocks while we wait on stdout. stdin is /dev/null.
//
// The child leads its own process group, and the whole group is stopped when the run ends: a connector
// started through a shell wrapper must not leave its real process behind holding the pipes.
//
// Errors: the command cannot be started -> Config ("cannot run connector command `x`: No such file or
// directory"); the stdout handler returns an error -> the group gets SIGTERM, then SIGKILL after the grace
// period, and that error is returned; the timeout passes -> the same stop, then Transient
// ("connector timed out after N s"); `cancel` is set -> the same stop within ~50 ms, then Cancelled. A
// non-zero exit is not an error here: callers decide what it means.
Result<ChildProcessExit> runChildProcess(const ChildProcessOptions& options,
                                         const StdoutLineHandler& onStdout,
                                         const StderrLineHandler& onStderr = {});

// The command as a user would type it, for messages (arguments with spaces quoted).
std::string commandLineForDisplay(const std::vector<std::string>& argv);

// A private folder (mode 0700) for one run of a connector: its config file holds secrets. Removed with
// this object, so no configuration is left behind in the temporary folder.
class RunDir {
public:
    RunDir();
    ~RunDir();
    RunDir(const RunDir&) = delete;
    RunDir& operator=(const RunDir&) = delete;

    bool ok() const { return !m_path.empty(); }
    const std::string& path() const { return m_path; }
    // Writes a file readable by the owner only (0600); returns its path.
    Result<std::string> write(const std::string& name, const std::string& content) const;

private:
    std::string m_path;
};

} // namespace sluice::core
