#include "catalog/lookback.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <optional>
#include <utility>

namespace sluice::core {

namespace {

constexpr int64_t kDay = 86400;
} // namespace

int64_t daysFromCivil(int64_t y, int m, int d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int64_t yoe = y - era * 400;
    const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void civilFromDays(int64_t z, int64_t& y, int& m, int& d) {
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const int64_t doe = z - era * 146097;
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int64_t mp = (5 * doy + 2) / 153;
    d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
    m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
    y = yoe + era * 400 + (m <= 2);
}

namespace {

bool isLeap(int64_t y) {
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int daysInMonth(int64_t y, int m) {
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && isLeap(y) ? 29 : days[m - 1];
}

// A time cursor taken apart, so that the bound can be written back in the same shape.
struct TimeText {
    int64_t year = 0;
    int month = 0, day = 0, hour = 0, minute = 0, second = 0;
    bool hasTime = false, hasSeconds = false;
    char separator = 'T';
    std::string fraction; // ".123" as written, or empty
    std::string zone;     // "Z", "+02:00", ... as written, or empty
};

bool digits(std::string_view s, size_t at, size_t n, int& out) {
    if (at + n > s.size())
        return false;
    out = 0;
    for (size_t i = at; i < at + n; ++i) {
        if (!std::isdigit(static_cast<unsigned char>(s[i])))
            return false;
        out = out * 10 + (s[i] - '0');
    }
    return true;
}

bool validZone(std::string_view z) {
    if (z.empty() || z == "Z" || z == "z")
        return true;
    if (z[0] != '+' && z[0] != '-')
        return false;
    int h = 0, m = 0;
    if (z.size() == 3)
        return digits(z, 1, 2, h) && h <= 23;
    if (z.size() == 5)
        return digits(z, 1, 2, h) && digits(z, 3, 2, m) && h <= 23 && m <= 59;
    if (z.size() == 6)
        return z[3] == ':' && digits(z, 1, 2, h) && digits(z, 4, 2, m) && h <= 23 && m <= 59;
    return false;
}

std::optional<TimeText> parseTime(std::string_view s) {
    TimeText t;
    int y = 0;
    if (!digits(s, 0, 4, y) || s.size() < 10 || s[4] != '-' || s[7] != '-' || !digits(s, 5, 2, t.month) ||
        !digits(s, 8, 2, t.day))
        return std::nullopt;
    t.year = y;
    if (t.month < 1 || t.month > 12 || t.day < 1 || t.day > daysInMonth(t.year, t.month))
        return std::nullopt;
    size_t at = 10;
    if (at < s.size() && (s[at] == 'T' || s[at] == 't' || s[at] == ' ')) {
        t.separator = s[at];
        if (!digits(s, at + 1, 2, t.hour) || at + 3 >= s.size() || s[at + 3] != ':' ||
            !digits(s, at + 4, 2, t.minute) || t.hour > 23 || t.minute > 59)
            return std::nullopt;
        t.hasTime = true;
        at += 6;
        if (at < s.size() && s[at] == ':') {
            if (!digits(s, at + 1, 2, t.second) || t.second > 60)
                return std::nullopt;
            t.hasSeconds = true;
            at += 3;
            if (at < s.size() && (s[at] == '.' || s[at] == ',')) {
                size_t end = at + 1;
                while (end < s.size() && std::isdigit(static_cast<unsigned char>(s[end])))
                    ++end;
                if (end == at + 1)
                    return std::nullopt;
                t.fraction = std::string(s.substr(at, end - at));
                at = end;
            }
        }
        t.zone = std::string(s.substr(at));
        if (!validZone(t.zone))
            return std::nullopt;
    } else if (at != s.size()) {
        return std::nullopt;
    }
    return t;
}

std::string formatTime(const TimeText& t) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04lld-%02d-%02d", static_cast<long long>(t.year), t.month, t.day);
    std::string out = buf;
    if (!t.hasTime)
        return out;
    std::snprintf(buf, sizeof buf, "%c%02d:%02d", t.separator, t.hour, t.minute);
    out += buf;
    if (t.hasSeconds) {
        std::snprintf(buf, sizeof buf, ":%02d", t.second);
        out += buf;
        out += t.fraction;
    }
    return out + t.zone;
}

const char* kDurationHelp = "expected an ISO-8601 duration such as P3D, PT12H, PT30M, P1DT12H or P2W";

} // namespace

std::string Lookback::describe() const {
    if (kind == Kind::Duration)
        return text;
    if (integral)
        return std::to_string(static_cast<int64_t>(number));
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", number);
    return buf;
}

Result<int64_t> parseIsoDuration(std::string_view text) {
    const std::string shown = "`" + std::string(text) + "`";
    if (text.size() < 3 || (text[0] != 'P' && text[0] != 'p'))
        return Error::invalid(shown + " is not an ISO-8601 duration (" + kDurationHelp + ")");
    int64_t total = 0;
    bool inTime = false, any = false;
    std::string seen;
    size_t i = 1;
    while (i < text.size()) {
        const char c = static_cast<char>(std::toupper(static_cast<unsigned char>(text[i])));
        if (c == 'T') {
            if (inTime || i + 1 == text.size())
                return Error::invalid(shown + " is not an ISO-8601 duration (" + kDurationHelp + ")");
            inTime = true;
            ++i;
            continue;
        }
        size_t end = i;
        while (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end])))
            ++end;
        if (end == i || end == text.size() || end - i > 9)
            return Error::invalid(shown + " is not an ISO-8601 duration (" + kDurationHelp + ")");
        const int64_t n = std::stoll(std::string(text.substr(i, end - i)));
        const char unit = static_cast<char>(std::toupper(static_cast<unsigned char>(text[end])));
        const std::string key = std::string(inTime ? "T" : "") + unit;
        if ((unit == 'Y' || unit == 'M') && !inTime)
            return Error::invalid(shown +
                                  ": years and months have no fixed length; give the lookback in days "
                                  "or weeks (for example P30D)");
        int64_t scale = 0;
        if (!inTime && unit == 'W')
            scale = 7 * kDay;
        else if (!inTime && unit == 'D')
            scale = kDay;
        else if (inTime && unit == 'H')
            scale = 3600;
        else if (inTime && unit == 'M')
            scale = 60;
        else if (inTime && unit == 'S')
            scale = 1;
        // Each unit once and in order (W, D, then H, M, S), as ISO-8601 writes them.
        static const std::string order = "WDTHTMTS";
        const size_t pos = order.find(key);
        if (scale == 0 || pos == std::string::npos || (!seen.empty() && order.find(seen) >= pos))
            return Error::invalid(shown + " is not an ISO-8601 duration (" + kDurationHelp + ")");
        seen = key;
        total += n * scale;
        any = true;
        i = end + 1;
    }
    if (!any)
        return Error::invalid(shown + " is not an ISO-8601 duration (" + kDurationHelp + ")");
    return total;
}

