#include "sources/airbyte/spawned_process.h"

#include "util/logging.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace sluice::core {

namespace {

using Clock = std::chrono::steady_clock;

std::string errnoText(int e) {
    return std::strerror(e);
}

// execvp would search PATH after fork, where only async-signal-safe calls are allowed: search it here.
std::string findExecutable(const std::string& name, int& error) {
    error = ENOENT;
    if (name.find('/') != std::string::npos)
        return name;
    const char* env = std::getenv("PATH");
    const std::string dirs = env && *env ? env : "/usr/local/bin:/usr/bin:/bin";
    size_t start = 0;
    while (start <= dirs.size()) {
        size_t end = dirs.find(':', start);
        if (end == std::string::npos)
            end = dirs.size();
        const std::string dir = dirs.substr(start, end - start);
        const std::string candidate = (dir.empty() ? std::string(".") : dir) + "/" + name;
        struct stat st {};
        if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
            if (::access(candidate.c_str(), X_OK) == 0)
                return candidate;
            error = EACCES;
        }
        start = end + 1;
    }
    return {};
}

// What the child needs between fork and exec, prepared before fork: after it, no allocation.
struct ChildSetup {
    const char* path;
    char* const* argv;
    int in, out, err; // become 0, 1, 2; each above 2, so one dup2 cannot clobber another's source
    int report;       // close-on-exec: silent when exec succeeds, errno when it fails
    pid_t parent;
};

[[noreturn]] void failChild(int report) {
    const int e = errno;
    (void)!::write(report, &e, sizeof e);
    ::_exit(127);
}

// Only async-signal-safe calls from here to execve: another thread of Sluice may hold a lock forever.
[[noreturn]] void becomeConnector(const ChildSetup& s) {
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != s.parent) // Sluice died before prctl took effect: nobody would kill us
        ::_exit(127);
    // Default dispositions and no blocked signals: Sluice's own handling (ignored SIGPIPE, SIGINT turned
    // into a cancel) must not pass on to the connector.
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    for (int sig = 1; sig < NSIG; ++sig)
        if (sig != SIGKILL && sig != SIGSTOP)
            ::sigaction(sig, &dfl, nullptr);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    if (::dup2(s.in, 0) < 0 || ::dup2(s.out, 1) < 0 || ::dup2(s.err, 2) < 0)
        failChild(s.report);
    // Nothing else of Sluice's (a database, a lock) reaches the connector, even what lacks O_CLOEXEC.
    ::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
    ::execve(s.path, s.argv, environ);
    failChild(s.report);
}

// A fork of Sluice that never execs, so it keeps to async-signal-safe calls too. It holds only its end of
// the lifeline, on which Sluice sends the connector's group id, then one byte when the run ends normally.
// The lifeline's end without that byte means Sluice is gone: the group is killed.
[[noreturn]] void watchOver(int lifeline, int maxFd) {
    sigset_t all;
    sigfillset(&all);
    ::sigprocmask(SIG_SETMASK, &all, nullptr); // a Ctrl-C or a SIGTERM is for Sluice to handle
    ::setpgid(0, 0);
    if (::dup2(lifeline, 0) < 0)
        ::_exit(1);
    if (::close_range(1, ~0U, 0) != 0)
        for (int fd = 1; fd < maxFd; ++fd)
            ::close(fd);
    auto readFully = [](void* buf, size_t len) {
        size_t done = 0;
        while (done < len) {
            const ssize_t n = ::read(0, static_cast<char*>(buf) + done, len - done);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                return false;
            done += size_t(n);
        }
        return true;
    };
    pid_t group = 0;
    if (!readFully(&group, sizeof group) || group <= 0)
        ::_exit(0); // no connector was started
    char byte = 0;
    if (!readFully(&byte, 1))
        ::kill(-group, SIGKILL);
    ::_exit(0);
}

struct Watchdog {
    pid_t pid = -1;
    UniqueFd lifeline;
};

// Started before the connector, so that no moment exists when the connector runs unguarded. Without a
// watchdog the connector itself still dies with Sluice (PR_SET_PDEATHSIG); only its children might not.
Watchdog startWatchdog() {
    int fds[2];
    // A socket rather than a pipe: MSG_NOSIGNAL, so no SIGPIPE should the watchdog be gone.
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
        logger("source")->warn("no watchdog for a connector process: {}", errnoText(errno));
        return {};
    }
    UniqueFd mine(fds[0]), theirs(fds[1]);
    const int maxFd = static_cast<int>(std::min<long>(::sysconf(_SC_OPEN_MAX), 1 << 20));
    const pid_t pid = ::fork();
    if (pid < 0) {
        logger("source")->warn("no watchdog for a connector process: {}", errnoText(errno));
        return {};
    }
    if (pid == 0)
        watchOver(theirs.get(), maxFd);
    return {pid, std::move(mine)};
}

void waitFor(pid_t pid) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
}

} // namespace

Result<UniqueFd> aboveStdio(UniqueFd fd) {
    if (!fd.valid() || fd.get() > 2)
        return fd;
    const int moved = ::fcntl(fd.get(), F_DUPFD_CLOEXEC, 3);
    if (moved < 0)
        return Error::internal("cannot duplicate a file descriptor: " + errnoText(errno));
    return UniqueFd(moved);
}

