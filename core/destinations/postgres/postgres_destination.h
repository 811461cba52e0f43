#pragma once

#include "destinations/destination.h"
#include "destinations/postgres/pg_table_layout.h"
#include "destinations/record_stamper.h"
#include "postgres/pg_connection.h"

#include <memory>
#include <string>
#include <vector>

namespace sluice::core {

// The `postgres` destination: the SQLite destination's semantics on a PostgreSQL schema. One table per
// stream, generations, staging with an atomic swap, dedupe by primary key, and checkpoints committed in the
// same transaction as the rows they cover. Rows are loaded with COPY; dedupe streams COPY each batch into a
// temporary table, append it to the history table and upsert each key's winner into the final table.
class PostgresDestination : public Destination {
public:
    explicit PostgresDestination(Result<PgConfig> config);

    Status check() override;
    Status begin(int64_t connectionId, const std::vector<StreamWritePlan>& plans) override;
    Status write(std::vector<StreamBatch>& batches) override;
    Status completeStream(StreamBatch& finalBatch) override;
    Result<std::optional<DestinationCheckpoint>> lastCheckpoint(int64_t connectionId, const std::string& ns,
                                                                const std::string& name) override;
    Result<GenerationReport> generationReport(const ResolvedStream& stream, int64_t currentGeneration,
                                              size_t maxStaleRows) override;
    Result<GenerationDiff> diff(const ResolvedStream& stream, int64_t from, int64_t to) override;
    Result<int64_t> rowCount(const ResolvedStream& stream) override;
    void bindConnection(const DestinationOwner& owner) override { m_owner = owner; }
    Result<int64_t> releaseTables() override;

private:
    using Target = WriteTarget;
    struct StreamState {
        StreamWritePlan plan;
        PgTableLayout layout;
        Target target = Target::Final;
        std::string batchTable; // the temporary table a dedupe batch goes through (HistoryAndFinal)
        bool binary = false;    // COPY in the binary format (the target's columns have Sluice's types)
    };

    Status open();
    Status prepareStream(StreamState& s, size_t index);
    Status writeRows(StreamState& s, std::vector<Row>& rows);
    Status saveCheckpoint(const StreamState& s, const DestinationCheckpoint& c);
    Result<std::optional<DestinationCheckpoint>> checkpointOf(int64_t localId, const std::string& ns,
                                                              const std::string& name);
    // Claims the tables of the plans' streams for m_owner (or refuses them) and sets m_localId.
    Result<std::vector<std::string>> claimTables(const std::vector<StreamWritePlan>& plans);
    // The tables of a stream for inspection; none when another connection owns the ones it would get.
    Result<std::optional<PgTableLayout>> layoutOf(const ResolvedStream& stream);
    std::string where() const;
    // begin()'s transaction: claims the connection's tables and creates what is missing.
    Status prepareTables(const std::vector<StreamWritePlan>& plans);
    Status swapIn(StreamState& s);
    Result<bool> tableExists(const std::string& schema, const std::string& table);
    // Adds the layout's columns the table lacks; the answer is whether binary COPY fits the table.
    Result<bool> ensureColumns(const std::string& table, const PgTableLayout& layout);
    Status ensureKeyIndex(const PgTableLayout& layout);
    // Makes every value storable in its column; what cannot be is NULLed and listed in the row's changes.
    void fitRow(const StreamState& s, Row& row) const;
    // Appends one row with its Airbyte columns in the stream's COPY format.
    void encodeRow(const StreamState& s, Row& row, std::string& out);
    // COPYs the rows into `table` (qualified), sent piece by piece as they are encoded.
    Status copyRows(const StreamState& s, const std::string& table, std::vector<Row>& rows);

    Result<PgConfig> m_config;
    PgConnection m_conn;
    DestinationOwner m_owner;
    int64_t m_localId = 0; // m_owner's number in this schema (its checkpoints), set by begin()
    std::vector<std::unique_ptr<StreamState>> m_streams;
    RecordStamper m_stamper;
    std::string m_copy;           // the piece of COPY data being sent (reused)
    std::string m_rawId;          // the row's _airbyte_raw_id (reused)
    std::string m_generationText; // _airbyte_generation_id in COPY's text format
};

std::unique_ptr<Destination> makePostgresDestination(const std::string& configJson);

} // namespace sluice::core
