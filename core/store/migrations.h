#pragma once

#include "util/sqlite_db.h"

namespace sluice::core {

// The schema version the code expects; migrations 1..kSchemaVersion run in order.
inline constexpr int kSchemaVersion = 9;

// Brings the database to `target` (default: current) in one transaction; refuses a newer database.
Status migrateStore(Database& db, int target = kSchemaVersion);
int storeSchemaVersion(Database& db);

} // namespace sluice::core
