#include "sources/sqlite/sqlite_schema.h"

#include "util/logging.h"
#include "util/utf8.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <spdlog/spdlog.h>

namespace sluice::core {

namespace {
bool contains(const std::string& upper, const char* what) {
    return upper.find(what) != std::string::npos;
}

bool isSluiceOrInternal(const std::string& name) {
    auto startsWith = [&](std::string_view prefix) {
        return name.size() >= prefix.size() &&
               std::equal(prefix.begin(), prefix.end(), name.begin(),
                          [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); });
    };
    return startsWith("sqlite_") || startsWith("_airbyte_");
}

// A shown name for `real` that no earlier name took.
std::string shownName(const std::string& real, std::set<std::string>& taken) {
    const std::string base = toValidUtf8(real);
    std::string name = base;
    for (int n = 2; taken.count(name); ++n)
        name = base + "_" + std::to_string(n);
    taken.insert(name);
    return name;
}

Result<std::vector<SqliteColumn>> columnsOf(Database& db, const std::string& table) {
    // table_xinfo lists generated columns too (hidden 2 and 3); hidden 1 are a virtual table's hidden
    // columns.
    auto st = db.prepare("SELECT name, type, pk FROM pragma_table_xinfo(?) WHERE hidden <> 1 ORDER BY cid");
    if (!st)
        return st.error();
    st->bind(1, table);
    std::vector<SqliteColumn> out;
    std::set<std::string> taken;
    SLUICE_TRY(forEachRow(*st, [&](const Statement& row) -> Status {
        const std::string real = row.getText(0);
        out.push_back(
            {shownName(real, taken), real, toValidUtf8(row.getText(1)), static_cast<int>(row.getInt(2))});
        return {};
    }));
    return out;
}
} // namespace

Status forEachRow(Statement& st, const std::function<Status(const Statement&)>& onRow) {
    while (true) {
        auto more = st.step();
        if (!more)
            return more.error();
        if (!*more)
            return {};
        SLUICE_TRY(onRow(st));
    }
}

const SqliteColumn* SqliteTable::column(const std::string& name) const {
    for (const auto& c : columns)
        if (c.name == name)
            return &c;
    return nullptr;
}

bool SqliteTable::hasRealColumn(const std::string& realName) const {
    return std::any_of(columns.begin(), columns.end(),
                       [&](const SqliteColumn& c) { return c.realName == realName; });
}

ColumnType sqliteColumnType(std::string_view declaredType) {
    std::string t(declaredType);
    std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return std::toupper(c); });
    if (contains(t, "INT"))
        return ColumnType::Integer;
    if (contains(t, "CHAR") || contains(t, "CLOB") || contains(t, "TEXT"))
        return ColumnType::String;
    if (contains(t, "REAL") || contains(t, "FLOA") || contains(t, "DOUB"))
        return ColumnType::Number;
    if (contains(t, "BOOL"))
        return ColumnType::Boolean;
    if (contains(t, "JSON"))
        return ColumnType::Json;
    return ColumnType::String;
}

Result<std::vector<SqliteTable>> listSqliteTables(Database& db) {
    auto st = db.prepare("SELECT name, type, wr FROM pragma_table_list WHERE schema = 'main' "
                         "AND type IN ('table', 'view') ORDER BY name");
    if (!st)
        return st.error();
    std::vector<SqliteTable> tables;
    std::set<std::string> taken;
    SLUICE_TRY(forEachRow(*st, [&](const Statement& row) -> Status {
        SqliteTable t;
        t.realName = row.getText(0);
        if (isSluiceOrInternal(t.realName))
            return {};
        t.name = shownName(t.realName, taken);
        t.isView = row.getText(1) == "view";
        const bool withoutRowid = row.getInt(2) != 0;
        auto columns = columnsOf(db, t.realName);
        if (!columns) {
            logger("source")->warn("sqlite source: {} `{}` is left out: {}", t.isView ? "view" : "table",
                                   t.name, columns.error().message);
            return {};
        }
        t.columns = std::move(columns.value());
        if (!t.isView && !withoutRowid)
            for (const char* alias : {"rowid", "_rowid_", "oid"})
                if (!t.hasRealColumn(alias)) {
                    t.rowidAlias = alias;
                    break;
                }
        tables.push_back(std::move(t));
        return {};
    }));
    return tables;
}

StreamInfo sqliteStreamInfo(const SqliteTable& table) {
    StreamInfo s;
    s.name = table.name;
    std::vector<const SqliteColumn*> key;
    for (const auto& c : table.columns) {
        s.columns.push_back({c.name, sqliteColumnType(c.declaredType)});
        if (c.pk > 0)
            key.push_back(&c);
    }
    std::sort(key.begin(), key.end(),
              [](const SqliteColumn* a, const SqliteColumn* b) { return a->pk < b->pk; });
    for (const SqliteColumn* c : key)
        s.sourceDefinedPrimaryKey.push_back({c->name});
    s.supportedSyncModes = {SyncMode::FullRefresh, SyncMode::Incremental};
    s.isResumable = table.hasRowid();
    return s;
}

} // namespace sluice::core
