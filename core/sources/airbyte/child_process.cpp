#include "sources/airbyte/child_process.h"

#include <QDir>
#include <QTemporaryDir>
#include <cerrno>
#include <cstring>
#include <deque>
#include <fcntl.h>
#include <optional>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace sluice::core {

namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kReadChunk = 256 * 1024;
// A stdout line longer than this is a broken connector, not a record: fail instead of exhausting memory.
constexpr size_t kMaxStdoutLine = size_t(512) << 20;
// stderr is free text: longer lines are cut into pieces rather than buffered without bound.
constexpr size_t kMaxStderrLine = 64 * 1024;
// When the child has exited but something it started still holds the pipes open, how long we keep
// reading before the group is stopped (else such a connector would hang the job forever).
constexpr auto kOrphanPipeGrace = std::chrono::milliseconds(1000);

// Splits a pipe's bytes into lines; the last partial line waits for more bytes.
class LineBuffer {
public:
    // splitLong: a line longer than maxLine is handed over in pieces (else it is an error).
    LineBuffer(size_t maxLine, bool splitLong) : m_maxLine(maxLine), m_splitLong(splitLong) {}

    // Reads once from fd into the buffer: false at end of file (or a read error, treated the same).
    bool readFrom(int fd) {
        // The buffer only grows (no zero-filling of a fresh chunk on every read): a pipe read is ~64 KiB.
        if (m_buf.size() - m_len < kReadChunk)
            m_buf.resize(m_len + kReadChunk);
        ssize_t n;
        do {
            n = ::read(fd, m_buf.data() + m_len, kReadChunk);
        } while (n < 0 && errno == EINTR);
        m_len += size_t(n > 0 ? n : 0);
        return n > 0;
    }

    // Hands each complete line (without "\n" or "\r\n") to f; stops at f's first error.
    template <typename F> Status drain(F&& f) {
        size_t start = 0;
        while (true) {
            const char* base = m_buf.data();
            const void* nl = std::memchr(base + m_scanned, '\n', m_len - m_scanned);
            if (!nl)
                break;
            const size_t end = size_t(static_cast<const char*>(nl) - base);
            Status s = f(line(start, end));
            start = m_scanned = end + 1;
            if (!s.ok()) {
                consume(start);
                return s;
            }
        }
        m_scanned = m_len;
        if (m_len - start > m_maxLine) {
            if (!m_splitLong)
                return Error::transient("the connector printed a line longer than " +
                                        std::to_string(m_maxLine >> 20) + " MiB");
            Status s = f(line(start, m_len));
            start = m_len;
            if (!s.ok()) {
                consume(start);
                return s;
            }
        }
        consume(start);
        return {};
    }

    // At end of file: a last line without a newline is still a line.
    template <typename F> Status finish(F&& f) {
        if (m_len == 0)
            return {};
        Status s = f(line(0, m_len));
        m_len = 0;
        m_scanned = 0;
        return s;
    }

private:
    std::string_view line(size_t start, size_t end) const {
        if (end > start && m_buf[end - 1] == '\r')
            --end;
        return std::string_view(m_buf.data() + start, end - start);
    }
    void consume(size_t n) {
        std::memmove(m_buf.data(), m_buf.data() + n, m_len - n);
        m_len -= n;
        m_scanned -= n;
    }

    std::vector<char> m_buf;
    size_t m_len = 0;     // bytes of m_buf holding data
    size_t m_scanned = 0; // bytes before this hold no newline
    size_t m_maxLine;
    bool m_splitLong;
};

// Reaps the child after making sure nothing of its process group survives it.
int reap(pid_t pid) {
    siginfo_t info{};
    // WNOWAIT keeps the exited leader a zombie, so its pid (the group id) cannot be reused while we kill.
    while (waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) < 0 && errno == EINTR) {
    }
    ::kill(-pid, SIGKILL);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return status;
}

bool hasExited(pid_t pid) {
    siginfo_t info{};
    info.si_pid = 0;
    return waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == pid;
}

