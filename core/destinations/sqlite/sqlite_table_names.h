#pragma once

#include "destinations/table_claims.h"
#include "util/sqlite_db.h"

#include <cstdint>
#include <string>
#include <vector>

namespace sluice::core {

// Which table each stream of each connection writes in a SQLite destination, kept in the destination
// itself (_airbyte_sluice_tables) so that it holds for every process and every Sluice home that writes
// there. A table belongs to the connection that claimed it first (see planClaims); within a connection,
// names that SQLite takes for one table (it ignores ASCII case) get "_1", "_2"..., names starting with
// sqlite_ (SQLite's own) get a leading "_".
class SqliteTableNames {
public:
    explicit SqliteTableNames(Database& db) : m_db(db) {}

    // How SQLite names tables; `where` starts refusals.
    static TableNaming naming(const std::string& where);

    // Creates the map, or adds the owner columns and the one-claim-per-table index to a map an earlier
    // Sluice wrote (where two connections could share a table: the first one keeps it).
    Status ensureTable();
    Result<std::vector<TableClaim>> claims();
    // The greatest connection id among the checkpoints (owner numbers must not reuse theirs).
    Result<int64_t> maxCheckpointId();
    // Records a plan; call in the write transaction the plan was made in, so that no other process can
    // claim in between.
    Status apply(const ClaimPlan& plan, const DestinationOwner& owner);
    // Forgets the owner's claims and checkpoints (the tables keep their data); returns how many tables.
    Result<int64_t> release(const DestinationOwner& owner);

private:
    Database& m_db;
};

} // namespace sluice::core
