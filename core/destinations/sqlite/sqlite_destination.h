#pragma once

#include "destinations/destination.h"
#include "destinations/record_stamper.h"
#include "destinations/sqlite/sqlite_row_writer.h"
#include "destinations/sqlite/sqlite_table_layout.h"
#include "util/sqlite_db.h"

#include <memory>
#include <string>
#include <vector>

namespace sluice::core {

// The embedded SQLite destination: one table per stream, generations, staging with an atomic swap,
// dedupe by primary key, and checkpoints committed in the same transaction as the rows they cover.
class SqliteDestination : public Destination {
public:
    explicit SqliteDestination(std::string path);

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
    Result<std::vector<GenerationAggregate>> aggregate(const ResolvedStream& stream,
                                                       const std::string& column) override;
    void bindConnection(const DestinationOwner& owner) override { m_owner = owner; }
    Result<int64_t> releaseTables() override;

private:
    using Target = WriteTarget;
    struct StreamState {
        StreamWritePlan plan;
        SqliteTableLayout layout;
        Target target = Target::Final;
        SqliteRowWriter insert; // into the final, history or staging table
        SqliteRowWriter upsert; // into the final table (dedupe without staging)
        Statement purgeDeleted;
    };

    Status open();
    Status prepareStream(StreamState& s);
    Status writeRows(StreamState& s, std::vector<Row>& rows);
    Status saveCheckpoint(const StreamState& s, const DestinationCheckpoint& c);
    Result<std::optional<DestinationCheckpoint>> checkpointOf(int64_t localId, const std::string& ns,
                                                              const std::string& name);
    // Claims the tables of the plans' streams for m_owner (or refuses them) and sets m_localId.
    Result<std::vector<std::string>> claimTables(const std::vector<StreamWritePlan>& plans);
    Status swapIn(StreamState& s);
    // The tables of a stream for inspection: those begin() chose for it; none when another connection owns
    // the ones it would get.
    Result<std::optional<SqliteTableLayout>> layoutOf(const ResolvedStream& stream);
    // "SQLite destination PATH: what: SQLite's message", with what to do when the disk is full or read-only.
    Error failure(const std::string& what, const std::string& cause) const;

    std::string m_path;
    Database m_db;
    DestinationOwner m_owner;
    int64_t m_localId = 0; // m_owner's number in this destination (its checkpoints), set by begin()
    std::vector<std::unique_ptr<StreamState>> m_streams;
    RecordStamper m_stamper;
    std::vector<RowStamp> m_stamps; // of the rows being written, reused
};

std::unique_ptr<Destination> makeSqliteDestination(const std::string& configJson);

} // namespace sluice::core