Result<ProcessPipe> makeProcessPipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
        return Error::internal("cannot create a pipe: " + errnoText(errno));
    UniqueFd readEnd(fds[0]), writeEnd(fds[1]);
    auto r = aboveStdio(std::move(readEnd));
    if (!r)
        return r.error();
    auto w = aboveStdio(std::move(writeEnd));
    if (!w)
        return w.error();
    return ProcessPipe{std::move(r.value()), std::move(w.value())};
}

Result<SpawnedProcess> SpawnedProcess::start(const std::vector<std::string>& argv, UniqueFd out, UniqueFd err,
                                             const std::string& display) {
    auto cannotRun = [&](int e) {
        return Error::config("cannot run connector command `" + display + "`: " + errnoText(e));
    };
    if (argv.empty() || argv[0].empty())
        return Error::config("the connector command is empty");
    int lookupError = 0;
    const std::string path = findExecutable(argv[0], lookupError);
    if (path.empty())
        return cannotRun(lookupError);
    UniqueFd devNullFd(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    if (!devNullFd)
        return Error::internal("cannot open /dev/null: " + errnoText(errno));
    auto devNull = aboveStdio(std::move(devNullFd));
    if (!devNull)
        return devNull.error();
    auto outFd = aboveStdio(std::move(out));
    if (!outFd)
        return outFd.error();
    auto errFd = aboveStdio(std::move(err));
    if (!errFd)
        return errFd.error();
    auto report = makeProcessPipe();
    if (!report)
        return report.error();

    std::vector<char*> cargv;
    for (const auto& a : argv)
        cargv.push_back(const_cast<char*>(a.c_str()));
    cargv.push_back(nullptr);
    const ChildSetup setup{path.c_str(), cargv.data(),        devNull->get(), outFd->get(),
                           errFd->get(), report->write.get(), ::getpid()};
    Watchdog watchdog = startWatchdog();
    const pid_t pid = ::fork();
    if (pid < 0) {
        const int e = errno;
        watchdog.lifeline.reset(); // it leaves when its lifeline ends before a group id came
        if (watchdog.pid > 0)
            waitFor(watchdog.pid);
        return Error::internal("cannot start a process: " + errnoText(e));
    }
    if (pid == 0)
        becomeConnector(setup);
    // Here too: the group must exist before anyone signals it, whichever of the two runs first.
    ::setpgid(pid, pid);
    SpawnedProcess process(pid, watchdog.pid, std::move(watchdog.lifeline));
    if (process.m_watchdog > 0)
        (void)::send(process.m_lifeline.get(), &pid, sizeof pid, MSG_NOSIGNAL);
    report->write.reset();
    outFd->reset();
    errFd->reset();
    int childErrno = 0;
    ssize_t n;
    do {
        n = ::read(report->read.get(), &childErrno, sizeof childErrno);
    } while (n < 0 && errno == EINTR);
    if (n > 0) {
        (void)process.wait();
        return cannotRun(childErrno);
    }
    return process;
}

SpawnedProcess::SpawnedProcess(SpawnedProcess&& other) noexcept
    : m_pid(std::exchange(other.m_pid, -1)), m_watchdog(std::exchange(other.m_watchdog, -1)),
      m_lifeline(std::move(other.m_lifeline)) {}

SpawnedProcess& SpawnedProcess::operator=(SpawnedProcess&& other) noexcept {
    if (this != &other) {
        end();
        m_pid = std::exchange(other.m_pid, -1);
        m_watchdog = std::exchange(other.m_watchdog, -1);
        m_lifeline = std::move(other.m_lifeline);
    }
    return *this;
}

SpawnedProcess::~SpawnedProcess() {
    end();
}

void SpawnedProcess::end() {
    if (m_pid > 0) {
        ::kill(-m_pid, SIGKILL);
        (void)wait();
    }
    releaseWatchdog();
}

bool SpawnedProcess::hasExited() const {
    siginfo_t info{};
    info.si_pid = 0;
    return m_pid <= 0 ||
           (::waitid(P_PID, id_t(m_pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == m_pid);
}

int SpawnedProcess::wait() {
    if (m_pid <= 0)
        return 0;
    siginfo_t info{};
    // WNOWAIT keeps the exited leader a zombie, so its pid (the group id) cannot be reused while we kill.
    while (::waitid(P_PID, id_t(m_pid), &info, WEXITED | WNOWAIT) < 0 && errno == EINTR) {
    }
    ::kill(-m_pid, SIGKILL);
    releaseWatchdog(); // before the reap, so that even a late watchdog kill names our group
    int status = 0;
    while (::waitpid(m_pid, &status, 0) < 0 && errno == EINTR) {
    }
    m_pid = -1;
    return status;
}

int SpawnedProcess::stop(std::chrono::milliseconds grace) {
    if (m_pid <= 0)
        return 0;
    ::kill(-m_pid, SIGTERM);
    const auto until = Clock::now() + grace;
    while (!hasExited() && Clock::now() < until)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ::kill(-m_pid, SIGKILL); // no-op when SIGTERM was enough
    return wait();
}

void SpawnedProcess::releaseWatchdog() {
    if (m_watchdog <= 0)
        return;
    const char done = 'x';
    (void)::send(m_lifeline.get(), &done, 1, MSG_NOSIGNAL);
    m_lifeline.reset();
    waitFor(m_watchdog);
    m_watchdog = -1;
}

} // namespace sluice::core
