#pragma once

#include "catalog/stream.h"
#include "destinations/table_layout.h"
#include "util/sqlite_db.h"

#include <string>
#include <vector>

namespace sluice::core {

// The tables one stream uses in a SQLite destination (names and roles: TableLayout), with SQLite's types.
struct SqliteTableLayout : TableLayout {
    std::vector<std::string> sqlTypes; // INTEGER, REAL, TEXT

    // The layout in the tables named after `table`: the one the stream's connection claimed (see
    // SqliteTableNames), which is not always the stream's name.
    static SqliteTableLayout of(const ResolvedStream& stream, const std::string& table);

    std::string createSql(const std::string& table) const;
    std::string insertSql(const std::string& table) const;
    // Upsert into the final table where the newer version (SPEC §2) wins. Without setGeneration it leaves
    // the generation as it is, which is right only when every row already has the sync's generation; it
    // spares the generation index a delete and an insert per updated row (twice the cost of the upsert).
    std::string upsertSql(bool setGeneration = true) const;
    std::string keyIndexName() const;
    // ORDER BY for "the winner first": greatest cursor (nulls last), then latest extraction.
    std::string winnerOrder() const;
};

// Adds columns the table lacks (a stream that gained fields); columns it no longer has stay, unfilled.
Status ensureColumns(Database& db, const std::string& table, const SqliteTableLayout& layout);
Status ensureKeyIndex(Database& db, const SqliteTableLayout& layout);
// The indexes the generation inspector reads by: every stored version by (generation, key) and, for a
// dedupe stream, the final table by generation. Created with the tables, so a sync keeps them up to date
// and `generations`, `diff` and the stale rows read an index instead of every row.
// Whether every row of `table` has `generation` (true when it has no rows).
Result<bool> holdsOnlyGeneration(Database& db, const std::string& table, int64_t generation);
Status ensureGenerationIndexes(Database& db, const SqliteTableLayout& layout, bool dedupe);

} // namespace sluice::core
