#pragma once

#include "destinations/table_claims.h"
#include "postgres/pg_connection.h"

#include <cstdint>
#include <string>
#include <vector>

namespace sluice::core {

// Which table each stream of each connection writes in a PostgreSQL schema, kept in the schema itself
// (_airbyte_sluice_tables, as in the SQLite destination) so that it holds for every process and every Sluice
// home that writes there. A table belongs to the connection that claimed it first (see planClaims); names
// are cut to the 63 bytes PostgreSQL keeps, with "_1", "_2"... when two streams of a connection would meet.
class PgTableNames {
public:
    PgTableNames(PgConnection& conn, std::string schema) : m_conn(conn), m_schema(std::move(schema)) {}

    static TableNaming naming(const std::string& where);

    Status ensureTable();
    // Takes the map's lock until the transaction ends: claims are made one connection at a time.
    Status lock();
    Result<std::vector<TableClaim>> claims();
    Result<int64_t> maxCheckpointId();
    // Records a plan; call in the transaction that holds lock().
    Status apply(const ClaimPlan& plan, const DestinationOwner& owner);
    // Forgets the owner's claims and checkpoints (the tables keep their data); returns how many tables.
    Result<int64_t> release(const DestinationOwner& owner);

private:
    std::string table() const;

    PgConnection& m_conn;
    std::string m_schema;
};

} // namespace sluice::core
