#include "destinations/postgres/pg_table_layout.h"

#include "util/sql_ident.h"

#include <set>

namespace sluice::core {

namespace {
constexpr size_t kMaxIdentifier = 63; // PostgreSQL silently truncates longer names (NAMEDATALEN - 1)
} // namespace

std::string pgTruncated(const std::string& name, size_t limit) {
    if (name.size() <= limit)
        return name;
    size_t n = limit;
    while (n > 0 && (static_cast<unsigned char>(name[n]) & 0xC0) == 0x80)
        --n;
    return name.substr(0, n);
}

const char* pgColumnType(ColumnType t) {
    switch (t) {
    case ColumnType::Integer:
        return "bigint";
    case ColumnType::Number:
        return "double precision";
    case ColumnType::Boolean:
        return "boolean";
    case ColumnType::Json:
        return "jsonb";
    case ColumnType::String:
        break;
    }
    return "text";
}

PgTableLayout PgTableLayout::of(const ResolvedStream& rs, const std::string& schema,
                                const std::string& table) {
    PgTableLayout l;
    l.schema = schema;
    // Quoted names keep their case; two names that PostgreSQL would cut to the same 63 bytes get a suffix.
    std::set<std::string> taken(std::begin(kMetaColumns), std::end(kMetaColumns));
    for (const auto& c : rs.stream.columns) {
        std::string n = pgTruncated(c.name);
        for (int k = 1; taken.count(n); ++k) {
            const std::string suffix = "_" + std::to_string(k);
            n = pgTruncated(c.name, kMaxIdentifier - suffix.size()) + suffix;
        }
        taken.insert(n);
        l.columns.push_back(n);
        l.types.push_back(c.type);
    }
    l.assignNamesAndRoles(table, rs, [](const std::string& name) { return pgTruncated(name); });
    return l;
}

std::string PgTableLayout::qualified(const std::string& table) const {
    return quoteIdent(schema) + "." + quoteIdent(table);
}

std::string PgTableLayout::createSql(const std::string& table) const {
    std::string sql = "CREATE TABLE IF NOT EXISTS " + qualified(table) + " (";
    for (size_t i = 0; i < columns.size(); ++i)
        sql += quoteIdent(columns[i]) + " " + pgColumnType(types[i]) + ", ";
    sql += "\"_airbyte_raw_id\" text NOT NULL, \"_airbyte_extracted_at\" timestamptz NOT NULL, "
           "\"_airbyte_generation_id\" bigint, \"_airbyte_meta\" jsonb)";
    return sql;
}

std::string PgTableLayout::copySql(const std::string& qualifiedTable, bool binary) const {
    return "COPY " + qualifiedTable + " (" + columnList() + ") FROM STDIN" +
           (binary ? " WITH (FORMAT binary)" : "");
}

bool PgTableLayout::binaryCopyFits(const std::vector<std::string>& names,
                                   const std::vector<std::string>& pgTypes) const {
    auto typeOf = [&](const std::string& column) -> const std::string* {
        for (size_t i = 0; i < names.size() && i < pgTypes.size(); ++i)
            if (names[i] == column)
                return &pgTypes[i];
        return nullptr;
    };
    auto is = [&](const std::string& column, const char* type) {
        const std::string* t = typeOf(column);
        return t && *t == type;
    };
    for (size_t i = 0; i < columns.size(); ++i)
        if (!is(columns[i], pgColumnType(types[i])))
            return false;
    return is("_airbyte_raw_id", "text") && is("_airbyte_extracted_at", "timestamp with time zone") &&
           is("_airbyte_generation_id", "bigint") && is("_airbyte_meta", "jsonb");
}

std::string PgTableLayout::keyIndexName() const {
    return pgTruncated("_airbyte_pk_" + finalTable);
}

namespace {
// Text cursors compare bytewise, as everywhere else in Sluice, whatever the database's collation.
std::string cursorExpr(const PgTableLayout& l, const std::string& alias) {
    const std::string c =
        (alias.empty() ? "" : alias + ".") + quoteIdent(l.columns[static_cast<size_t>(l.cursorColumn)]);
    return l.types[static_cast<size_t>(l.cursorColumn)] == ColumnType::String ? c + " COLLATE \"C\"" : c;
}
} // namespace

std::string PgTableLayout::winnerOrder() const {
    std::string order;
    if (cursorColumn >= 0)
        order = cursorExpr(*this, "") + " DESC NULLS LAST, ";
    return order + "\"_airbyte_extracted_at\" DESC, ctid DESC";
}

std::string PgTableLayout::winnersSql(const std::string& from, const std::string& where,
                                      bool dropDeleted) const {
    std::string sql = "SELECT DISTINCT ON (" + keyList() + ") " + columnList() + " FROM " + from +
                      (where.empty() ? "" : " WHERE " + where) + " ORDER BY " + keyList() + ", " +
                      winnerOrder();
    if (dropDeleted && cdcColumn >= 0)
        sql = "SELECT " + columnList() + " FROM (" + sql + ") w WHERE " +
              quoteIdent(columns[static_cast<size_t>(cdcColumn)]) + " IS NULL";
    return sql;
}

std::string PgTableLayout::upsertSql(const std::string& from) const {
    std::string sql = "INSERT INTO " + qualified(finalTable) + " AS f (" + columnList() + ") " +
                      winnersSql(from, "", false) + " ON CONFLICT (" + keyList() + ") DO UPDATE SET ";
    std::vector<std::string> names = columns;
    names.insert(names.end(), std::begin(kMetaColumns), std::end(kMetaColumns));
    for (size_t i = 0; i < names.size(); ++i)
        sql += (i ? "," : "") + quoteIdent(names[i]) + "=EXCLUDED." + quoteIdent(names[i]);
    const std::string newer = "EXCLUDED.\"_airbyte_extracted_at\" >= f.\"_airbyte_extracted_at\"";
    if (cursorColumn < 0)
        return sql + " WHERE " + newer;
    const std::string n = cursorExpr(*this, "EXCLUDED"), o = cursorExpr(*this, "f");
    return sql + " WHERE (" + n + " IS NOT NULL AND (" + o + " IS NULL OR " + n + " > " + o + " OR (" + n +
           " = " + o + " AND " + newer + "))) OR (" + n + " IS NULL AND " + o + " IS NULL AND " + newer + ")";
}

} // namespace sluice::core
