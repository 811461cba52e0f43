#pragma once

#include "catalog/stream.h"
#include "catalog/value.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::core {

// The demo source's streams, in discovery order.
enum class DemoStream : uint8_t { Users, Products, Purchases };
inline constexpr DemoStream kDemoStreams[] = {DemoStream::Users, DemoStream::Products, DemoStream::Purchases};

// What happened to one id up to a version of the dataset.
struct DemoHistory {
    int64_t born = 0;     // the version that appended the id (0 for ids 1..count)
    int64_t content = 0;  // the version whose field values the record carries (born, or its last update)
    int64_t changed = 0;  // the version of its last change (append, update or deletion): gives updated_at
    bool deleted = false; // deleted at version `changed`: a tombstone with _ab_cdc_deleted_at
};

// The demo data: a pure function of (seed, count, churn) and a version, so any record of any version can be
// generated on its own (pages resume anywhere, two reads of the same version are identical).
//
// Version 0 holds ids 1..count. Each later version k changes every id that exists and is not deleted with
// probability `churn` (a fifth of those changes are deletions, the rest updates with new field values) and
// appends floor(count * churn / 2) new ids. A deleted id stays a tombstone (soft delete) in later versions.
//
// Timestamps never come from the clock: version k owns the week [base + k weeks, base + k + 1 weeks), where
// the base date derives from the seed, and a change at version k of id i is stamped inside that week in id
// order. So updated_at grows with (version of the last change, id), and every change of version k is later
// than every timestamp of the versions before it.
class DemoDataset {
public:
    DemoDataset(int64_t seed, int64_t count, double churn);

    static const char* name(DemoStream s);
    static std::optional<DemoStream> fromName(std::string_view name);
    // Columns in their stable order; every stream has id first and updated_at, _ab_cdc_deleted_at last.
    static const std::vector<Column>& columns(DemoStream s);
    static StreamInfo streamInfo(DemoStream s);
    static int updatedAtColumn(DemoStream s) { return static_cast<int>(columns(s).size()) - 2; }

    // Ids 1..idCount(version) exist at the version (deleted ones as tombstones).
    int64_t idCount(int64_t version) const;
    int64_t addedPerVersion() const { return m_added; }

    DemoHistory history(DemoStream s, int64_t id, int64_t version) const;
    // updated_at of a change made at `version` to `id`, in milliseconds since the epoch and as ISO-8601.
    int64_t changeTimeMs(int64_t version, int64_t id) const;
    std::string changeTime(int64_t version, int64_t id) const;
    // The ids of a version ordered by updated_at (the incremental read order).
    std::vector<int64_t> changeOrder(DemoStream s, int64_t version) const;

    // The record of `id` with the given history, in columns(s) order.
    std::vector<Value> values(DemoStream s, int64_t id, const DemoHistory& h) const;

    // A reproducible draw in [0, 1) for the simulated page failures.
    double failureRoll(DemoStream s, int64_t version, int64_t page, int64_t failures) const;

private:
    uint64_t key(DemoStream s, int64_t id, uint64_t salt) const;
    void users(int64_t id, const DemoHistory& h, std::vector<Value>& out) const;
    void products(int64_t id, const DemoHistory& h, std::vector<Value>& out) const;
    void purchases(int64_t id, const DemoHistory& h, std::vector<Value>& out) const;

    uint64_t m_seed;
    int64_t m_count;
    double m_churn;
    int64_t m_added;
    int64_t m_baseMs;
};

// UTC ISO-8601 with milliseconds ("2024-03-05T12:34:56.789Z"), without the C library.
std::string demoIsoTime(int64_t msSinceEpoch);

} // namespace sluice::core
