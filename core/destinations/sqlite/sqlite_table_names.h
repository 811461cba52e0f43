#pragma once

#include "util/sqlite_db.h"

#include <cstdint>
#include <string>

namespace sluice::core {

// Which table each stream of a connection lands in. Usually the stream's name; but SQLite folds the case of
// identifiers ("Users" and "users" are one table), streams of two namespaces may share a name, and a stream
// may be named like another one's history or staging table. So each stream of a connection gets a name no
// other stream of the connection uses (case-insensitively, with its _airbyte_raw_ and _airbyte_tmp_
// companions): its own, else its own with "_1", "_2"... The choice is remembered in the destination, in
// _airbyte_sluice_tables, so it is the same at every sync and for inspection.
class SqliteTableNames {
public:
    explicit SqliteTableNames(Database& db) : m_db(db) {}

    Status ensureTable();
    // The stream's table, chosen and remembered on first use. Call inside the write transaction that
    // creates the table, so that two processes cannot choose at once.
    Result<std::string> assign(int64_t connectionId, const std::string& ns, const std::string& name);
    // The remembered table; the stream's name when there is none. Connection 0 (unknown) takes the table
    // every connection agrees on for that stream.
    Result<std::string> lookup(int64_t connectionId, const std::string& ns, const std::string& name);

private:
    Database& m_db;
};

} // namespace sluice::core
