#pragma once

#include "util/result.h"

#include <string>

struct sqlite3;

namespace sluice::core {

// SQLite's failure `rc` on `db` as an Error; SQLITE_BUSY and its extended codes become Error::locked().
Error sqliteError(sqlite3* db, int rc);

// Whether `db` holds a read snapshot and no write lock: a write begun now is a read upgraded to a write.
bool holdsReadSnapshot(sqlite3* db);

// The internal error for a write (`sql`) begun while `db` holds a read snapshot.
Error readThenWrite(sqlite3* db, const char* sql);

} // namespace sluice::core
