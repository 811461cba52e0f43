#include "config/cron_expression.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <limits>
#include <span>
#include <vector>

namespace sluice::core {
namespace {

using namespace std::chrono;

constexpr std::string_view kMonthNames[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                            "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr std::string_view kDayNames[] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

// What one of the five fields accepts. Names, where a field has them, stand for min, min+1, ...
struct FieldSpec {
    std::string_view name; // as messages name the field
    int min;
    int max;     // the highest value the text may hold (7 for day-of-week, another Sunday)
    int starMax; // the highest value `*` and "a/s" reach: 6 for day-of-week, so Sunday is not listed twice
    std::span<const std::string_view> names;
    std::string_view namesHint; // completes "is not a number or ..." in messages
};

constexpr std::array<FieldSpec, 5> kFields = {{
    {"minute", 0, 59, 59, {}, {}},
    {"hour", 0, 23, 23, {}, {}},
    {"day-of-month", 1, 31, 31, {}, {}},
    {"month", 1, 12, 12, kMonthNames, "a month name (JAN-DEC)"},
    {"day-of-week", 0, 7, 6, kDayNames, "a day name (SUN-SAT)"},
}};

bool hasBit(uint64_t bits, unsigned n) {
    return (bits >> n) & 1U;
}

bool allOf(std::string_view s, int (*pred)(int)) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [pred](char c) { return pred(static_cast<unsigned char>(c)); });
}

std::string upper(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

// Digits to int; a number too large for int becomes INT_MAX, which every range check then refuses.
int toInt(std::string_view digits) {
    int value = 0;
    const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    return ec == std::errc{} ? value : std::numeric_limits<int>::max();
}

std::vector<std::string_view> split(std::string_view s, char sep) {
    std::vector<std::string_view> parts;
    size_t begin = 0;
    for (size_t i = 0; i <= s.size(); ++i) {
        if (i == s.size() || s[i] == sep) {
            parts.push_back(s.substr(begin, i - begin));
            begin = i + 1;
        }
    }
    return parts;
}

std::vector<std::string_view> splitWhitespace(std::string_view s) {
    std::vector<std::string_view> parts;
    size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i])))
            ++i;
        const size_t begin = i;
        while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i])))
            ++i;
        if (i > begin)
            parts.push_back(s.substr(begin, i - begin));
    }
    return parts;
}

// Parses one field into a bit set. Kept as a class so that every message carries the expression and the
// field without threading them through each helper.
class FieldParser {
public:
    FieldParser(std::string_view expression, const FieldSpec& spec)
        : m_expression(expression), m_spec(spec) {}

    Result<uint64_t> parse(std::string_view field) const {
        uint64_t bits = 0;
        for (std::string_view item : split(field, ',')) {
            if (item.empty())
                return fail("empty item in the list \"" + std::string(field) + "\"");
            auto itemBits = parseItem(item);
            if (!itemBits)
                return itemBits.error();
            bits |= *itemBits;
        }
        return bits;
    }

private:
    Result<uint64_t> parseItem(std::string_view item) const {
        const size_t slash = item.find('/');
        const std::string_view base = item.substr(0, slash);
        int step = 1;
        if (slash != std::string_view::npos) {
            const std::string_view stepText = item.substr(slash + 1);
            if (!allOf(stepText, ::isdigit))
                return fail("step \"" + std::string(stepText) + "\" in \"" + std::string(item) +
                            "\" is not a number");
            step = toInt(stepText);
            if (step < 1)
                return fail("step must be at least 1");
        }

        int low = 0;
        int high = 0;
        if (base == "*") {
            low = m_spec.min;
            high = m_spec.starMax;
        } else if (const size_t dash = base.find('-'); dash != std::string_view::npos) {
            auto first = parseValue(base.substr(0, dash), item);
            if (!first)
                return first.error();
            auto last = parseValue(base.substr(dash + 1), item);
            if (!last)
                return last.error();
            if (*first > *last)
                return fail("range \"" + std::string(base) +
                            "\" runs backwards (its start is after its end)");
            low = *first;
            high = *last;
        } else {
            auto value = parseValue(base, item);
            if (!value)
                return value.error();
            low = *value;
            // "a/s" means from a to the end of the field; a plain "a" is that value alone.
            high = slash == std::string_view::npos ? *value : std::max(*value, m_spec.starMax);
        }

        uint64_t bits = 0;
        // A step larger than the range is fine: it keeps the first value, as cron does.
        for (int64_t v = low; v <= high; v += step)
            bits |= uint64_t{1} << v;
        return bits;
    }

