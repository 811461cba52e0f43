#include "util/sqlite_error.h"

#include <sqlite3.h>

namespace sluice::core {

// SQLITE_BUSY in any of its forms (BUSY_SNAPSHOT, BUSY_RECOVERY, BUSY_TIMEOUT) is the one failure that
// running the transaction again can cure: Database::write() looks for it.
Error sqliteError(sqlite3* db, int rc) {
    std::string message = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    return (rc & 0xff) == SQLITE_BUSY ? Error::locked(std::move(message))
                                      : Error::transient(std::move(message));
}

bool holdsReadSnapshot(sqlite3* db) {
    // A read-only file (a read-only mount, no write permission) has no write lock to take: SQLite's own
    // SQLITE_READONLY says what is wrong, where "read then write" would send the user looking for a bug.
    return sqlite3_txn_state(db, nullptr) == SQLITE_TXN_READ && sqlite3_db_readonly(db, "main") != 1;
}

Error readThenWrite(sqlite3* db, const char* sql) {
    const char* file = sqlite3_db_filename(db, "main");
    std::string text = sql ? sql : "";
    if (text.size() > 120)
        text = text.substr(0, 120) + "...";
    // Appended piece by piece: GCC 12 warns (-Warray-bounds, a false positive) on one long chain of `+`.
    std::string message = "a write to ";
    message += file && *file ? file : "a SQLite database";
    message += " began while the same connection still held a read snapshot (a query not stepped to its "
               "end, or a transaction that read before it wrote), which SQLite refuses at once when another "
               "process has committed meanwhile; please report this. The statement: ";
    message += text;
    return Error::internal(std::move(message));
}

} // namespace sluice::core
