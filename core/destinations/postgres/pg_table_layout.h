#pragma once

#include "destinations/table_layout.h"

#include <string>
#include <vector>

namespace sluice::core {

// The tables one stream uses in a PostgreSQL destination (names and roles: TableLayout, the same names as the
// SQLite destination's so queries work on both), all in the configured schema, with PostgreSQL's types.
struct PgTableLayout : TableLayout {
    std::string schema;
    std::vector<ColumnType> types;

    // The layout in the tables named after `table`, the one the stream's connection claimed (PgTableNames).
    static PgTableLayout of(const ResolvedStream& stream, const std::string& schema,
                            const std::string& table);

    std::string qualified(const std::string& table) const; // "schema"."table"
    std::string createSql(const std::string& table) const;
    // COPY into the table, in the binary format when `binary` (see binaryCopyFits).
    std::string copySql(const std::string& qualifiedTable, bool binary) const;
    // Whether a table whose columns are `names` with PostgreSQL types `pgTypes` (format_type) takes this
    // layout's binary COPY: each column written has the type createSql gives it. A table made otherwise
    // (by hand, or by an older version) is written in the text format, which the server converts.
    bool binaryCopyFits(const std::vector<std::string>& names, const std::vector<std::string>& pgTypes) const;
    std::string keyIndexName() const;
    // ORDER BY for "the winner first": greatest cursor (nulls last), then latest extraction, then the latest
    // row written (ctid: the tables it orders are only ever appended to).
    std::string winnerOrder() const;
    // Each key's winner among the rows of `from` matching `where`, as columnList(); without the keys whose
    // winner is a CDC deletion when `dropDeleted`.
    std::string winnersSql(const std::string& from, const std::string& where, bool dropDeleted) const;
    // Upserts each key's winner of `from` into the final table where it is newer than the stored row (SPEC
    // §2).
    std::string upsertSql(const std::string& from) const;
};

const char* pgColumnType(ColumnType t);
// Cuts a name to what PostgreSQL keeps (63 bytes) or to `limit`, on a UTF-8 character boundary.
std::string pgTruncated(const std::string& name, size_t limit = 63);

} // namespace sluice::core
