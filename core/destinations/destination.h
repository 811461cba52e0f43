#pragma once

#include "catalog/stream.h"
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

// A destination connector. One instance per job attempt, used from one thread.
class Destination {
public:
    virtual ~Destination() = default;
    virtual Status check() = 0;

    // Prepares every stream of the attempt: tables exist with the stream's columns, staging tables are
    // created, or reused when they belong to the same generation. Clear plans are carried out here.
    virtual Status begin(int64_t connectionId, const std::vector<StreamWritePlan>& plans) = 0;
    // Writes the batches and their checkpoints durably, all or nothing.
    virtual Status write(std::vector<StreamBatch>& batches) = 0;
    // The stream was read to its end: swap staged data in and drop older generations (atomically).
    virtual Status completeStream(size_t stream, const DestinationCheckpoint& finalCheckpoint) = 0;
    // The last checkpoint stored with the data of a stream, if any.
    virtual Result<std::optional<DestinationCheckpoint>> lastCheckpoint(int64_t connectionId, const std::string& ns,
                                                                        const std::string& name) = 0;

    // Inspection (generations, diff, GUI): per-generation row counts of what is queryable.
    virtual Result<std::vector<GenerationCount>> generationCounts(const std::string& ns, const std::string& name) = 0;
    virtual Result<int64_t> rowCount(const std::string& ns, const std::string& name) = 0;
};

Result<std::unique_ptr<Destination>> makeDestination(const std::string& type, const std::string& configJson);

} // namespace sluice::core
