#include "sources/airbyte/child_process.h"

#include "sources/airbyte/line_buffer.h"
#include "sources/airbyte/spawned_process.h"

#include <cerrno>
#include <cstring>
#include <deque>
#include <optional>
#include <poll.h>
#include <sys/wait.h>
#include <thread>

namespace sluice::core {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// A stdout line longer than this is a broken connector, not a record: fail instead of exhausting memory.
constexpr size_t kMaxStdoutLine = size_t(512) << 20;
// stderr is free text: longer lines are cut into pieces rather than buffered without bound.
constexpr size_t kMaxStderrLine = 64 * 1024;
// When the child has exited but something it started still holds the pipes open, how long we keep
// reading before the group is stopped (else such a connector would hang the job forever).
constexpr milliseconds kOrphanPipeGrace{1000};
// How often a stop request is asked for (it may read Sluice's database), and the longest poll() wait.
constexpr milliseconds kStopCheckInterval{200};
// After a stop is decided: at most this many reads of what the child had written already.
constexpr int kDrainReads = 64;

// When the run must end early, and how long poll() may wait before that is looked at again.
class Deadlines {
public:
    explicit Deadlines(const ChildProcessOptions& o)
        : m_stopRequested(o.stopRequested), m_timeout(std::chrono::seconds(o.timeoutSeconds)),
          m_silence(std::chrono::seconds(o.silenceTimeoutSeconds)), m_start(Clock::now()),
          m_lastOutput(m_start), m_nextStopCheck(m_start) {}

    void outputArrived() { m_lastOutput = Clock::now(); }

    ChildStop due() {
        const auto now = Clock::now();
        if (m_timeout.count() > 0 && now >= m_start + m_timeout)
            return ChildStop::Timeout;
        if (m_silence.count() > 0 && now >= m_lastOutput + m_silence)
            return ChildStop::Silence;
        if (m_stopRequested && now >= m_nextStopCheck) {
            m_nextStopCheck = now + kStopCheckInterval;
            if (m_stopRequested())
                return ChildStop::Requested;
        }
        return ChildStop::None;
    }

    int waitMs() const {
        const auto now = Clock::now();
        auto next = now + kStopCheckInterval;
        if (m_timeout.count() > 0)
            next = std::min(next, m_start + m_timeout);
        if (m_silence.count() > 0)
            next = std::min(next, m_lastOutput + m_silence);
        if (m_stopRequested)
            next = std::min(next, m_nextStopCheck);
        const auto left = std::chrono::ceil<milliseconds>(next - now).count();
        return int(std::max<int64_t>(0, left));
    }

private:
    const std::function<bool()>& m_stopRequested;
    std::chrono::seconds m_timeout, m_silence;
    Clock::time_point m_start, m_lastOutput, m_nextStopCheck;
};

// Reads the child's stdout and stderr into lines for the handlers, and keeps the end of stderr.
class OutputPump {
public:
    OutputPump(UniqueFd out, UniqueFd err, const StdoutLineHandler& onStdout,
               const StderrLineHandler& onStderr, size_t tailLines)
        : m_out(std::move(out)), m_err(std::move(err)), m_onStdout(onStdout), m_onStderr(onStderr),
          m_tailLines(tailLines) {
        m_fds[0] = {m_out.get(), POLLIN, 0};
        m_fds[1] = {m_err.get(), POLLIN, 0};
    }

    bool open() const { return m_fds[0].fd >= 0 || m_fds[1].fd >= 0; }

    // Waits up to waitMs and hands over the lines that came; true when anything was ready.
    Result<bool> pump(int waitMs) {
        const int n = ::poll(m_fds, 2, waitMs);
        if (n < 0 && errno == EINTR)
            return false; // revents are not meaningful after a failed poll
        if (n < 0)
            return Error::internal(std::string("poll failed: ") + std::strerror(errno));
        if (n == 0)
            return false;
        SLUICE_TRY(readReady());
        return true;
    }

    // What the child has written already, without waiting for more.
    Status drain() {
        for (int i = 0; i < kDrainReads && open(); ++i) {
            auto ready = pump(0);
            if (!ready)
                return ready.error();
            if (!*ready)
                break;
        }
        return {};
    }

    // Whether stdout brought bytes since the last call.
    bool takeStdoutActivity() { return std::exchange(m_stdoutActive, false); }

