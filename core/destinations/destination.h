#pragma once

#include "catalog/stream.h"
#include "destinations/table_claims.h"
#include "util/result.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sluice::core {

// How one stream is written in this job (SPEC §3-§4).
struct StreamWritePlan {
    ResolvedStream stream;
    int64_t generation = 0;
    int64_t minimumGeneration = 0; // > 0: rows of older generations go when the stream completes
    int64_t syncId = 0;            // the job id, for _airbyte_meta
    bool clear = false;            // clear the stream (no read)
};

// A checkpoint written in the same transaction as the data it covers, so the engine can tell exactly
// what the destination holds after a crash.
struct DestinationCheckpoint {
    int64_t generation = 0;
    int64_t seq = 0;
    std::string stateJson;
};

// Rows of one stream waiting to be written, and the checkpoint that covers them (if any).
struct StreamBatch {
    size_t stream = 0; // index into the plans given to begin()
    std::vector<Row> rows;
    std::optional<DestinationCheckpoint> checkpoint;
};

struct GenerationCount {
    int64_t generation = 0;
    int64_t records = 0;
};

// A row as column name -> value, for inspection output.
using RowData = std::vector<std::pair<std::string, Value>>;

struct GenerationReport {
    std::vector<GenerationCount> stored;  // every delivered version still kept, per generation
    std::vector<GenerationCount> visible; // rows of the final table, per generation
    int64_t staleCount = 0;               // final rows whose key was not delivered in the current generation
    std::vector<RowData> staleRows;       // the first of them (capped)
};

struct ChangedField {
    std::string field;
    Value from, to;
};

struct ChangedRow {
    RowData key;
    std::vector<ChangedField> fields;
};

// count(*), sum and average of one numeric column over the rows of one generation.
struct GenerationAggregate {
    int64_t generation = 0;
    int64_t count = 0;
    double sum = 0;
    double average = 0;
};

struct GenerationDiff {
    // `deleted`: rows the source deleted softly (their `_ab_cdc_deleted_at` set in the later generation),
    // as they are there; neither added nor changed.
    std::vector<RowData> added, removed, deleted;
    std::vector<ChangedRow> changed;
};

// A destination connector. One instance per job attempt, used from one thread at a time: the sink calls
// write() on its writer thread while the source reads, and nothing else until that write returned.
class Destination {
public:
    virtual ~Destination() = default;
    virtual Status check() = 0;

    // Prepares every stream of the attempt: tables exist with the stream's columns, staging tables are
    // created, or reused when they belong to the same generation. Clear plans are carried out here.
    virtual Status begin(int64_t connectionId, const std::vector<StreamWritePlan>& plans) = 0;
    // Writes the batches and their checkpoints durably, all or nothing.
    virtual Status write(std::vector<StreamBatch>& batches) = 0;
    // The stream was read to its end: writes the batch's last rows and its (required) final checkpoint, swaps
    // staged data in and drops older generations, all in one transaction. A clear is a completion with no
    // rows.
    virtual Status completeStream(StreamBatch& finalBatch) = 0;
    // The last checkpoint stored with the data of a stream, if any.
    virtual Result<std::optional<DestinationCheckpoint>>
    lastCheckpoint(int64_t connectionId, const std::string& ns, const std::string& name) = 0;

    // Names the connection that writes and reads (makeDestinationFor does it): its tables are the ones it
    // claimed in the destination, named with its prefix (see planClaims); a table another connection owns
    // is refused by begin() with ErrorKind::Refused before anything is written.
    virtual void bindConnection(const DestinationOwner& owner) { (void)owner; }
    // Forgets that the bound connection owns its tables, and its checkpoints, for a deleted connection: the
    // tables keep their data and another connection may take them. Returns how many tables were released.
    virtual Result<int64_t> releaseTables() { return int64_t{0}; }

    // Inspection (generations, diff, GUI): per-generation row counts of what is queryable.
    // Per-generation counts and stale rows (keys not delivered in `currentGeneration`; needs a key).
    virtual Result<GenerationReport> generationReport(const ResolvedStream& stream, int64_t currentGeneration,
                                                      size_t maxStaleRows) = 0;
    // Rows added, removed and changed (by primary key) between two generations.
    virtual Result<GenerationDiff> diff(const ResolvedStream& stream, int64_t from, int64_t to) = 0;
    // Rows now in the stream's final table (what a refresh would re-import or remove).
    virtual Result<int64_t> rowCount(const ResolvedStream& stream) = 0;
    // Per generation: rows, and sum and average of a numeric column, over every version still stored (the
    // history of a dedupe stream, else the final table): the seed's `sum(total_sales)` per generation.
    virtual Result<std::vector<GenerationAggregate>> aggregate(const ResolvedStream& stream,
                                                               const std::string& column) {
        (void)stream, (void)column;
        return Error::refused("per-generation aggregates are not supported by this destination");
    }
};

Result<std::unique_ptr<Destination>> makeDestination(const std::string& type, const std::string& configJson);

} // namespace sluice::core
