#pragma once

#include "catalog/lookback.h"
#include "catalog/value.h"
#include "sources/source.h"

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::core {

uint64_t hashRecord(std::string_view bytes);
// hashRecord of a stable rendering of a row's values (kind and value of each), for CursorFilter::offer.
uint64_t hashValues(const std::vector<Value>& values);

// Incremental reads of the built-in sources (SPEC §2): a record passes when its cursor is above the saved
// maximum, or equal to it and not among the records already delivered at that maximum (so ties are never
// lost and an unchanged source yields no duplicates). Records with a NULL cursor pass only on a first read.
//
// State JSON: {"cursor": C, "boundary": [hashes at C], "position": P, "run_max": M, "run_boundary": [...]}
// where position/run_* exist only mid-read, so a later attempt resumes at P with the same lower bound.
//
// Two ways to read more than the state says, without changing what it means:
//   - a lookback (the stream's `lookback`): the read starts at the saved cursor minus the lookback; records
//     the state alone would have skipped pass and are marked re-read (lastWasReread);
//   - a backfill range: only records whose cursor is in [from, to] pass; the state's cursor is ignored.
class CursorFilter {
public:
    explicit CursorFilter(const std::string& stateJson);
    // The state, lookback and backfill range of the stream being read.
    explicit CursorFilter(const StreamReadSpec& spec);

    // Why the lookback cannot apply to the saved cursor ("" when it can): the read must stop with it.
    const std::string& problem() const { return m_problem; }
    // Where the read starts (records below it never pass): the saved cursor, lowered by a lookback, or the
    // start of a backfill range.
    bool hasLowerBound() const { return m_readFrom.has_value() || m_low.has_value(); }
    const std::optional<Value>& lowerBound() const { return m_readFrom ? m_readFrom : m_low; }
    // The last record offer() let pass is one the state alone would have skipped (a lookback re-read).
    bool lastWasReread() const { return m_lastReread; }
    // The synthetic position saved mid-read (JSON text), empty when the read starts from the beginning.
    const std::string& resumePosition() const { return m_position; }

    // Decides one record and tracks the running maximum. `recordHash` identifies the record's content.
    bool offer(const Value& cursor, uint64_t recordHash);

    // A mid-read checkpoint at `positionJson` (where the next read continues).
    std::string checkpoint(const std::string& positionJson) const;
    // The state once the whole stream was read.
    std::string finalState() const;

private:
    std::optional<Value> m_low; // the saved cursor
    std::optional<Value> m_readFrom;
    std::optional<CursorRange> m_range;
    std::string m_problem;
    bool m_lastReread = false;
    std::set<uint64_t> m_lowBoundary;
    std::optional<Value> m_runMax;
    std::set<uint64_t> m_runBoundary;
    std::string m_position;
};

// Value <-> JSON text for cursor values kept in state.
std::string cursorToJson(const Value& v);
std::optional<Value> cursorFromJson(const std::string& json);

} // namespace sluice::core
