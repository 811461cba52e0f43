#pragma once

#include "catalog/stream.h"
#include "util/sqlite_db.h"

#include <string>
#include <vector>

namespace sluice::core {

// Names and shapes of the tables one stream uses in a SQLite destination:
//   "<stream>"               the final table (typed columns + the four _airbyte_* columns)
//   "_airbyte_raw_<stream>"  every delivered version, for dedupe streams (history)
//   "_airbyte_tmp_<stream>"  staging for streams that replace older generations
struct SqliteTableLayout {
    std::string finalTable, historyTable, stagingTable;
    std::vector<std::string> columns;   // destination column names, one per stream column
    std::vector<std::string> sqlTypes;  // INTEGER, REAL, TEXT
    std::vector<int> keyColumns;        // indexes into columns
    int cursorColumn = -1;
    int cdcColumn = -1;                 // _ab_cdc_deleted_at, when the stream has it

    // The layout in the tables named after `table` (see SqliteTableNames), by default the stream's name.
    static SqliteTableLayout of(const ResolvedStream& stream);
    static SqliteTableLayout of(const ResolvedStream& stream, const std::string& table);

    std::string createSql(const std::string& table) const;
    // "c1","c2",...,"_airbyte_raw_id",... in table order.
    std::string columnList() const;
    std::string insertSql(const std::string& table) const;
    // Upsert into the final table where the newer version (SPEC §2) wins.
    std::string upsertSql() const;
    std::string keyIndexName() const;
    std::string keyList() const;
    // ORDER BY for "the winner first": greatest cursor (nulls last), then latest extraction.
    std::string winnerOrder() const;
};

inline constexpr const char* kMetaColumns[] = {"_airbyte_raw_id", "_airbyte_extracted_at", "_airbyte_generation_id",
                                               "_airbyte_meta"};

// Adds columns the table lacks (a stream that gained fields); columns it no longer has stay, unfilled.
Status ensureColumns(Database& db, const std::string& table, const SqliteTableLayout& layout);
Status ensureKeyIndex(Database& db, const SqliteTableLayout& layout);

} // namespace sluice::core
