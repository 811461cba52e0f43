#include "sources/demo/demo_source.h"

#include "sources/cursor_filter.h"

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

namespace sluice::core {

using nlohmann::json;

namespace {
// Where a read continues: page `page` of the stream's ordered records, `offset` records into it, after
// `failures` simulated failures of that page.
struct Position {
    int64_t version = 0;
    int64_t page = 0;
    int64_t offset = 0;
    int64_t failures = 0;
};

json pagePart(const Position& p) {
    json j = {{"page", p.page}};
    if (p.offset > 0)
        j["offset"] = p.offset;
    if (p.failures > 0)
        j["failures"] = p.failures;
    return j;
}

int64_t nonNegative(const json& obj, const char* key) {
    if (!obj.is_object() || !obj.contains(key) || !obj[key].is_number_integer())
        return 0;
    return std::max<int64_t>(obj[key].get<int64_t>(), 0);
}

// The version and position of a stream's state (see DemoSource for the two formats).
Result<Position> parseState(const std::string& stateJson, bool incremental) {
    Position p;
    if (stateJson.empty())
        return p;
    const json s = json::parse(stateJson, nullptr, false);
    if (!s.is_object())
        return Error::config("demo source: the saved state is not a JSON object: " + stateJson);
    p.version = nonNegative(s, "version");
    const json& where = incremental ? (s.contains("position") ? s["position"] : json()) : s;
    p.page = nonNegative(where, "page");
    p.offset = nonNegative(where, "offset");
    p.failures = nonNegative(where, "failures");
    return p;
}

std::string withVersion(const std::string& stateJson, int64_t version) {
    json s = json::parse(stateJson);
    s["version"] = version;
    return s.dump();
}

Status fieldError(const char* key, const char* what) {
    return Error::config(std::string("demo source: `") + key + "` must be " + what);
}

template <typename T> Status readKey(const json& config, const char* key, T& out) {
    if (!config.contains(key) || config[key].is_null())
        return {};
    const json& v = config[key];
    if constexpr (std::is_same_v<T, double>) {
        if (!v.is_number())
            return fieldError(key, "a number");
    } else if (!v.is_number_integer()) {
        return fieldError(key, "an integer");
    }
    out = v.get<T>();
    return {};
}
} // namespace

Result<DemoConfig> parseDemoConfig(const std::string& configJson) {
    DemoConfig c;
    if (configJson.empty())
        return c;
    const json config = json::parse(configJson, nullptr, false);
    if (!config.is_object())
        return Error::config("demo source: the configuration is not a JSON object");
    SLUICE_TRY(readKey(config, "count", c.count));
    SLUICE_TRY(readKey(config, "seed", c.seed));
    SLUICE_TRY(readKey(config, "churn", c.churn));
    int64_t failAfter = -1;
    SLUICE_TRY(readKey(config, "fail_after_records", failAfter));
    if (config.contains("fail_after_records") && !config["fail_after_records"].is_null())
        c.failAfterRecords = failAfter;
    SLUICE_TRY(readKey(config, "fail_probability", c.failProbability));
    SLUICE_TRY(readKey(config, "page_size", c.pageSize));
    SLUICE_TRY(readKey(config, "delay_ms", c.delayMs));
    return c;
}

Status validateDemoConfig(const DemoConfig& c) {
    if (c.count < 0)
        return fieldError("count", "0 or more");
    if (!(c.churn >= 0.0 && c.churn <= 1.0))
        return fieldError("churn", "between 0 and 1");
    if (c.failAfterRecords && *c.failAfterRecords < 0)
        return fieldError("fail_after_records", "0 or more");
    if (!(c.failProbability >= 0.0 && c.failProbability <= 1.0))
        return fieldError("fail_probability", "between 0 and 1");
    if (c.pageSize < 1)
        return fieldError("page_size", "1 or more");
    if (c.delayMs < 0)
        return fieldError("delay_ms", "0 or more");
    return {};
}

DemoSource::DemoSource(DemoConfig config)
    : m_config(config), m_data(config.seed, config.count, config.churn),
      m_configStatus(validateDemoConfig(config)) {}

std::unique_ptr<Source> makeDemoSource(const std::string& configJson) {
    auto config = parseDemoConfig(configJson);
    if (!config.ok()) {
        auto source = std::make_unique<DemoSource>(DemoConfig{});
        source->m_configStatus = config.error();
        return source;
    }
    return std::make_unique<DemoSource>(*config);
}

Status DemoSource::check() {
    return m_configStatus;
}

Result<std::vector<StreamInfo>> DemoSource::discover() {
    SLUICE_TRY(m_configStatus);
    std::vector<StreamInfo> streams;
    for (DemoStream s : kDemoStreams)
        streams.push_back(DemoDataset::streamInfo(s));
    return streams;
}

struct DemoSource::ReadContext {
    const ReadRequest& request;
    RecordSink& sink;
    int64_t emitted = 0; // records emitted by this read over all streams (for fail_after_records)
};

Status DemoSource::read(const ReadRequest& request, RecordSink& sink) {
    SLUICE_TRY(m_configStatus);
    ReadContext ctx{request, sink};
    for (size_t i = 0; i < request.streams.size(); ++i)
        SLUICE_TRY(readStream(i, request.streams[i], ctx));
    return {};
}

Status DemoSource::readStream(size_t index, const StreamReadSpec& spec, ReadContext& ctx) {
    const std::string& name = spec.stream.stream.name;
    const auto kind = DemoDataset::fromName(name);
    if (!kind)
        return Error::config("demo source: there is no stream '" + name + "' (users, products, purchases)");
    const bool incremental = spec.stream.mode.sync == SyncMode::Incremental;
    auto parsed = parseState(spec.stateJson, incremental);
    if (!parsed.ok())
        return parsed.error();
    Position from = *parsed;
    if (spec.backfill) // the range is read from its start, in the version the state is at
        from = Position{from.version, 0, 0, 0};
    const int64_t version = from.version;

    // The records of this read in order: ids 1..n (full refresh), or by updated_at from the saved cursor on.
    std::optional<CursorFilter> filter;
    std::vector<int64_t> order;
    size_t first = 0;
    int64_t total = m_data.idCount(version);
    if (incremental) {
        filter.emplace(spec);
        if (!filter->problem().empty())
            return Error::invalid("demo source: " + filter->problem());
        order = m_data.changeOrder(*kind, version);
        const auto& low = filter->lowerBound();
        if (low && low->kind == Value::Kind::Text)
            first = std::partition_point(
                        order.begin(), order.end(),
                        [&](int64_t id) {
                            return m_data.changeTime(m_data.history(*kind, id, version).changed, id) < low->s;
                        }) -
                    order.begin();
        total = static_cast<int64_t>(order.size() - first);
    }

    // The engine may ask for other columns than ours (a changed catalog): values follow its columns by name.
    const std::vector<Column>& ours = DemoDataset::columns(*kind);
    const std::vector<Column>& wanted = spec.stream.stream.columns;
    std::vector<int> columnMap;
    if (!wanted.empty() && wanted != ours)
        for (const Column& c : wanted)
            columnMap.push_back(DemoDataset::streamInfo(*kind).columnIndex(c.name));
    const int cursorColumn = DemoDataset::updatedAtColumn(*kind);

    auto stateAt = [&](const Position& p) {
        if (incremental)
            return withVersion(filter->checkpoint(pagePart(p).dump()), version);
        json s = pagePart(p);
        s["version"] = version;
        return s.dump();
    };

    const int64_t pageSize = m_config.pageSize;
    const int64_t interval = std::max<int64_t>(ctx.request.checkpointInterval, 1);
    const int64_t start = std::min(total, from.page * pageSize + from.offset);
    ctx.sink.estimate(index, total - start);
    if (start > 0)
        ctx.sink.log(LogLevel::Info, "demo source: stream " + name + " resumes at page " +
                                         std::to_string(from.page) + " of version " +
                                         std::to_string(version));

    int64_t sinceState = 0;
    for (int64_t page = start / pageSize; page * pageSize < total; ++page) {
        const int64_t pageStart = page * pageSize;
        const int64_t end = std::min(total, pageStart + pageSize);
        const int64_t failures = page == from.page ? from.failures : 0;
        if (m_config.delayMs > 0)
            std::this_thread::sleep_for(std::chrono::milliseconds(m_config.delayMs));
        if (m_config.failProbability > 0 &&
            m_data.failureRoll(*kind, version, page, failures) < m_config.failProbability) {
            SLUICE_TRY(ctx.sink.state(
                index, stateAt({version, page, std::max(start, pageStart) - pageStart, failures + 1})));
            return Error::transient("demo source: simulated failure on page " + std::to_string(page) +
                                    " of stream " + name);
        }
        for (int64_t i = std::max(start, pageStart); i < end; ++i) {
            const int64_t id = incremental ? order[first + static_cast<size_t>(i)] : i + 1;
            std::vector<Value> values = m_data.values(*kind, id, m_data.history(*kind, id, version));
            if (filter && !filter->offer(values[static_cast<size_t>(cursorColumn)], hashValues(values)))
                continue;
            const bool reread = filter && filter->lastWasReread();
            if (m_config.failAfterRecords && ctx.emitted >= *m_config.failAfterRecords)
                return Error::transient("demo source: simulated failure after " +
                                        std::to_string(*m_config.failAfterRecords) + " records");
            Row row;
            if (columnMap.empty()) {
                row.values = std::move(values);
            } else {
                row.values.reserve(columnMap.size());
                for (int c : columnMap)
                    row.values.push_back(c < 0 ? Value::null() : std::move(values[static_cast<size_t>(c)]));
            }
            row.reread = reread;
            SLUICE_TRY(ctx.sink.record(index, std::move(row)));
            ++ctx.emitted;
            if (++sinceState >= interval && i + 1 < end) {
                SLUICE_TRY(ctx.sink.state(index, stateAt({version, page, i + 1 - pageStart, failures})));
                sinceState = 0;
            }
        }
        if (end < total) {
            SLUICE_TRY(ctx.sink.state(index, stateAt({version, page + 1, 0, 0})));
            sinceState = 0;
        }
    }
    const std::string finalState =
        incremental ? withVersion(filter->finalState(), version + 1) : json{{"version", version + 1}}.dump();
    SLUICE_TRY(ctx.sink.state(index, finalState));
    return ctx.sink.streamComplete(index);
}

} // namespace sluice::core
