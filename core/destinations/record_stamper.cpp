#include "destinations/record_stamper.h"

#include "util/time_util.h"

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

void RecordStamper::uuid(std::string& out) {
    static const char* hex = "0123456789abcdef";
    uint64_t a = next(), b = next();
    a = (a & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;
    b = (b & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;
    out.resize(36);
    int pos = 0;
    for (int i = 0; i < 16; ++i) {
        const uint64_t word = i < 8 ? a : b;
        const int shift = (7 - (i % 8)) * 8;
        const unsigned byte = static_cast<unsigned>((word >> shift) & 0xFF);
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[static_cast<size_t>(pos++)] = '-';
        out[static_cast<size_t>(pos++)] = hex[byte >> 4];
        out[static_cast<size_t>(pos++)] = hex[byte & 15];
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
