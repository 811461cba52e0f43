#include "sources/demo/demo_dataset.h"

#include "catalog/lookback.h"
#include "sources/demo/demo_random.h"

#include <algorithm>
#include <cmath>

namespace sluice::core {

using demo::combine;
using demo::mix64;
using demo::unitOf;

namespace {
constexpr int64_t kDayMs = 86'400'000;
constexpr int64_t kVersionMs = 7 * kDayMs;      // each version owns one week of timestamps
constexpr int64_t kEpoch2024Ms = 1704067200000; // 2024-01-01T00:00:00Z
constexpr double kDeleteShare = 0.2;            // share of the changes of a version that are deletions

// Salts that keep the independent draws of one id apart.
constexpr uint64_t kSaltChurn = 0x6368726eULL;
constexpr uint64_t kSaltDelete = 0x64656c65ULL;
constexpr uint64_t kSaltFailure = 0x6661696cULL;

std::vector<Column> makeColumns(DemoStream s) {
    using T = ColumnType;
    switch (s) {
    case DemoStream::Users:
        return {{"id", T::Integer},
                {"name", T::String},
                {"email", T::String},
                {"age", T::Integer},
                {"address", T::Json},
                {"tags", T::Json},
                {"is_active", T::Boolean},
                {"score", T::Number},
                {"created_at", T::String},
                {"updated_at", T::String},
                {"_ab_cdc_deleted_at", T::String}};
    case DemoStream::Products:
        return {{"id", T::Integer},        {"name", T::String},
                {"category", T::String},   {"price", T::Number},
                {"in_stock", T::Boolean},  {"attributes", T::Json},
                {"updated_at", T::String}, {"_ab_cdc_deleted_at", T::String}};
    case DemoStream::Purchases:
        return {{"id", T::Integer},          {"user_id", T::Integer},   {"product_id", T::Integer},
                {"quantity", T::Integer},    {"total", T::Number},      {"status", T::String},
                {"purchased_at", T::String}, {"updated_at", T::String}, {"_ab_cdc_deleted_at", T::String}};
    }
    return {};
}

void put2(char* p, int v) {
    p[0] = static_cast<char>('0' + v / 10);
    p[1] = static_cast<char>('0' + v % 10);
}
} // namespace

std::string demoIsoTime(int64_t ms) {
    const int64_t days = ms >= 0 ? ms / kDayMs : -((-ms + kDayMs - 1) / kDayMs);
    int64_t rest = ms - days * kDayMs;
    int64_t y = 0;
    int m = 0, d = 0;
    civilFromDays(days, y, m, d);

    std::string out(24, '\0');
    char* p = out.data();
    const int year = static_cast<int>(std::clamp<int64_t>(y, 0, 9999));
    put2(p, year / 100);
    put2(p + 2, year % 100);
    p[4] = '-';
    put2(p + 5, m);
    p[7] = '-';
    put2(p + 8, d);
    p[10] = 'T';
    put2(p + 11, static_cast<int>(rest / 3'600'000));
    p[13] = ':';
    put2(p + 14, static_cast<int>(rest / 60'000 % 60));
    p[16] = ':';
    put2(p + 17, static_cast<int>(rest / 1000 % 60));
    p[19] = '.';
    const int millis = static_cast<int>(rest % 1000);
    p[20] = static_cast<char>('0' + millis / 100);
    put2(p + 21, millis % 100);
    p[23] = 'Z';
    return out;
}

DemoDataset::DemoDataset(int64_t seed, int64_t count, double churn)
    : m_seed(mix64(static_cast<uint64_t>(seed))), m_count(std::max<int64_t>(count, 0)),
      m_churn(std::clamp(churn, 0.0, 1.0)),
      m_added(static_cast<int64_t>(std::floor(static_cast<double>(m_count) * m_churn / 2.0))),
      m_baseMs(kEpoch2024Ms + static_cast<int64_t>(m_seed % 366) * kDayMs) {}

const char* DemoDataset::name(DemoStream s) {
    switch (s) {
    case DemoStream::Users:
        return "users";
    case DemoStream::Products:
        return "products";
    case DemoStream::Purchases:
        return "purchases";
    }
    return "";
}

std::optional<DemoStream> DemoDataset::fromName(std::string_view name) {
    for (DemoStream s : kDemoStreams)
        if (name == DemoDataset::name(s))
            return s;
    return std::nullopt;
}

const std::vector<Column>& DemoDataset::columns(DemoStream s) {
    static const std::vector<Column> all[] = {makeColumns(DemoStream::Users),
                                              makeColumns(DemoStream::Products),
                                              makeColumns(DemoStream::Purchases)};
    return all[static_cast<int>(s)];
}

StreamInfo DemoDataset::streamInfo(DemoStream s) {
    StreamInfo info;
    info.name = name(s);
    info.columns = columns(s);
    info.supportedSyncModes = {SyncMode::FullRefresh, SyncMode::Incremental};
    info.sourceDefinedCursor = true;
    info.defaultCursorField = {"updated_at"};
    info.sourceDefinedPrimaryKey = {{"id"}};
    info.isResumable = true;
    return info;
}

int64_t DemoDataset::idCount(int64_t version) const {
    return m_count + std::max<int64_t>(version, 0) * m_added;
}

uint64_t DemoDataset::key(DemoStream s, int64_t id, uint64_t salt) const {
    return combine(combine(combine(m_seed, static_cast<uint64_t>(s) + 1), static_cast<uint64_t>(id)), salt);
}

DemoHistory DemoDataset::history(DemoStream s, int64_t id, int64_t version) const {
    DemoHistory h;
    if (id > m_count && m_added > 0)
        h.born = (id - m_count - 1) / m_added + 1;
    h.content = h.changed = h.born;
    if (m_churn <= 0)
        return h;
    const uint64_t idKey = key(s, id, kSaltChurn);
    for (int64_t k = h.born + 1; k <= version; ++k) {
        const uint64_t stepKey = combine(idKey, static_cast<uint64_t>(k));
        if (unitOf(stepKey) >= m_churn)
            continue;
        h.changed = k;
        if (unitOf(stepKey ^ kSaltDelete) < kDeleteShare) {
            h.deleted = true;
            break;
        }
        h.content = k;
    }
    return h;
}

int64_t DemoDataset::changeTimeMs(int64_t version, int64_t id) const {
    // Strictly increasing in id within the week as long as a version holds fewer ids than milliseconds in
    // a week (604,800,000); non-decreasing beyond. (id * kVersionMs fits 64 bits up to 3e10 ids.)
    const uint64_t span = static_cast<uint64_t>(idCount(version)) + 1;
    const uint64_t offset = static_cast<uint64_t>(id) * static_cast<uint64_t>(kVersionMs) / span;
    return m_baseMs + version * kVersionMs + static_cast<int64_t>(offset);
}

std::string DemoDataset::changeTime(int64_t version, int64_t id) const {
    return demoIsoTime(changeTimeMs(version, id));
}

std::vector<int64_t> DemoDataset::changeOrder(DemoStream s, int64_t version) const {
    const int64_t n = idCount(version);
    std::vector<int64_t> order(static_cast<size_t>(n));
    if (m_churn <= 0 || version <= 0) {
        for (int64_t id = 1; id <= n; ++id)
            order[static_cast<size_t>(id - 1)] = id;
        return order;
    }
    // A counting sort by the version of the last change; ids stay ascending inside each version.
    std::vector<int64_t> changed(static_cast<size_t>(n));
    std::vector<size_t> start(static_cast<size_t>(version) + 2, 0);
    for (int64_t id = 1; id <= n; ++id) {
        changed[static_cast<size_t>(id - 1)] = history(s, id, version).changed;
        ++start[static_cast<size_t>(changed[static_cast<size_t>(id - 1)]) + 1];
    }
    for (size_t k = 1; k < start.size(); ++k)
        start[k] += start[k - 1];
    for (int64_t id = 1; id <= n; ++id)
        order[start[static_cast<size_t>(changed[static_cast<size_t>(id - 1)])]++] = id;
    return order;
}

double DemoDataset::failureRoll(DemoStream s, int64_t version, int64_t page, int64_t failures) const {
    const uint64_t k = combine(combine(key(s, 0, kSaltFailure), static_cast<uint64_t>(version)),
                               static_cast<uint64_t>(page));
    return unitOf(combine(k, static_cast<uint64_t>(failures)));
}

std::vector<Value> DemoDataset::values(DemoStream s, int64_t id, const DemoHistory& h) const {
    std::vector<Value> out;
    out.reserve(columns(s).size());
    switch (s) {
    case DemoStream::Users:
        users(id, h, out);
        break;
    case DemoStream::Products:
        products(id, h, out);
        break;
    case DemoStream::Purchases:
        purchases(id, h, out);
        break;
    }
    Value updated = Value::text(changeTime(h.changed, id));
    Value deleted = h.deleted ? updated : Value::null();
    out.push_back(std::move(updated));
    out.push_back(std::move(deleted));
    return out;
}

} // namespace sluice::core
