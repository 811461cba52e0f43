#include "destinations/postgres/pg_table_names.h"

#include "destinations/postgres/pg_table_layout.h"

#include <algorithm>

namespace sluice::core {

namespace {
const char* kTable = "_airbyte_sluice_tables";
const char* kClaimIndex = "_airbyte_sluice_tables_claims";
} // namespace

TableNaming PgTableNames::naming(const std::string& where) {
    TableNaming n;
    n.where = where;
    n.fit = [](const std::string& wanted, const std::string& suffix) {
        if (suffix.empty())
            return pgTruncated(wanted);
        // A suffixed name leaves room for "_airbyte_raw_" before it: else its history and staging tables
        // would be cut to the same 63 bytes as the ones of the name it moved away from.
        return pgTruncated(wanted, 63 - std::string("_airbyte_raw_").size() - suffix.size()) + suffix;
    };
    n.fold = [](const std::string& name) { return name; }; // quoted names keep their case
    n.reserved = {"_airbyte_sluice_checkpoints",
                  kTable,
                  "_airbyte_sluice_probe",
                  kClaimIndex,
                  "_airbyte_sluice_checkpoints_pkey",
                  "_airbyte_sluice_tables_pkey"};
    return n;
}

std::string PgTableNames::table() const {
    return qualifiedName(m_schema, kTable);
}

Status PgTableNames::ensureTable() {
    SLUICE_TRY(m_conn.exec("CREATE TABLE IF NOT EXISTS " + table() +
                           " (connection_id bigint NOT NULL, namespace text NOT NULL, name text NOT NULL, "
                           "table_name text NOT NULL, owner text, connection_name text, home text, "
                           "PRIMARY KEY (connection_id, namespace, name))"));
    return m_conn.exec("CREATE UNIQUE INDEX IF NOT EXISTS " + quoteIdent(kClaimIndex) + " ON " + table() +
                       " (table_name)");
}

Status PgTableNames::lock() {
    // Readers go on; a second claimer waits for the first one's commit and then sees its claims.
    return m_conn.exec("LOCK TABLE " + table() + " IN SHARE ROW EXCLUSIVE MODE");
}

Result<std::vector<TableClaim>> PgTableNames::claims() {
    auto r =
        m_conn.query("SELECT connection_id, namespace, name, table_name, owner, connection_name, home FROM " +
                     table() + " ORDER BY ctid");
    if (!r)
        return r.error();
    std::vector<TableClaim> out;
    for (int i = 0; i < r->rows(); ++i)
        out.push_back({r->getInt(i, 0), r->get(i, 1), r->get(i, 2), r->get(i, 3),
                       r->isNull(i, 4) ? std::nullopt : std::optional<std::string>(r->get(i, 4)),
                       r->get(i, 5), r->get(i, 6)});
    return out;
}

Result<int64_t> PgTableNames::maxCheckpointId() {
    auto v = m_conn.queryValue("SELECT max(connection_id) FROM " +
                               qualifiedName(m_schema, "_airbyte_sluice_checkpoints"));
    if (!v)
        return v.error();
    return v.value() ? std::stoll(*v.value()) : int64_t{0};
}

Status PgTableNames::apply(const ClaimPlan& plan, const DestinationOwner& owner) {
    const std::string key = owner.key();
    const std::string id = std::to_string(plan.localId);
    if (plan.adoptLegacy)
        SLUICE_TRY(m_conn.exec(
            "UPDATE " + table() + " SET owner = $1 WHERE connection_id = $2 AND owner IS NULL", {key, id}));
    SLUICE_TRY(m_conn.exec("UPDATE " + table() + " SET connection_name = $1, home = $2 WHERE owner = $3",
                           {owner.name, owner.homePath, key}));
    for (const auto& c : plan.dropped)
        SLUICE_TRY(m_conn.exec("DELETE FROM " + table() +
                                   " WHERE connection_id = $1 AND namespace = $2 AND name = $3",
                               {std::to_string(c.localId), c.ns, c.name}));
    for (const auto& c : plan.added)
        SLUICE_TRY(
            m_conn.exec("INSERT INTO " + table() +
                            " (connection_id, namespace, name, table_name, owner, connection_name, home) "
                            "VALUES ($1, $2, $3, $4, $5, $6, $7)",
                        {id, c.ns, c.name, c.table, key, owner.name, owner.homePath}));
    return {};
}

Result<int64_t> PgTableNames::release(const DestinationOwner& owner) {
    SLUICE_TRY(lock());
    auto all = claims();
    if (!all)
        return all.error();
    const auto id = localIdOf(all.value(), owner);
    const auto mine = std::count_if(all->begin(), all->end(), [&](const TableClaim& c) {
        return id && c.localId == *id && (c.owner == owner.key() || !c.owner);
    });
    if (mine == 0)
        return int64_t{0};
    const std::string localId = std::to_string(*id);
    SLUICE_TRY(m_conn.exec("DELETE FROM " + table() + " WHERE connection_id = $1", {localId}));
    SLUICE_TRY(m_conn.exec("DELETE FROM " + qualifiedName(m_schema, "_airbyte_sluice_checkpoints") +
                               " WHERE connection_id = $1",
                           {localId}));
    return static_cast<int64_t>(mine);
}

} // namespace sluice::core
