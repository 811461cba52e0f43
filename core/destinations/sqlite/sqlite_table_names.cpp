#include "destinations/sqlite/sqlite_table_names.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <vector>

namespace sluice::core {

namespace {

const char* kTable = "_airbyte_sluice_tables";

// SQLite compares identifiers case-insensitively for ASCII letters only ("É" and "é" stay distinct).
std::string folded(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

std::vector<std::string> companions(const std::string& table) {
    return {table, "_airbyte_raw_" + table, "_airbyte_tmp_" + table};
}

} // namespace

Status SqliteTableNames::ensureTable() {
    return m_db.exec("CREATE TABLE IF NOT EXISTS _airbyte_sluice_tables (connection_id INTEGER NOT NULL, "
                     "namespace TEXT NOT NULL, name TEXT NOT NULL, table_name TEXT NOT NULL, "
                     "PRIMARY KEY (connection_id, namespace, name))");
}

Result<std::string> SqliteTableNames::lookup(int64_t connectionId, const std::string& ns,
                                             const std::string& name) {
    if (!m_db.tableExists(kTable))
        return name;
    auto st = m_db.prepare("SELECT DISTINCT table_name FROM _airbyte_sluice_tables "
                           "WHERE (connection_id = ?1 OR ?1 = 0) AND namespace = ?2 AND name = ?3");
    if (!st)
        return st.error();
    st->bind(1, connectionId).bind(2, ns).bind(3, name);
    std::vector<std::string> found;
    while (true) {
        auto r = st->step();
        if (!r)
            return r.error();
        if (!r.value())
            break;
        found.push_back(st->getText(0));
    }
    return found.size() == 1 ? found.front() : name;
}

Result<std::string> SqliteTableNames::assign(int64_t connectionId, const std::string& ns,
                                             const std::string& name) {
    SLUICE_TRY(ensureTable());
    auto others = m_db.prepare(
        "SELECT namespace, name, table_name FROM _airbyte_sluice_tables WHERE connection_id = ?");
    if (!others)
        return others.error();
    others->bind(1, connectionId);
    std::set<std::string> taken = {"_airbyte_sluice_checkpoints", kTable, "_airbyte_sluice_probe"};
    while (true) {
        auto r = others->step();
        if (!r)
            return r.error();
        if (!r.value())
            break;
        if (others->getText(0) == ns && others->getText(1) == name)
            return others->getText(2);
        for (const auto& t : companions(others->getText(2)))
            taken.insert(folded(t));
    }
    // SQLite refuses to create tables named sqlite_*: those are its own.
    std::string base = folded(name).rfind("sqlite_", 0) == 0 ? "_" + name : name;
    std::replace(base.begin(), base.end(), '\0', '_'); // SQLite ends an SQL text at a NUL
    std::string table = base;
    auto clashes = [&](const std::string& t) {
        const auto names = companions(t);
        return std::any_of(names.begin(), names.end(),
                           [&](const std::string& n) { return taken.count(folded(n)); });
    };
    for (int k = 1; clashes(table); ++k)
        table = base + "_" + std::to_string(k);
    auto insert = m_db.prepare(
        "INSERT INTO _airbyte_sluice_tables (connection_id, namespace, name, table_name) VALUES (?,?,?,?)");
    if (!insert)
        return insert.error();
    insert->bind(1, connectionId).bind(2, ns).bind(3, name).bind(4, table);
    SLUICE_TRY(insert->run());
    return table;
}

} // namespace sluice::core
