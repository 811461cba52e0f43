#pragma once

#include "catalog/value.h"
#include "util/result.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace sluice::core {

// How far back an incremental sync re-reads below its saved cursor, for sources that deliver late updates:
// an ISO-8601 duration for date and timestamp cursors ("P3D", "PT12H", "P1DT12H", "P2W") or a number for
// numeric cursors (1000). The saved state keeps its meaning; only the read starts lower.
struct Lookback {
    enum class Kind { Duration, Number };
    Kind kind = Kind::Duration;
    int64_t seconds = 0;  // Duration
    double number = 0;    // Number
    bool integral = true; // Number: written without a fraction, so an integer cursor stays an integer
    std::string text;     // Duration as written, kept for the connection file

    bool operator==(const Lookback&) const = default;
    std::string describe() const; // "P3D", "1000"
};

// Howard Hinnant's civil calendar: days since 1970-01-01 to a proleptic Gregorian date, and back.
int64_t daysFromCivil(int64_t year, int month, int day);
void civilFromDays(int64_t days, int64_t& year, int& month, int& day);

// Seconds of an ISO-8601 duration: weeks, days, hours, minutes, seconds (years and months have no fixed
// length and are refused). The message says what is expected.
Result<int64_t> parseIsoDuration(std::string_view text);

// A date or timestamp in text as cursors hold them: YYYY-MM-DD, optionally followed by `T` or a space,
// HH:MM[:SS[.fraction]] and `Z` or an offset (+02:00, +0200, +02).
bool isTimeText(std::string_view text);

// The lower bound of a read that looks back from `cursor`: the cursor minus the lookback, in the cursor's
// own shape (a date stays a date, rounded down to whole days; a timestamp keeps its separator, precision
// and offset). An error says why this lookback cannot apply to this cursor value.
Result<Value> lookbackBound(const Value& cursor, const Lookback& lookback);

// Value::compare, except that two texts that are both dates or timestamps compare as instants (a date as its
// midnight, a time without offset as UTC): a backfill's `--from 2024-01-02T00:00:00Z` then selects a cursor
// written 2024-01-02T00:00:00.000000Z, which as text sorts before it.
int compareCursors(const Value& a, const Value& b);

// Why a lookback cannot apply to a cursor column of this type ("" when it can; string columns are checked
// against their values by lookbackBound). `cursor` names the field in the message.
std::string lookbackTypeProblem(const Lookback& lookback, ColumnType cursorType, const std::string& cursor);

} // namespace sluice::core