    std::string stderrTail() const {
        std::string out;
        for (const auto& l : m_tail)
            out += (out.empty() ? "" : "\n") + l;
        return out;
    }

private:
    Status readReady() {
        for (int i = 0; i < 2; ++i) {
            if (m_fds[i].fd < 0 || !(m_fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            const bool more = i == 0 ? m_outBuf.readFrom(m_fds[i].fd) : m_errBuf.readFrom(m_fds[i].fd);
            if (i == 0 && more)
                m_stdoutActive = true;
            auto errLine = [this](std::string_view l) { return stderrLine(l); };
            SLUICE_TRY(i == 0 ? m_outBuf.drain(m_onStdout) : m_errBuf.drain(errLine));
            if (!more) {
                m_fds[i].fd = -1;
                (i == 0 ? m_out : m_err).reset();
                SLUICE_TRY(i == 0 ? m_outBuf.finish(m_onStdout) : m_errBuf.finish(errLine));
            }
        }
        return {};
    }

    Status stderrLine(std::string_view line) {
        if (m_onStderr)
            m_onStderr(line);
        m_tail.emplace_back(line.substr(0, 500));
        if (m_tail.size() > m_tailLines)
            m_tail.pop_front();
        return {};
    }

    UniqueFd m_out, m_err;
    pollfd m_fds[2];
    const StdoutLineHandler& m_onStdout;
    const StderrLineHandler& m_onStderr;
    size_t m_tailLines;
    LineBuffer m_outBuf{kMaxStdoutLine, false}, m_errBuf{kMaxStderrLine, true};
    std::deque<std::string> m_tail;
    bool m_stdoutActive = false;
};

// Pumps until both pipes are closed (or the child exited and left them to someone else): None, or why the
// run must end early.
Result<ChildStop> pumpOutput(OutputPump& pump, Deadlines& deadlines, const SpawnedProcess& child) {
    std::optional<Clock::time_point> exitedAt;
    while (pump.open()) {
        if (const ChildStop why = deadlines.due(); why != ChildStop::None)
            return why;
        auto ready = pump.pump(deadlines.waitMs());
        if (!ready)
            return ready.error();
        if (pump.takeStdoutActivity())
            deadlines.outputArrived();
        if (*ready)
            continue;
        if (!exitedAt && child.hasExited())
            exitedAt = Clock::now();
        if (exitedAt && Clock::now() - *exitedAt > kOrphanPipeGrace)
            break; // wait() stops what is left of the group
    }
    return ChildStop::None;
}

// Both pipes are closed; a child that lives on without them is still held to the deadlines.
ChildStop waitForExit(const SpawnedProcess& child, Deadlines& deadlines) {
    while (!child.hasExited()) {
        if (const ChildStop why = deadlines.due(); why != ChildStop::None)
            return why;
        std::this_thread::sleep_for(milliseconds(20));
    }
    return ChildStop::None;
}

ChildProcessExit exitFrom(int status) {
    ChildProcessExit e;
    if (WIFEXITED(status))
        e.exitCode = WEXITSTATUS(status);
    else if (WIFSIGNALED(status))
        e.signal = WTERMSIG(status);
    return e;
}

} // namespace

std::string ChildProcessExit::describe() const {
    if (signal)
        return "was killed by signal " + std::to_string(signal) + " (" + strsignal(signal) + ")";
    return "exited with code " + std::to_string(exitCode);
}

std::string commandLineForDisplay(const std::vector<std::string>& argv) {
    std::string out;
    for (const auto& a : argv) {
        if (!out.empty())
            out += ' ';
        const bool quote = a.empty() || a.find_first_of(" \t\"'\\$") != std::string::npos;
        out += quote ? "'" + a + "'" : a;
    }
    return out;
}

Result<ChildProcessExit> runChildProcess(const ChildProcessOptions& options,
                                         const StdoutLineHandler& onStdout,
                                         const StderrLineHandler& onStderr) {
    if (options.command.empty() || options.command[0].empty())
        return Error::config("the connector command is empty");
    auto out = makeProcessPipe();
    if (!out)
        return out.error();
    auto err = makeProcessPipe();
    if (!err)
        return err.error();
    std::vector<std::string> argv = options.command;
    argv.insert(argv.end(), options.args.begin(), options.args.end());
    auto child = SpawnedProcess::start(argv, std::move(out->write), std::move(err->write),
                                       commandLineForDisplay(options.command));
    if (!child)
        return child.error();

    OutputPump pump(std::move(out->read), std::move(err->read), onStdout, onStderr, options.stderrTailLines);
    Deadlines deadlines(options);
    auto ended = pumpOutput(pump, deadlines, *child);
    if (!ended) {
        child->stop(options.killGrace);
        return ended.error();
    }
    ChildStop why = *ended;
    if (why == ChildStop::None)
        why = waitForExit(*child, deadlines);
    ChildProcessExit exit;
    if (why == ChildStop::None) {
        exit = exitFrom(child->wait());
    } else {
        Status drained = pump.drain();
        exit = exitFrom(child->stop(options.killGrace));
        exit.stoppedBy = why;
        if (!drained)
            return drained.error();
    }
    exit.stderrTail = pump.stderrTail();
    return exit;
}

} // namespace sluice::core
