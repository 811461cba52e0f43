#include "store/store.h"

#include "store/job_repository.h"
#include "store/migrations.h"
#include "util/home.h"
#include "util/logging.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

namespace sluice::core {

Result<Store> Store::open(const std::string& path) {
    // Created user-only before SQLite sees it, whatever the umask; SQLite gives the -wal and -shm files the
    // database file's mode.
    if (const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, S_IRUSR | S_IWUSR);
        fd >= 0) {
        (void)::fchmod(fd, S_IRUSR | S_IWUSR);
        ::close(fd);
    }
    auto db = Database::open(path);
    if (!db)
        return db.error();
    Store store;
    store.m_db = std::move(db.value());
    store.m_db.describeSharing(
        "Sluice's database",
        "another Sluice process on this home (the app, or a `sluicectl` command or job)");
    // NORMAL is durable across process crashes in WAL mode and makes frequent small commits cheap.
    SLUICE_TRY(store.m_db.useWal());
    SLUICE_TRY(store.m_db.exec("PRAGMA foreign_keys=ON;"));
    SLUICE_TRY(migrateStore(store.m_db));
    // Jobs whose process died (a crash, a kill, a power cut) are closed at the next start of Sluice, so
    // that nothing shows "running" forever; a failure here must not keep Sluice from starting.
    JobRepository jobs(store.m_db);
    if (auto closed = jobs.closeStaleJobs(); closed && closed.value() > 0)
        logger("store")->info("closed {} job(s) left running by a process that is gone", closed.value());
    return store;
}

Result<Store> Store::openInHome(const std::string& home) {
    return open(storePath(home));
}

int64_t Store::dataVersion() {
    auto v = m_db.queryInt("PRAGMA data_version");
    return v.ok() && v.value() ? *v.value() : 0;
}

} // namespace sluice::core
