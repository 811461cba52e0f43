#include "util/utf8.h"

#include <cstdint>
#include <cstring>
#include <simdjson.h>

namespace sluice::core {

namespace {

using Byte = unsigned char;

// The length of the well-formed sequence at `p` (1 to 4), or 0 when it is ill-formed; then `subpart` is the
// length of its maximal subpart: the longest start of a well-formed sequence (at least the first byte).
// The ranges are Unicode's table 3-7; the narrowed second bytes of E0, ED, F0 and F4 are what excludes
// overlong forms, surrogates and code points above U+10FFFF.
size_t sequenceAt(const Byte* p, const Byte* end, size_t& subpart) {
    const Byte c = *p;
    if (c < 0x80)
        return 1;
    size_t length;
    Byte low = 0x80, high = 0xBF; // the range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
        length = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        length = 3;
        if (c == 0xE0)
            low = 0xA0;
        else if (c == 0xED)
            high = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        length = 4;
        if (c == 0xF0)
            low = 0x90;
        else if (c == 0xF4)
            high = 0x8F;
    } else {
        subpart = 1; // a continuation byte first, C0, C1 or F5..FF: never part of a sequence
        return 0;
    }
    for (size_t i = 1; i < length; ++i) {
        if (p + i >= end || p[i] < low || p[i] > high) {
            subpart = i;
            return 0;
        }
        low = 0x80;
        high = 0xBF;
    }
    return length;
}

// How many bytes from `p` are all ASCII, checked eight at a time (text is mostly ASCII).
size_t asciiRun(const Byte* p, const Byte* end) {
    const Byte* start = p;
    while (end - p >= 8) {
        uint64_t word;
        std::memcpy(&word, p, 8);
        if (word & 0x8080808080808080ULL)
            break;
        p += 8;
    }
    while (p < end && *p < 0x80)
        ++p;
    return static_cast<size_t>(p - start);
}

// The length of the well-formed start of `text`.
size_t validPrefix(std::string_view text) {
    const auto* begin = reinterpret_cast<const Byte*>(text.data());
    const auto* end = begin + text.size();
    const Byte* p = begin;
    while (p < end) {
        p += asciiRun(p, end);
        if (p == end)
            break;
        size_t subpart = 0;
        const size_t n = sequenceAt(p, end, subpart);
        if (n == 0)
            break;
        p += n;
    }
    return static_cast<size_t>(p - begin);
}

constexpr char kReplacement[] = "\xEF\xBF\xBD"; // U+FFFD REPLACEMENT CHARACTER

} // namespace

bool isValidUtf8(std::string_view text) {
    // simdjson's SIMD validator applies the same table (Unicode 3-7) about 8 times faster on accented text
    // than validPrefix, which matters: the engine checks every text cell it is given.
    return simdjson::validate_utf8(text.data(), text.size());
}

bool repairUtf8(std::string& text, std::vector<size_t>* replacedAt) {
    const size_t valid = validPrefix(text);
    if (valid == text.size())
        return false;
    std::string out;
    out.reserve(text.size() + 16);
    out.append(text, 0, valid);
    const auto* p = reinterpret_cast<const Byte*>(text.data()) + valid;
    const auto* end = reinterpret_cast<const Byte*>(text.data()) + text.size();
    while (p < end) {
        const size_t ascii = asciiRun(p, end);
        out.append(reinterpret_cast<const char*>(p), ascii);
        p += ascii;
        if (p == end)
            break;
        size_t subpart = 0;
        const size_t n = sequenceAt(p, end, subpart);
        if (n) {
            out.append(reinterpret_cast<const char*>(p), n);
            p += n;
            continue;
        }
        if (replacedAt)
            replacedAt->push_back(out.size());
        out += kReplacement;
        p += subpart;
    }
    text = std::move(out);
    return true;
}

std::string toValidUtf8(std::string_view text) {
    std::string out(text);
    repairUtf8(out);
    return out;
}

} // namespace sluice::core
