#pragma once

#include "util/sqlite_db.h"

#include <string>

namespace sluice::core {

// Sluice's own database (connections, jobs, attempts, state, generations, logs): SQLite in WAL mode with a
// busy timeout so the GUI and the CLI can share it. One Store per thread.
class Store {
public:
    static Result<Store> open(const std::string& path);
    static Result<Store> openInHome(const std::string& home);

    Database& db() { return m_db; }
    const std::string& path() const { return m_db.path(); }

    // Changes whenever another connection (another thread or process) committed to the database.
    int64_t dataVersion();

private:
    Database m_db;
};

} // namespace sluice::core
