#include "destinations/sqlite/sqlite_table_names.h"

#include <algorithm>
#include <cctype>

namespace sluice::core {

namespace {

const char* kClaimIndex = "_airbyte_sluice_tables_claims";

// SQLite compares identifiers case-insensitively for ASCII letters only ("É" and "é" stay distinct).
std::string folded(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

bool indexExists(Database& db, const char* name) {
    auto n = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?");
    if (!n)
        return false;
    n->bind(1, name);
    auto r = n->step();
    return r && r.value();
}

bool hasOwnerColumn(Database& db) {
    bool found = false;
    (void)db.forEachRow("PRAGMA table_info(_airbyte_sluice_tables)",
                        [&](Statement& st) { found = found || st.getText(1) == "owner"; });
    return found;
}

} // namespace

TableNaming SqliteTableNames::naming(const std::string& where) {
    TableNaming n;
    n.where = where;
    n.fit = [](const std::string& wanted, const std::string& suffix) {
        // SQLite refuses to create tables named sqlite_*, and ends an SQL text at a NUL.
        std::string base = folded(wanted).rfind("sqlite_", 0) == 0 ? "_" + wanted : wanted;
        std::replace(base.begin(), base.end(), '\0', '_');
        return base + suffix;
    };
    n.fold = folded;
    n.reserved = {"_airbyte_sluice_checkpoints", "_airbyte_sluice_tables", "_airbyte_sluice_probe",
                  kClaimIndex};
    return n;
}

Status SqliteTableNames::ensureTable() {
    if (m_db.tableExists("_airbyte_sluice_tables") && indexExists(m_db, kClaimIndex))
        return {};
    Transaction tx(m_db);
    SLUICE_TRY(tx.begun());
    SLUICE_TRY(m_db.exec("CREATE TABLE IF NOT EXISTS _airbyte_sluice_tables (connection_id INTEGER NOT NULL, "
                         "namespace TEXT NOT NULL, name TEXT NOT NULL, table_name TEXT NOT NULL, owner TEXT, "
                         "connection_name TEXT, home TEXT, PRIMARY KEY (connection_id, namespace, name))"));
    if (!hasOwnerColumn(m_db))
        SLUICE_TRY(m_db.exec("ALTER TABLE _airbyte_sluice_tables ADD COLUMN owner TEXT; "
                             "ALTER TABLE _airbyte_sluice_tables ADD COLUMN connection_name TEXT; "
                             "ALTER TABLE _airbyte_sluice_tables ADD COLUMN home TEXT"));
    // Shared tables of an earlier Sluice: the connection that chose the table first keeps it.
    SLUICE_TRY(m_db.exec("DELETE FROM _airbyte_sluice_tables WHERE rowid NOT IN (SELECT min(rowid) FROM "
                         "_airbyte_sluice_tables GROUP BY table_name COLLATE NOCASE)"));
    SLUICE_TRY(m_db.exec(std::string("CREATE UNIQUE INDEX IF NOT EXISTS ") + kClaimIndex +
                         " ON _airbyte_sluice_tables (table_name COLLATE NOCASE)"));
    return tx.commit();
}

Result<std::vector<TableClaim>> SqliteTableNames::claims() {
    std::vector<TableClaim> out;
    SLUICE_TRY(
        m_db.forEachRow("SELECT connection_id, namespace, name, table_name, owner, connection_name, home "
                        "FROM _airbyte_sluice_tables ORDER BY rowid",
                        [&](Statement& st) {
                            out.push_back({st.getInt(0), st.getText(1), st.getText(2), st.getText(3),
                                           st.getOptText(4), st.getText(5), st.getText(6)});
                        }));
    return out;
}

Result<int64_t> SqliteTableNames::maxCheckpointId() {
    auto n = m_db.queryInt("SELECT max(connection_id) FROM _airbyte_sluice_checkpoints");
    if (!n)
        return n.error();
    return n.value().value_or(0);
}

Status SqliteTableNames::apply(const ClaimPlan& plan, const DestinationOwner& owner) {
    const std::string key = owner.key();
    if (plan.adoptLegacy)
        SLUICE_TRY(
            m_db.execute("UPDATE _airbyte_sluice_tables SET owner = ?1 WHERE connection_id = ?2 AND owner "
                         "IS NULL",
                         key, plan.localId));
    // Messages name the connection as it is called now.
    SLUICE_TRY(
        m_db.execute("UPDATE _airbyte_sluice_tables SET connection_name = ?1, home = ?2 WHERE owner = ?3",
                     owner.name, owner.homePath, key));
    for (const auto& c : plan.dropped)
        SLUICE_TRY(m_db.execute(
            "DELETE FROM _airbyte_sluice_tables WHERE connection_id = ?1 AND namespace = ?2 AND name = ?3",
            c.localId, c.ns, c.name));
    for (const auto& c : plan.added)
        SLUICE_TRY(
            m_db.execute("INSERT INTO _airbyte_sluice_tables (connection_id, namespace, name, table_name, "
                         "owner, connection_name, home) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                         c.localId, c.ns, c.name, c.table, key, owner.name, owner.homePath));
    return {};
}

Result<int64_t> SqliteTableNames::release(const DestinationOwner& owner) {
    auto all = claims();
    if (!all)
        return all.error();
    const auto id = localIdOf(all.value(), owner);
    const bool owned = id && std::any_of(all->begin(), all->end(), [&](const TableClaim& c) {
                           return c.localId == *id && (c.owner == owner.key() || !c.owner);
                       });
    if (!owned)
        return int64_t{0};
    SLUICE_TRY(m_db.execute("DELETE FROM _airbyte_sluice_tables WHERE connection_id = ?1", *id));
    const int64_t released = m_db.changes();
    SLUICE_TRY(m_db.execute("DELETE FROM _airbyte_sluice_checkpoints WHERE connection_id = ?1", *id));
    return released;
}

} // namespace sluice::core