bool isTimeText(std::string_view text) {
    return parseTime(text).has_value();
}

Result<Value> lookbackBound(const Value& cursor, const Lookback& lb) {
    const bool numeric = cursor.kind == Value::Kind::Int || cursor.kind == Value::Kind::Real ||
                         cursor.kind == Value::Kind::Bool;
    if (lb.kind == Lookback::Kind::Number) {
        if (!numeric)
            return Error::invalid("a number lookback needs a numeric cursor, but the saved cursor is " +
                                  cursor.toJson() +
                                  "; use an ISO-8601 duration such as P3D for dates and "
                                  "timestamps");
        if (cursor.kind == Value::Kind::Real || !lb.integral)
            return Value::real((cursor.kind == Value::Kind::Real ? cursor.d : static_cast<double>(cursor.i)) -
                               lb.number);
        return Value::integer(cursor.i - static_cast<int64_t>(lb.number));
    }
    if (numeric)
        return Error::invalid("lookback `" + lb.text + "` is a duration, but the saved cursor " +
                              cursor.toJson() +
                              " is a number; give the lookback as a number (for example 1000)");
    auto t = cursor.kind == Value::Kind::Text ? parseTime(cursor.s) : std::nullopt;
    if (!t)
        return Error::invalid("lookback `" + lb.text +
                              "` needs a date or timestamp cursor, but the saved "
                              "cursor " +
                              cursor.toJson() +
                              " is neither (expected e.g. 2024-05-01 or "
                              "2024-05-01T12:00:00Z)");
    int64_t days = daysFromCivil(t->year, t->month, t->day);
    if (!t->hasTime) {
        // A date cannot hold part of a day: the bound goes down to the whole day, re-reading a little more.
        days -= (lb.seconds + kDay - 1) / kDay;
    } else {
        int64_t secs = days * kDay + t->hour * 3600 + t->minute * 60 + std::min(t->second, 59) - lb.seconds;
        days = secs >= 0 ? secs / kDay : -((-secs + kDay - 1) / kDay);
        int64_t rest = secs - days * kDay;
        t->hour = static_cast<int>(rest / 3600);
        t->minute = static_cast<int>(rest % 3600 / 60);
        t->second = static_cast<int>(rest % 60);
        if (!t->hasSeconds && t->second != 0) { // HH:MM cannot say it: round down to the minute
            t->second = 0;
        }
    }
    civilFromDays(days, t->year, t->month, t->day);
    if (t->year < 0 || t->year > 9999)
        return Error::invalid("lookback `" + lb.text + "` goes before the year 0 from the saved cursor " +
                              cursor.toJson());
    return Value::text(formatTime(*t));
}

