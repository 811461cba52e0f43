#pragma once

#include "sources/demo/demo_dataset.h"
#include "sources/source.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace sluice::core {

// The `demo` source's configuration (SPEC §7), with the spec's defaults.
struct DemoConfig {
    int64_t count = 1000; // records per stream at version 0
    int64_t seed = 0;
    double churn = 0.0;                      // share of the records changed by each new version
    std::optional<int64_t> failAfterRecords; // fail every read once it emitted this many records
    double failProbability = 0.0;            // chance that a page fails
    int64_t pageSize = 1000;
    int64_t delayMs = 0; // sleep before each page
};

// Parses the configuration object (unknown keys are ignored, missing ones take the defaults).
Result<DemoConfig> parseDemoConfig(const std::string& configJson);
// The knobs' ranges; the message names the offending key.
Status validateDemoConfig(const DemoConfig& config);

// A seeded, deterministic generator for local demos and benchmarks: streams users, products and purchases,
// with the source-defined cursor updated_at and primary key id (see DemoDataset for the data itself).
//
// Versions and state. A stream's data is a pure function of (seed, count, churn, version). The version is
// kept in the stream's state: a read delivers the version its state names (0 when the state is empty) and
// its final state names the next one. So:
//   - full refresh: mid-read states are {"version": v, "page": p} (plus "offset": k after a mid-page
//     checkpoint and "failures": n after simulated page failures) and the final state is {"version": v + 1}.
//     The engine resets full-refresh states at each new job, so every job reads version 0 again (the same
//     records every job); a later attempt of the same job resumes at the saved page of the same version.
//   - incremental: the state is CursorFilter's ({"cursor", "boundary", and mid-read "position", "run_max",
//     "run_boundary"}) plus "version"; the position is {"page": p} (with "offset"/"failures" as above). The
//     n-th sync of a stream reads version n - 1, so it delivers exactly what changed since the sync before:
//     updated records, tombstones of deleted ones (_ab_cdc_deleted_at set) and appended ones.
// Pages are slices of page_size records: by id (full refresh), or by updated_at from the saved cursor on
// (incremental). A state follows each page and every checkpointInterval records.
//
// Simulated failures. fail_after_records: a read fails (transient) when it is about to emit record N + 1
// (counted over all its streams), without a state, so the records after the last state come again. With
// fail_probability a page fails before its first record; the failure first emits a state that counts the
// page's failures, which seeds the next roll: a retry rolls again and makes progress, and the sequence of
// failures is reproducible.
class DemoSource : public Source {
public:
    explicit DemoSource(DemoConfig config);

    const DemoConfig& config() const { return m_config; }

    Status check() override;
    Result<std::vector<StreamInfo>> discover() override;
    Status read(const ReadRequest& request, RecordSink& sink) override;

private:
    friend std::unique_ptr<Source> makeDemoSource(const std::string& configJson);
    struct ReadContext;
    Status readStream(size_t index, const StreamReadSpec& spec, ReadContext& ctx);

    DemoConfig m_config;
    DemoDataset m_data;
    Status m_configStatus;
};

// The source for a configuration object (validated, defaults filled); a bad configuration makes check()
// and read() fail with a configuration error.
std::unique_ptr<Source> makeDemoSource(const std::string& configJson);

} // namespace sluice::core
