#pragma once

#include "catalog/stream.h"
#include "postgres/pg_connection.h"

#include <string>
#include <string_view>
#include <vector>

namespace sluice::core {

// Names in a SQL_ASCII database may be any bytes: `name` is what streams and columns show (U+FFFD for bytes
// that are not UTF-8), `realName` what SQL quotes.

// One column as the PostgreSQL catalog describes it (domains resolved to their base type).
struct PgColumn {
    std::string name;
    std::string realName;
    std::string typeName; // pg_type.typname of the base type: int4, timestamptz, _text, ...
    char category = 'U';  // pg_type.typcategory: A array, S string, N numeric, ...
    ColumnType type = ColumnType::String;

    bool isArray() const { return category == 'A'; }
    // The expression that selects the column so its text form is what the Value needs (arrays as JSON).
    std::string selectExpr() const;
    // The column as an ORDER BY / comparison operand: strings compare bytewise (COLLATE "C"), as Value does.
    std::string orderExpr() const;
};

// A table, view, materialized view or foreign table of one schema.
struct PgRelation {
    std::string name;
    std::string realName;
    char kind = 'r'; // pg_class.relkind
    std::vector<PgColumn> columns;
    std::vector<std::string> primaryKey;

    // Plain tables and materialized views have physical pages, so CTID ranges can slice them.
    bool hasCtid() const { return kind == 'r' || kind == 'm'; }
    const PgColumn* column(const std::string& name) const;
    StreamInfo toStream(const std::string& schema) const;
};

// The relations of `schema` the user may read; only the one shown as `table` when it is not empty.
Result<std::vector<PgRelation>> loadRelations(PgConnection& conn, const std::string& schema,
                                              const std::string& table = {});

// The catalog type of a column's base type name and category (SPEC: integers, numbers, booleans, JSON,
// everything else as text).
ColumnType columnTypeOf(std::string_view typeName, char category);

// A cell's text (as the session returns it: ISO dates in UTC) as a Value of the column's catalog type.
// Timestamps become ISO-8601 with microseconds ("2024-01-02T03:04:05.000000", with "Z" when zoned) so that
// text order is time order.
Value cellValue(const PgColumn& column, std::string_view text);

} // namespace sluice::core