namespace {
// Seconds since 1970 (UTC) and the fraction's digits padded to 9, for ordering.
std::pair<int64_t, std::string> instant(const TimeText& t) {
    int64_t secs = daysFromCivil(t.year, t.month, t.day) * kDay + t.hour * 3600 + t.minute * 60 + t.second;
    if (!t.zone.empty() && t.zone != "Z" && t.zone != "z") {
        int h = 0, m = 0;
        digits(t.zone, 1, 2, h);
        if (t.zone.size() == 5)
            digits(t.zone, 3, 2, m);
        else if (t.zone.size() == 6)
            digits(t.zone, 4, 2, m);
        const int64_t offset = h * 3600 + m * 60;
        secs += t.zone[0] == '+' ? -offset : offset;
    }
    std::string fraction = t.fraction.empty() ? std::string() : t.fraction.substr(1);
    fraction.resize(9, '0');
    return {secs, fraction};
}
} // namespace

int compareCursors(const Value& a, const Value& b) {
    if (a.kind == Value::Kind::Text && b.kind == Value::Kind::Text) {
        const auto ta = parseTime(a.s), tb = parseTime(b.s);
        if (ta && tb) {
            const auto ia = instant(*ta), ib = instant(*tb);
            return ia < ib ? -1 : (ib < ia ? 1 : 0);
        }
    }
    return a.compare(b);
}

std::string lookbackTypeProblem(const Lookback& lb, ColumnType type, const std::string& cursor) {
    const bool numeric = type == ColumnType::Integer || type == ColumnType::Number;
    if (lb.kind == Lookback::Kind::Duration && numeric)
        return "lookback `" + lb.text + "` is a duration, but cursor `" + cursor +
               "` is numeric; give the lookback as a number (for example 1000)";
    if (lb.kind == Lookback::Kind::Number && !numeric)
        return "lookback " + lb.describe() + " is a number, but cursor `" + cursor + "` is not numeric" +
               (type == ColumnType::String ? "; use an ISO-8601 duration such as P3D for a date or timestamp"
                                             " cursor"
                                           : "");
    if (type == ColumnType::Boolean || type == ColumnType::Json)
        return "cursor `" + cursor + "` is " + std::string(toString(type)) + ", which cannot be looked back";
    return "";
}

} // namespace sluice::core
