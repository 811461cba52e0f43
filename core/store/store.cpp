#include "store/store.h"

#include "store/migrations.h"
#include "util/home.h"

#include <sys/stat.h>

namespace sluice::core {

Result<Store> Store::open(const std::string& path) {
    const bool existed = ::access(path.c_str(), F_OK) == 0;
    auto db = Database::open(path);
    if (!db)
        return db.error();
    if (!existed)
        ::chmod(path.c_str(), S_IRUSR | S_IWUSR);
    Store store;
    store.m_db = std::move(db.value());
    // NORMAL is durable across process crashes in WAL mode and makes frequent small commits cheap.
    SLUICE_TRY(store.m_db.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"));
    SLUICE_TRY(migrateStore(store.m_db));
    return store;
}

Result<Store> Store::openInHome(const std::string& home) { return open(storePath(home)); }

int64_t Store::dataVersion() {
    auto v = m_db.queryInt("PRAGMA data_version");
    return v.ok() && v.value() ? *v.value() : 0;
}

} // namespace sluice::core
