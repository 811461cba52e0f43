#pragma once

#include "util/sqlite_db.h"

#include <optional>
#include <string>

namespace sluice::core {

// The first start of a home: when it has no connections and was never initialised, creates the demo
// connection (demo source -> <home>/demo.sqlite) so that a new user has something to sync at once. Marks the
// home initialised either way, so that deleting the demo does not bring it back. Returns the demo's id when
// it was created.
Result<std::optional<int64_t>> initialiseHome(Database& store, const std::string& home);

// The demo connection's file (SPEC §7 format) for a home.
std::string demoConnectionJson(const std::string& home);

} // namespace sluice::core