// SIGTERM to the group, SIGKILL after the grace period; returns the wait status.
int stop(pid_t pid, std::chrono::milliseconds grace) {
    ::kill(-pid, SIGTERM);
    const auto until = Clock::now() + grace;
    while (!hasExited(pid) && Clock::now() < until)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ::kill(-pid, SIGKILL); // no-op when SIGTERM was enough
    return reap(pid);
}

class Spawner {
public:
    Spawner() {
        posix_spawn_file_actions_init(&m_actions);
        posix_spawnattr_init(&m_attr);
    }
    ~Spawner() {
        posix_spawn_file_actions_destroy(&m_actions);
        posix_spawnattr_destroy(&m_attr);
    }

    // posix_spawn reports exec failures (ENOENT, EACCES) as its result, unlike a hand-written fork/exec.
    int spawn(const std::vector<std::string>& argv, int outFd, int errFd, pid_t& pid) {
        posix_spawn_file_actions_addopen(&m_actions, 0, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_adddup2(&m_actions, outFd, 1);
        posix_spawn_file_actions_adddup2(&m_actions, errFd, 2);
        // Own process group (to stop it whole), no blocked signals, and default dispositions: a parent
        // that ignores SIGPIPE or SIGTERM must not pass that on to the connector.
        sigset_t none, defaults;
        sigemptyset(&none);
        sigemptyset(&defaults);
        for (int sig : {SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGCHLD, SIGUSR1, SIGUSR2})
            sigaddset(&defaults, sig);
        posix_spawnattr_setpgroup(&m_attr, 0);
        posix_spawnattr_setsigmask(&m_attr, &none);
        posix_spawnattr_setsigdefault(&m_attr, &defaults);
        posix_spawnattr_setflags(&m_attr,
                                 POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
        std::vector<char*> cargv;
        for (const auto& a : argv)
            cargv.push_back(const_cast<char*>(a.c_str()));
        cargv.push_back(nullptr);
        return posix_spawnp(&pid, cargv[0], &m_actions, &m_attr, cargv.data(), environ);
    }

private:
    posix_spawn_file_actions_t m_actions;
    posix_spawnattr_t m_attr;
};

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
    int out[2], err[2];
    if (pipe2(out, O_CLOEXEC) != 0)
        return Error::internal(std::string("cannot create a pipe: ") + std::strerror(errno));
    if (pipe2(err, O_CLOEXEC) != 0) {
        const int e = errno;
        ::close(out[0]);
        ::close(out[1]);
        return Error::internal(std::string("cannot create a pipe: ") + std::strerror(e));
    }
    pid_t pid = 0;
    std::vector<std::string> argv = options.command;
    argv.insert(argv.end(), options.args.begin(), options.args.end());
    const int rc = Spawner().spawn(argv, out[1], err[1], pid);
    ::close(out[1]);
    ::close(err[1]);
    if (rc != 0) {
        ::close(out[0]);
        ::close(err[0]);
        return Error::config("cannot run connector command `" + commandLineForDisplay(options.command) +
                             "`: " + std::strerror(rc));
    }

    std::deque<std::string> tail;
    auto stderrLine = [&](std::string_view line) -> Status {
        if (onStderr)
            onStderr(line);
        tail.emplace_back(line.substr(0, 500));
        if (tail.size() > options.stderrTailLines)
            tail.pop_front();
        return {};
    };
    LineBuffer outBuf(kMaxStdoutLine, false), errBuf(kMaxStderrLine, true);
    pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
    const bool timed = options.timeoutSeconds > 0;
    const auto deadline = Clock::now() + std::chrono::seconds(options.timeoutSeconds);
    Status failure;
    bool timedOut = false;
    std::optional<Clock::time_point> exitedAt;
    auto cancelled = [&] { return options.cancel && options.cancel->load(std::memory_order_relaxed); };
    while (failure.ok() && (fds[0].fd >= 0 || fds[1].fd >= 0)) {
        if (cancelled()) {
            failure = Error::cancelled();
            break;
        }
        // Wakes up now and then to notice an exited child whose pipes stay open, or a cancel.
        int waitMs = options.cancel ? 50 : 500;
        if (timed) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
            if (left.count() <= 0) {
                timedOut = true;
                break;
            }
            waitMs = int(std::min<int64_t>(left.count() + 1, waitMs));
        }
        const int n = ::poll(fds, 2, waitMs);
        if (n < 0) {
            if (errno == EINTR)
                continue; // revents are not meaningful after a failed poll
            failure = Error::internal(std::string("poll failed: ") + std::strerror(errno));
            break;
        }
        if (n == 0) {
            if (!exitedAt && hasExited(pid))
                exitedAt = Clock::now();
            if (exitedAt && Clock::now() - *exitedAt > kOrphanPipeGrace)
                break; // reap() below stops what is left of the group
            continue;
        }
        for (int i = 0; i < 2 && failure.ok(); ++i) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            LineBuffer& buf = i == 0 ? outBuf : errBuf;
            const bool more = buf.readFrom(fds[i].fd);
            failure = i == 0 ? buf.drain(onStdout) : buf.drain(stderrLine);
            if (!more && failure.ok()) {
                failure = i == 0 ? buf.finish(onStdout) : buf.finish(stderrLine);
                ::close(fds[i].fd);
                fds[i].fd = -1;
            }
        }
    }
    const bool stopEarly = timedOut || !failure.ok();
    for (auto& f : fds)
        if (f.fd >= 0)
            ::close(f.fd);
    if (stopEarly) {
        stop(pid, options.killGrace);
        if (timedOut)
            return Error::transient("connector timed out after " + std::to_string(options.timeoutSeconds) +
                                    " s");
        return failure.error();
    }
    // Both pipes are closed; a child that lives on without them still honours the timeout.
    while ((timed || options.cancel) && !hasExited(pid)) {
        if (cancelled()) {
            stop(pid, options.killGrace);
            return Error::cancelled();
        }
        if (timed && Clock::now() >= deadline) {
            stop(pid, options.killGrace);
            return Error::transient("connector timed out after " + std::to_string(options.timeoutSeconds) +
                                    " s");
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ChildProcessExit result = exitFrom(reap(pid));
    for (const auto& l : tail) {
        if (!result.stderrTail.empty())
            result.stderrTail += '\n';
        result.stderrTail += l;
    }
    return result;
}

namespace {
// A process killed during a read (SIGKILL, a crash, a power cut) never ran ~RunDir: its folder, and the
// connector's configuration with its secrets, stayed behind. The owner's pid is in the folder's name, so
// the next run removes the folders of processes that are gone.
void removeAbandonedRunDirs() {
    const QString prefix = QStringLiteral("sluice-airbyte-");
    QDir tmp(QDir::tempPath());
    for (const QString& name :
         tmp.entryList({prefix + QStringLiteral("*")}, QDir::Dirs | QDir::NoDotAndDotDot)) {
        bool ok = false;
        const qint64 pid = name.mid(prefix.size()).section(QLatin1Char('-'), 0, 0).toLongLong(&ok);
        if (ok && pid > 0 && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH)
            QDir(tmp.filePath(name)).removeRecursively();
    }
}
} // namespace

RunDir::RunDir() {
    removeAbandonedRunDirs();
    // mkdtemp creates the folder with mode 0700.
    QTemporaryDir dir(QDir::tempPath() + QStringLiteral("/sluice-airbyte-%1-XXXXXX").arg(::getpid()));
    if (dir.isValid()) {
        dir.setAutoRemove(false); // removed by our destructor, when the connector has finished with it
        m_path = dir.path().toStdString();
    }
}

RunDir::~RunDir() {
    if (!m_path.empty())
        QDir(QString::fromStdString(m_path)).removeRecursively();
}

Result<std::string> RunDir::write(const std::string& name, const std::string& content) const {
    const std::string path = m_path + "/" + name;
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return Error::internal("cannot write " + path + ": " + std::strerror(errno));
    size_t done = 0;
    while (done < content.size()) {
        const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            const int e = errno;
            ::close(fd);
            return Error::internal("cannot write " + path + ": " + std::strerror(e));
        }
        done += size_t(n);
    }
    ::close(fd);
    return path;
}

} // namespace sluice::core
