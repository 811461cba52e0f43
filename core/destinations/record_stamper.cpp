#include "destinations/record_stamper.h"

#include "util/time_util.h"

#include <cstring>
#include <nlohmann/json.hpp>
#include <random>

namespace sluice::core {

RecordStamper::RecordStamper() {
    std::random_device rd;
    for (auto& s : m_s)
        s = (static_cast<uint64_t>(rd()) << 32) ^ rd() ^ 0x9E3779B97F4A7C15ULL;
}

uint64_t RecordStamper::next() {
    // xoshiro256**: raw ids need uniqueness, not secrecy.
    auto rotl = [](uint64_t x, int k) { return (x << k) | (x >> (64 - k)); };
    const uint64_t result = rotl(m_s[1] * 5, 7) * 9;
    const uint64_t t = m_s[1] << 17;
    m_s[2] ^= m_s[0];
    m_s[3] ^= m_s[1];
    m_s[1] ^= m_s[2];
    m_s[0] ^= m_s[3];
    m_s[2] ^= t;
    m_s[3] = rotl(m_s[3], 45);
    return result;
}

namespace {
// Two hex digits per byte from one table lookup: the raw id is made for every record.
struct HexPairs {
    char digits[256][2];
    constexpr HexPairs() : digits() {
        const char* hex = "0123456789abcdef";
        for (int b = 0; b < 256; ++b) {
            digits[b][0] = hex[b >> 4];
            digits[b][1] = hex[b & 15];
        }
    }
};
constexpr HexPairs kHexPairs;
} // namespace

void RecordStamper::uuid(std::string& out) {
    uint64_t a = next(), b = next();
    a = (a & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;
    b = (b & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;
    // Where each of the 16 bytes' two digits go in xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx.
    static constexpr uint8_t kAt[16] = {0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34};
    out.resize(36);
    char* p = out.data();
    p[8] = p[13] = p[18] = p[23] = '-';
    for (int i = 0; i < 8; ++i) {
        std::memcpy(p + kAt[i], kHexPairs.digits[(a >> (56 - 8 * i)) & 0xFF], 2);
        std::memcpy(p + kAt[8 + i], kHexPairs.digits[(b >> (56 - 8 * i)) & 0xFF], 2);
    }
}

const std::string& RecordStamper::extractedAt(int64_t millis) {
    if (millis != m_lastMillis) {
        m_lastMillis = millis;
        m_lastIso = isoUtc(SystemClock::time_point(std::chrono::milliseconds(millis)));
    }
    return m_lastIso;
}

const std::string& RecordStamper::meta(int64_t syncId, const Row& row) {
    if (syncId != m_metaSyncId) {
        m_metaSyncId = syncId;
        m_plainMeta = "{\"sync_id\":" + std::to_string(syncId) + ",\"changes\":[]}";
    }
    if (row.changes.empty())
        return m_plainMeta;
    nlohmann::json changes = nlohmann::json::array();
    for (const auto& c : row.changes)
        changes.push_back({{"field", c.field}, {"change", c.change}, {"reason", c.reason}});
    m_changedMeta = "{\"sync_id\":" + std::to_string(syncId) + ",\"changes\":" + changes.dump() + "}";
    return m_changedMeta;
}

} // namespace sluice::core
