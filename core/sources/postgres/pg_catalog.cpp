#include "sources/postgres/pg_catalog.h"

#include "postgres/pg_value.h"
#include "util/utf8.h"

#include <map>

namespace sluice::core {

namespace {
// "2024-01-02 03:04:05.12+00" -> "2024-01-02T03:04:05.120000Z". Anything else (infinity, BC dates, years
// past 9999) stays as PostgreSQL wrote it.
std::string isoTimestamp(std::string_view t, bool zoned) {
    const auto digit = [](char c) { return c >= '0' && c <= '9'; };
    if (t.size() < 19 || t[4] != '-' || t[10] != ' ' || t[13] != ':' || t[16] != ':')
        return std::string(t);
    std::string out(t.substr(0, 19));
    out[10] = 'T';
    size_t i = 19;
    std::string fraction;
    if (i < t.size() && t[i] == '.')
        for (++i; i < t.size() && digit(t[i]); ++i)
            fraction += t[i];
    fraction.resize(6, '0');
    out += '.' + fraction;
    const std::string_view rest = t.substr(i);
    if (!zoned)
        return rest.empty() ? out : std::string(t);
    if (rest == "+00")
        return out + 'Z';
    return rest.empty() ? out : std::string(t);
}
} // namespace

ColumnType columnTypeOf(std::string_view typeName, char category) {
    if (category == 'A' || typeName == "json" || typeName == "jsonb")
        return ColumnType::Json;
    if (typeName == "int2" || typeName == "int4" || typeName == "int8")
        return ColumnType::Integer;
    if (typeName == "float4" || typeName == "float8" || typeName == "numeric")
        return ColumnType::Number;
    if (typeName == "bool")
        return ColumnType::Boolean;
    return ColumnType::String;
}

std::string PgColumn::selectExpr() const {
    const std::string q = quoteIdent(realName);
    return isArray() ? "to_jsonb(" + q + ")" : q;
}

std::string PgColumn::orderExpr() const {
    const std::string q = quoteIdent(realName);
    return category == 'S' ? q + " COLLATE \"C\"" : q;
}

const PgColumn* PgRelation::column(const std::string& wanted) const {
    for (const auto& c : columns)
        if (c.name == wanted)
            return &c;
    return nullptr;
}

StreamInfo PgRelation::toStream(const std::string& schema) const {
    StreamInfo s;
    s.name = name;
    s.ns = schema;
    for (const auto& c : columns)
        s.columns.push_back({c.name, c.type});
    s.supportedSyncModes = {SyncMode::FullRefresh, SyncMode::Incremental};
    // Airbyte treats a table's primary key as source-defined; the cursor is the user's choice.
    for (const auto& k : primaryKey)
        s.sourceDefinedPrimaryKey.push_back({k});
    s.isResumable = hasCtid();
    return s;
}

Result<std::vector<PgRelation>> loadRelations(PgConnection& conn, const std::string& schema,
                                              const std::string& table) {
    // A name shown repaired matches no name on the server: it is looked for among all of them.
    const bool byShownName = table.find("\xEF\xBF\xBD") != std::string::npos;
    const PgParams params{schema, table.empty() || byShownName ? PgParam() : PgParam(table)};
    auto cols = conn.query(
        "SELECT c.relname, c.relkind, a.attname, bt.typname, bt.typcategory "
        "FROM pg_catalog.pg_class c "
        "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
        "JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
        "JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
        "JOIN pg_catalog.pg_type bt ON bt.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END "
        "WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'f') "
        "AND ($2::text IS NULL OR c.relname = $2) AND has_table_privilege(c.oid, 'SELECT') "
        "ORDER BY c.relname, a.attnum",
        params);
    if (!cols)
        return pgContext(cols.error(), conn.who(), "reading the columns of schema `" + schema + "`");
    std::vector<PgRelation> out;
    std::map<std::string, size_t> index;
    for (int r = 0; r < cols->rows(); ++r) {
        const std::string rel = cols->get(r, 0);
        auto [it, added] = index.emplace(rel, out.size());
        if (added) {
            out.push_back(
                {toValidUtf8(rel), rel, cols->text(r, 1).empty() ? 'r' : cols->text(r, 1)[0], {}, {}});
        }
        PgColumn c;
        c.realName = cols->get(r, 2);
        c.name = toValidUtf8(c.realName);
        c.typeName = cols->get(r, 3);
        c.category = cols->text(r, 4).empty() ? 'U' : cols->text(r, 4)[0];
        c.type = columnTypeOf(c.typeName, c.category);
        out[it->second].columns.push_back(std::move(c));
    }
    auto keys =
        conn.query("SELECT c.relname, a.attname FROM pg_catalog.pg_index i "
                   "JOIN pg_catalog.pg_class c ON c.oid = i.indrelid "
                   "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                   "JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY(i.indkey) "
                   "WHERE i.indisprimary AND n.nspname = $1 AND ($2::text IS NULL OR c.relname = $2) "
                   "ORDER BY c.relname, array_position(i.indkey::int2[], a.attnum)",
                   params);
    if (!keys)
        return pgContext(keys.error(), conn.who(), "reading the primary keys of schema `" + schema + "`");
    for (int r = 0; r < keys->rows(); ++r)
        if (auto it = index.find(keys->get(r, 0)); it != index.end())
            out[it->second].primaryKey.push_back(toValidUtf8(keys->get(r, 1)));
    if (byShownName)
        std::erase_if(out, [&](const PgRelation& rel) { return rel.name != table; });
    return out;
}

Value cellValue(const PgColumn& column, std::string_view text) {
    if (column.typeName == "timestamp" || column.typeName == "timestamptz")
        return Value::text(isoTimestamp(text, column.typeName == "timestamptz"));
    return valueFromPgText(column.type, text);
}

} // namespace sluice::core
