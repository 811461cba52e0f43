#include "destinations/sqlite/sqlite_table_layout.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <string_view>

namespace sluice::core {

namespace {
std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

const char* sqlType(ColumnType t) {
    switch (t) {
    case ColumnType::Integer:
    case ColumnType::Boolean:
        return "INTEGER";
    case ColumnType::Number:
        return "REAL";
    default:
        return "TEXT";
    }
}
} // namespace

SqliteTableLayout SqliteTableLayout::of(const ResolvedStream& rs, const std::string& table) {
    SqliteTableLayout l;
    l.finalTable = table;
    l.historyTable = "_airbyte_raw_" + table;
    l.stagingTable = "_airbyte_tmp_" + table;
    // SQLite folds identifier case: "Id" and "id" would collide, so later ones get a suffix. A column named
    // rowid, oid or _rowid_ would hide the row id that dedupe and the key index rely on to tell rows apart.
    std::set<std::string> taken = {"rowid", "oid", "_rowid_"};
    for (const char* m : kMetaColumns)
        taken.insert(m);
    for (const auto& c : rs.stream.columns) {
        // SQLite ends an SQL text at a NUL, even inside a quoted name: a key "a\u0000b" becomes "a_b".
        std::string base = c.name;
        std::replace(base.begin(), base.end(), '\0', '_');
        std::string n = base;
        for (int k = 1; taken.count(lower(n)); ++k)
            n = base + "_" + std::to_string(k);
        taken.insert(lower(n));
        l.columns.push_back(n);
        l.sqlTypes.push_back(sqlType(c.type));
    }
    l.assignRoles(rs); // the table names are the ones chosen above
    return l;
}

std::string SqliteTableLayout::createSql(const std::string& table) const {
    std::string sql = "CREATE TABLE IF NOT EXISTS " + quoteIdent(table) + " (";
    for (size_t i = 0; i < columns.size(); ++i)
        sql += quoteIdent(columns[i]) + " " + sqlTypes[i] + ", ";
    sql += "\"_airbyte_raw_id\" TEXT NOT NULL, \"_airbyte_extracted_at\" TEXT NOT NULL, "
           "\"_airbyte_generation_id\" INTEGER, \"_airbyte_meta\" TEXT)";
    return sql;
}

std::string SqliteTableLayout::insertSql(const std::string& table) const {
    std::string sql = "INSERT INTO " + quoteIdent(table) + " (" + columnList() + ") VALUES (";
    for (size_t i = 0; i < columns.size() + 4; ++i)
        sql += i ? ",?" : "?";
    return sql + ")";
}

std::string SqliteTableLayout::keyIndexName() const {
    return "_airbyte_pk_" + finalTable;
}

std::string SqliteTableLayout::upsertSql(bool setGeneration) const {
    const std::string t = quoteIdent(finalTable);
    std::string sql = insertSql(finalTable) + " ON CONFLICT(" + keyList() + ") DO UPDATE SET ";
    bool first = true;
    for (size_t i = 0; i < columns.size(); ++i) {
        // The key is equal by definition of the conflict; not setting it spares SQLite rewriting the key's
        // index entry (a delete and an insert, each a search of the index) on every update.
        if (std::find(keyColumns.begin(), keyColumns.end(), static_cast<int>(i)) != keyColumns.end())
            continue;
        sql += (first ? "" : ",") + quoteIdent(columns[i]) + "=excluded." + quoteIdent(columns[i]);
        first = false;
    }
    for (const char* m : kMetaColumns) {
        if (!setGeneration && std::string_view(m) == "_airbyte_generation_id")
            continue;
        sql += (first ? "" : ",") + quoteIdent(m) + "=excluded." + quoteIdent(m);
        first = false;
    }
    const std::string newer = "excluded.\"_airbyte_extracted_at\" >= " + t + ".\"_airbyte_extracted_at\"";
    if (cursorColumn < 0) {
        sql += " WHERE " + newer;
    } else {
        const std::string c = quoteIdent(columns[static_cast<size_t>(cursorColumn)]);
        sql += " WHERE (excluded." + c + " IS NOT NULL AND (" + t + "." + c + " IS NULL OR excluded." + c +
               " > " + t + "." + c + " OR (excluded." + c + " = " + t + "." + c + " AND " + newer +
               "))) OR (excluded." + c + " IS NULL AND " + t + "." + c + " IS NULL AND " + newer + ")";
    }
    return sql;
}

std::string SqliteTableLayout::winnerOrder() const {
    std::string order;
    if (cursorColumn >= 0) {
        const std::string c = quoteIdent(columns[static_cast<size_t>(cursorColumn)]);
        order = c + " IS NULL, " + c + " DESC, ";
    }
    return order + "\"_airbyte_extracted_at\" DESC, rowid DESC";
}

Status ensureColumns(Database& db, const std::string& table, const SqliteTableLayout& layout) {
    auto st = db.prepare("SELECT name FROM pragma_table_info(?)");
    if (!st)
        return st.error();
    st->bind(1, table);
    std::set<std::string> have;
    while (true) {
        auto r = st->step();
        if (!r)
            return r.error();
        if (!r.value())
            break;
        have.insert(lower(st->getText(0)));
    }
    for (size_t i = 0; i < layout.columns.size(); ++i)
        if (!have.count(lower(layout.columns[i])))
            SLUICE_TRY(db.exec("ALTER TABLE " + quoteIdent(table) + " ADD COLUMN " +
                               quoteIdent(layout.columns[i]) + " " + layout.sqlTypes[i]));
    return {};
}

Status ensureKeyIndex(Database& db, const SqliteTableLayout& layout) {
    if (layout.keyColumns.empty())
        return {};
    const std::string create = "CREATE UNIQUE INDEX IF NOT EXISTS " + quoteIdent(layout.keyIndexName()) +
                               " ON " + quoteIdent(layout.finalTable) + " (" + layout.keyList() + ")";
    if (db.exec(create).ok())
        return {};
    // The table held several versions per key (it was not deduplicated before): keep each key's winner.
    const std::string t = quoteIdent(layout.finalTable);
    SLUICE_TRY(db.exec("DELETE FROM " + t +
                       " WHERE rowid NOT IN (SELECT rowid FROM (SELECT rowid, ROW_NUMBER() OVER "
                       "(PARTITION BY " +
                       layout.keyList() + " ORDER BY " + layout.winnerOrder() + ") AS rn FROM " + t +
                       ") WHERE rn = 1)"));
    return db.exec(create);
}

Result<bool> holdsOnlyGeneration(Database& db, const std::string& table, int64_t generation) {
    // Each subquery is one seek of the generation index; one query with MIN and MAX together would scan.
    const std::string t = quoteIdent(table);
    const std::string g = "\"_airbyte_generation_id\"";
    auto st = db.prepare("SELECT (SELECT MIN(" + g + ") FROM " + t + "), (SELECT MAX(" + g + ") FROM " + t +
                         "), EXISTS (SELECT 1 FROM " + t + " WHERE " + g + " IS NULL)");
    if (!st)
        return st.error();
    auto r = st->step();
    if (!r)
        return r.error();
    if (st->getInt(2) != 0)
        return false;
    if (st->isNull(0))
        return true; // no rows
    return st->getInt(0) == generation && st->getInt(1) == generation;
}

Status ensureGenerationIndexes(Database& db, const SqliteTableLayout& layout, bool dedupe) {
    auto create = [&](const std::string& table, const std::string& columns) {
        return db.exec("CREATE INDEX IF NOT EXISTS " + quoteIdent("_airbyte_gen_" + table) + " ON " +
                       quoteIdent(table) + " (\"_airbyte_generation_id\"" + columns + ")");
    };
    const std::string key = layout.keyColumns.empty() ? "" : ", " + layout.keyList();
    if (!dedupe)
        return create(layout.finalTable, key);
    SLUICE_TRY(create(layout.historyTable, key));
    return create(layout.finalTable, "");
}

} // namespace sluice::core
