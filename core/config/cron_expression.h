#pragma once

#include "util/result.h"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::core {

// A standard 5-field cron expression, as in crontab(5): "minute hour day-of-month month day-of-week".
//
// Each field is a comma-separated list of items; an item is
//   *          every value of the field
//   n          one value
//   a-b        a range, both ends included
//   */s, a-b/s every s-th value of the whole field or of the range, starting at its first value
//   a/s        the same as a-max/s (a common extension: "0/15" is what Quartz users write for "*/15")
// Ranges  minute 0-59, hour 0-23, day-of-month 1-31, month 1-12 or JAN-DEC, day-of-week 0-7 or SUN-SAT
// (0 and 7 are both Sunday, so that "5-7" reads "Friday to Sunday"). Names are case-insensitive and are
// three letters, as crontab has them; a range may not wrap around ("SAT-MON" is refused, since cron
// implementations disagree on it and a silent guess would run syncs on the wrong days).
//
// Day-of-month and day-of-week follow the historical cron rule: when both are restricted, a day matches
// if EITHER matches ("0 0 1 * MON" runs on the 1st and on every Monday). A field counts as unrestricted
// when it starts with `*`, exactly as Vixie cron and cronie decide it, so that an expression copied from
// an existing crontab runs on the same days in Sluice.
//
// All times are UTC, at minute resolution: the scheduler compares them with job start times that the
// store keeps in UTC, and UTC has no daylight-saving gaps or repeated hours to special-case.
class CronExpression {
public:
    using TimePoint = std::chrono::system_clock::time_point;

    // How far next() looks ahead before declaring an expression impossible. The rarest possible match is a
    // leap day, 8 years apart across a skipped century leap year (2096 -> 2104); 30 years also covers a
    // leap day restricted to a weekday. Far beyond any sensible sync schedule, yet cheap: next() skips
    // whole months that cannot match.
    static constexpr int kSearchYears = 30;

    // Parses `text`; an error names the expression, the field and the offending token, e.g.
    //   cron expression "*/0 * * * *": minute field: step must be at least 1
    // The expression is validated fully here, so that next() cannot fail except for impossible dates.
    static Result<CronExpression> parse(std::string_view text);

    // The first matching minute strictly after `after`, or nullopt when none falls within kSearchYears
    // (an impossible date such as "0 0 30 2 *") or beyond what a time_point can hold.
    std::optional<TimePoint> next(TimePoint after) const;

    // Whether the minute containing `t` matches: lets callers and tests check a slot without searching.
    bool matches(TimePoint t) const;

    // The expression as it was given, for messages and the connection file.
    const std::string& text() const { return m_text; }

private:
    CronExpression() = default;

    bool dayMatches(std::chrono::year_month_day date, std::chrono::weekday wd) const;

    // One bit per allowed value (bit n = value n); 64 bits hold the largest field, minutes 0-59.
    uint64_t m_minutes = 0;
    uint64_t m_hours = 0;
    uint64_t m_daysOfMonth = 0; // bits 1-31
    uint64_t m_months = 0;      // bits 1-12
    uint64_t m_daysOfWeek = 0;  // bits 0-6, Sunday = 0 (a 7 in the text is folded onto 0)
    bool m_dayOfMonthStar = false;
    bool m_dayOfWeekStar = false;
    std::string m_text;
};

} // namespace sluice::core
