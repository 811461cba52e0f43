#include "store/job_lock.h"

#include <fcntl.h>
#include <filesystem>
#include <map>
#include <mutex>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace sluice::core {

namespace {

namespace fs = std::filesystem;

std::mutex g_mutex;
std::map<std::string, int> g_held; // lock path -> the descriptor that holds it

std::string lockPath(const std::string& storePath, int64_t jobId) {
    return (fs::path(storePath).parent_path() / "run" / ("job-" + std::to_string(jobId) + ".lock")).string();
}

} // namespace

void holdJobLock(const std::string& storePath, int64_t jobId) {
    const std::string path = lockPath(storePath, jobId);
    (void)::mkdir(fs::path(path).parent_path().c_str(), S_IRWXU);
    // Locked under a temporary name, then renamed: nobody ever sees the file unlocked while the job runs.
    // CLOEXEC: a connector that outlived Sluice must not keep the lock alive.
    const std::string tmp = path + ".new";
    const int fd = ::open(tmp.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, S_IRUSR | S_IWUSR);
    if (fd < 0)
        return; // without a lock file the pid decides, as for jobs of older versions
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0 || ::rename(tmp.c_str(), path.c_str()) != 0) {
        ::close(fd);
        ::unlink(tmp.c_str());
        return;
    }
    std::lock_guard lock(g_mutex);
    g_held[path] = fd;
}

void releaseJobLock(const std::string& storePath, int64_t jobId) {
    const std::string path = lockPath(storePath, jobId);
    std::lock_guard lock(g_mutex);
    auto it = g_held.find(path);
    if (it == g_held.end())
        return;
    ::unlink(path.c_str());
    ::close(it->second);
    g_held.erase(it);
}

std::optional<bool> jobLockHeld(const std::string& storePath, int64_t jobId) {
    const std::string path = lockPath(storePath, jobId);
    {
        std::lock_guard lock(g_mutex);
        if (g_held.count(path))
            return true;
    }
    const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return std::nullopt;
    const bool free = ::flock(fd, LOCK_EX | LOCK_NB) == 0;
    ::close(fd);
    return !free;
}

void removeJobLock(const std::string& storePath, int64_t jobId) {
    ::unlink(lockPath(storePath, jobId).c_str());
}

} // namespace sluice::core
