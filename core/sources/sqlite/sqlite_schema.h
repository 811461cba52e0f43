#pragma once

#include "catalog/stream.h"
#include "util/sqlite_db.h"

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::core {

// Names as SQLite stores them may be any bytes; `name` is what streams, columns and messages show
// (well-formed UTF-8, made unique), `realName` what SQL quotes to read the source.
struct SqliteColumn {
    std::string name;
    std::string realName;
    std::string declaredType;
    int pk = 0; // position in the PRIMARY KEY (1-based), 0 when not part of it
};

// A table or view of a source database, as discovery and reads see it.
struct SqliteTable {
    std::string name;
    std::string realName;
    bool isView = false;
    // How to name the rowid in SQL: "rowid", "_rowid_" or "oid", whichever no real column shadows. Empty for
    // views, WITHOUT ROWID tables and tables whose columns shadow all three: those cannot resume by rowid.
    std::string rowidAlias;
    std::vector<SqliteColumn> columns;

    bool hasRowid() const { return !rowidAlias.empty(); }
    const SqliteColumn* column(const std::string& name) const; // by the shown name
    bool hasRealColumn(const std::string& realName) const;
};

// The column type for a declared SQL type, after SQLite's affinity rules (INT first, then text types),
// with BOOL and JSON recognised because SQLite has no such storage classes of its own.
ColumnType sqliteColumnType(std::string_view declaredType);

// The user's tables and views (not sqlite_* internals, not Sluice's own _airbyte_* tables), by name.
// A view that cannot be described any more (it names a dropped table) is left out with a warning.
// A name that is not UTF-8 is shown with U+FFFD for its odd bytes, and with a suffix (_2, _3...) should
// that make it equal to another table's or column's.
Result<std::vector<SqliteTable>> listSqliteTables(Database& db);

StreamInfo sqliteStreamInfo(const SqliteTable& table);

// Steps a statement to its end, calling `onRow` for each row; the first error stops it.
Status forEachRow(Statement& st, const std::function<Status(const Statement&)>& onRow);

} // namespace sluice::core
