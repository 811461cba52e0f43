#pragma once

#include "util/sqlite_db.h"

#include <optional>
#include <string>

namespace sluice::core {

// Key-value settings of a Sluice home (not of a connection), in Sluice's database.
class SettingsRepository {
public:
    explicit SettingsRepository(Database& db) : m_db(db) {}

    Result<std::optional<std::string>> get(const std::string& key);
    Status set(const std::string& key, const std::string& value);

private:
    Database& m_db;
};

// Set once the first start of a home was handled, so that deleting the demo connection does not bring it
// back.
inline constexpr const char* kHomeInitialisedKey = "home_initialised";
// The home's identity (random, made by migration 4): destinations shared by several homes record who owns
// each table as this id and a connection id.
inline constexpr const char* kHomeIdKey = "home_id";

} // namespace sluice::core