    Result<int> parseValue(std::string_view token, std::string_view item) const {
        if (token.empty())
            return fail("missing a value in \"" + std::string(item) + "\"");
        if (allOf(token, ::isdigit)) {
            const int value = toInt(token);
            if (value < m_spec.min || value > m_spec.max)
                return fail(std::string(token) + " is out of range " + std::to_string(m_spec.min) + "-" +
                            std::to_string(m_spec.max));
            return value;
        }
        if (!m_spec.names.empty()) {
            const std::string name = upper(token);
            for (size_t i = 0; i < m_spec.names.size(); ++i)
                if (m_spec.names[i] == name)
                    return m_spec.min + static_cast<int>(i);
            return fail("\"" + std::string(token) + "\" is not a number or " + std::string(m_spec.namesHint));
        }
        return fail("\"" + std::string(token) + "\" is not a number");
    }

    Error fail(const std::string& problem) const {
        return Error::invalid("cron expression \"" + std::string(m_expression) +
                              "\": " + std::string(m_spec.name) + " field: " + problem);
    }

    std::string_view m_expression;
    const FieldSpec& m_spec;
};

// The first minute of the day at or after `fromMinute` (minutes since midnight) allowed by both sets.
std::optional<int> firstTimeOfDay(uint64_t hours, uint64_t minutes, int fromMinute) {
    for (int h = fromMinute / 60; h < 24; ++h) {
        if (!hasBit(hours, static_cast<unsigned>(h)))
            continue;
        for (int m = (h == fromMinute / 60 ? fromMinute % 60 : 0); m < 60; ++m)
            if (hasBit(minutes, static_cast<unsigned>(m)))
                return h * 60 + m;
    }
    return std::nullopt;
}

} // namespace

Result<CronExpression> CronExpression::parse(std::string_view text) {
    const auto fields = splitWhitespace(text);
    if (fields.size() != kFields.size())
        return Error::invalid("cron expression \"" + std::string(text) +
                              "\": expected 5 fields (minute hour day-of-month month day-of-week), found " +
                              std::to_string(fields.size()));

    std::array<uint64_t, 5> bits{};
    for (size_t i = 0; i < kFields.size(); ++i) {
        auto parsed = FieldParser(text, kFields[i]).parse(fields[i]);
        if (!parsed)
            return parsed.error();
        bits[i] = *parsed;
    }

    CronExpression cron;
    cron.m_text = std::string(text);
    cron.m_minutes = bits[0];
    cron.m_hours = bits[1];
    cron.m_daysOfMonth = bits[2];
    cron.m_months = bits[3];
    // 7 is another name for Sunday: fold it onto 0 so that matching needs one bit per weekday.
    cron.m_daysOfWeek = (bits[4] | (bits[4] >> 7)) & 0x7F;
    cron.m_dayOfMonthStar = fields[2].front() == '*';
    cron.m_dayOfWeekStar = fields[4].front() == '*';
    return cron;
}

bool CronExpression::dayMatches(year_month_day date, weekday wd) const {
    const bool dom = hasBit(m_daysOfMonth, static_cast<unsigned>(date.day()));
    const bool dow = hasBit(m_daysOfWeek, wd.c_encoding());
    // A `*` field allows every day, so the other field alone decides; only when both are restricted does
    // either one suffice (crontab(5)).
    if (m_dayOfMonthStar || m_dayOfWeekStar)
        return dom && dow;
    return dom || dow;
}

bool CronExpression::matches(TimePoint t) const {
    const auto minute = floor<minutes>(t);
    const sys_days day = floor<days>(minute);
    const auto minuteOfDay = static_cast<unsigned>((minute - day).count());
    const year_month_day date{day};
    return hasBit(m_months, static_cast<unsigned>(date.month())) && dayMatches(date, weekday{day}) &&
           hasBit(m_hours, minuteOfDay / 60) && hasBit(m_minutes, minuteOfDay % 60);
}

std::optional<CronExpression::TimePoint> CronExpression::next(TimePoint after) const {
    // Minute resolution: the candidates start at the minute after the one `after` falls in, so a slot
    // that has just fired (after = its start, or a few seconds into it) is never returned again.
    const auto start = floor<minutes>(after) + minutes{1};
    sys_days day = floor<days>(start);
    int fromMinute = static_cast<int>((start - day).count());
    const sys_days limit = day + days{366 * kSearchYears};
    // Days past this one cannot be expressed as a TimePoint (year 2262 with nanosecond ticks).
    const sys_days lastRepresentable = floor<days>(TimePoint::max()) - days{1};

    while (day < limit && day < lastRepresentable) {
        const year_month_day date{day};
        if (!hasBit(m_months, static_cast<unsigned>(date.month()))) {
            // Skip the whole month: an impossible date ("0 0 30 2 *") then costs a few steps a year.
            day = sys_days{(year_month{date.year(), date.month()} + months{1}) / 1};
            fromMinute = 0;
            continue;
        }
        if (dayMatches(date, weekday{day})) {
            if (auto minuteOfDay = firstTimeOfDay(m_hours, m_minutes, fromMinute))
                return TimePoint{day + minutes{*minuteOfDay}};
        }
        day += days{1};
        fromMinute = 0;
    }
    return std::nullopt;
}

} // namespace sluice::core
