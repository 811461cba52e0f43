#pragma once

#include "catalog/stream.h"
#include "config/connection_config.h"
#include "destinations/destination.h"
#include "util/sqlite_db.h"

#include <optional>
#include <string>
#include <vector>

namespace sluice::core {

struct GenerationEntry {
    int64_t generation = 0;
    int64_t records = 0;        // every delivered version still stored
    int64_t visibleRecords = 0; // rows of the final table
    std::optional<int64_t> jobId;
    std::string reason; // empty when Sluice's database has no record of it
    std::string createdAt;
};

// One stream's generations as `sluicectl generations` and the GUI's inspector show them: Sluice's records
// of each generation joined with the destination's counts, and the stale rows.
struct GenerationListing {
    ResolvedStream stream;
    std::optional<int64_t> current;
    std::vector<GenerationEntry> generations; // by generation id
    int64_t staleCount = 0;
    std::vector<RowData> staleRows;
};

Result<GenerationListing> listGenerations(Database& store, const ConnectionConfig& connection,
                                          const std::string& stream, size_t maxStaleRows);

} // namespace sluice::core
