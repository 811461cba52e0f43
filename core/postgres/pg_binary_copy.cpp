#include "postgres/pg_binary_copy.h"

#include <bit>
#include <type_traits>

namespace sluice::core {

namespace {
// PostgreSQL's timestamps count microseconds from 2000-01-01 00:00:00 UTC.
constexpr int64_t kPgEpochUnixMillis = 946684800000;

template <typename T> void appendBigEndian(std::string& out, T v) {
    static_assert(std::is_unsigned_v<T>);
    char bytes[sizeof(T)];
    for (size_t i = 0; i < sizeof(T); ++i)
        bytes[i] = static_cast<char>(v >> (8 * (sizeof(T) - 1 - i)));
    out.append(bytes, sizeof(T));
}

void appendLength(std::string& out, int32_t n) {
    appendBigEndian(out, static_cast<uint32_t>(n));
}
} // namespace

void appendBinaryCopyHeader(std::string& out) {
    // The signature, then 32-bit flags (no OIDs) and the length of a header extension (none).
    static constexpr char kSignature[] = "PGCOPY\n\377\r\n";
    out.append(kSignature, sizeof kSignature); // with its terminating NUL, which the signature includes
    appendBigEndian(out, uint32_t{0});
    appendBigEndian(out, uint32_t{0});
}

void appendBinaryCopyTrailer(std::string& out) {
    appendBigEndian(out, static_cast<uint16_t>(-1));
}

void appendBinaryRowStart(std::string& out, int fields) {
    appendBigEndian(out, static_cast<uint16_t>(fields));
}

void appendBinaryText(std::string& out, std::string_view text) {
    appendLength(out, static_cast<int32_t>(text.size()));
    out.append(text);
}

void appendBinaryBigint(std::string& out, int64_t v) {
    appendLength(out, 8);
    appendBigEndian(out, static_cast<uint64_t>(v));
}

void appendBinaryJsonb(std::string& out, std::string_view json) {
    // jsonb's binary input is a format version (1) and the JSON text.
    appendLength(out, static_cast<int32_t>(json.size() + 1));
    out += '\1';
    out.append(json);
}

void appendBinaryTimestamptz(std::string& out, int64_t unixMillis) {
    appendBinaryBigint(out, (unixMillis - kPgEpochUnixMillis) * 1000);
}

void appendBinaryField(std::string& out, const Value& v) {
    switch (v.kind) {
    case Value::Kind::Null:
        appendLength(out, -1);
        return;
    case Value::Kind::Int:
        appendBinaryBigint(out, v.i);
        return;
    case Value::Kind::Real:
        appendLength(out, 8);
        appendBigEndian(out, std::bit_cast<uint64_t>(v.d));
        return;
    case Value::Kind::Bool:
        appendLength(out, 1);
        out += v.i ? '\1' : '\0';
        return;
    case Value::Kind::Text:
        appendBinaryText(out, v.s);
        return;
    case Value::Kind::Json:
        appendBinaryJsonb(out, v.s);
        return;
    }
}

} // namespace sluice::core
