#include "engine/mapping_preview.h"

#include "config/connection_config.h"
#include "config/stream_resolution.h"
#include "connectors/connector_specs.h"
#include "engine/stream_choice.h"
#include "protocol/airbyte_message.h"
#include "sources/source.h"
#include "util/cancel_scope.h"

#include <nlohmann/json.hpp>

namespace sluice::core {

using nlohmann::json;

namespace {
QString q(const std::string& s) {
    return QString::fromStdString(s);
}

// Keeps the first records and then stops the read: the error it returns ends the source's read() at once.
class SampleSink : public RecordSink {
public:
    explicit SampleSink(int limit) : m_limit(limit) {}
    Status record(size_t, Row&& row) override {
        if (CancelScope::requested())
            return Error::cancelled();
        json values = json::array();
        for (const auto& v : row.values)
            values.push_back(json::parse(v.toJson(), nullptr, false));
        m_rows.push_back(std::move(values));
        if (int(m_rows.size()) >= m_limit) {
            m_full = true;
            return Error::cancelled("the sample is complete");
        }
        return {};
    }
    Status state(size_t, const std::string&) override { return {}; }
    Status streamComplete(size_t) override { return {}; }
    bool full() const { return m_full; }
    const json& rows() const { return m_rows; }

private:
    int m_limit;
    bool m_full = false;
    json m_rows = json::array();
};

RowSet rowSetOf(const std::vector<Column>& columns, const std::vector<Row>& rows) {
    RowSet out;
    for (const auto& c : columns)
        out.columns << q(c.name);
    for (const auto& r : rows) {
        QStringList cells;
        for (const auto& v : r.values)
            cells << (v.isNull() ? QString() : q(v.toDisplay()));
        out.rows << cells;
    }
    return out;
}

// The sample's records as rows of the stream's columns, typed as a read types them.
std::vector<Row> rowsOf(const StreamInfo& info, const QString& recordsJson) {
    std::vector<Row> out;
    const json records = json::parse(recordsJson.toStdString(), nullptr, false);
    if (!records.is_array())
        return out;
    for (const auto& r : records) {
        Row row;
        for (size_t i = 0; i < info.columns.size(); ++i) {
            Value v = r.is_array() && i < r.size() ? airbyte::valueFromJson(r[i]) : Value::null();
            if (!coerceTo(info.columns[i].type, v))
                v = Value::null();
            row.values.push_back(std::move(v));
        }
        out.push_back(std::move(row));
    }
    return out;
}
} // namespace

RecordSample readRecordSample(const ConnectionConfig& c, const QString& stream, int limit) {
    RecordSample out;
    out.connectionId = c.id;
    out.stream = stream;
    const ConfiguredStreamConfig* configured = c.findStream(stream.toStdString());
    if (!configured) {
        out.error = QStringLiteral("the connection has no stream `%1`").arg(stream);
        return out;
    }
    auto source = makeSource(c.source.type, c.source.configJson);
    if (!source) {
        out.error = q(source.error().message);
        return out;
    }
    source.value()->setStopCheck([] { return CancelScope::requested(); });
    auto discovered = source.value()->discover();
    if (!discovered) {
        out.error = q(discovered.error().context("discovering the source").message);
        return out;
    }
    const StreamInfo* info = nullptr;
    for (const auto& d : discovered.value())
        if (d.name == configured->name && (configured->ns.empty() || d.ns == configured->ns))
            info = &d;
    if (!info) {
        out.error = QStringLiteral("the source no longer has a stream `%1`").arg(stream);
        return out;
    }
    // The sample is read as a full refresh: the stream's own mode (and its lookback) asks for a state.
    ConfiguredStreamConfig plain = *configured;
    plain.mode = {SyncMode::FullRefresh, DestinationSyncMode::Append};
    plain.lookback.reset();
    plain.mapping = {};
    if (!info->supports(SyncMode::FullRefresh))
        plain.mode = {SyncMode::Incremental, DestinationSyncMode::Append};
    auto resolved = resolveStream(*info, plain);
    if (!resolved) {
        out.error = q(resolved.error().message);
        return out;
    }
    ReadRequest request;
    StreamReadSpec spec;
    spec.stream = resolved.value();
    spec.fromStart = true;
    request.streams.push_back(std::move(spec));
    SampleSink sink(limit);
    Status read = source.value()->read(request, sink);
    if (!read && !sink.full()) {
        out.error = q(read.error().context("reading a sample of `" + configured->name + "`").message);
        return out;
    }
    out.schemaJson = q(streamToJson(*info));
    for (const auto& col : info->columns)
        out.columns << q(col.name);
    out.recordsJson = q(sink.rows().dump());
    out.count = int(sink.rows().size());
    return out;
}

MappingPreview previewMapping(const RecordSample& sample, const StreamRow& row, const QString& mappingJson) {
    MappingPreview out;
    if (!sample.error.isEmpty() || sample.schemaJson.isEmpty()) {
        out.error = sample.error.isEmpty() ? QStringLiteral("no sample yet") : sample.error;
        return out;
    }
    auto info = streamFromJson(sample.schemaJson.toStdString());
    if (!info) {
        out.error = q(info.error().message);
        return out;
    }
    ConfiguredStreamConfig config = streamConfigOf(row);
    config.lookback.reset();
    json m = mappingJson.trimmed().isEmpty() ? json::object()
                                             : json::parse(mappingJson.toStdString(), nullptr, false);
    if (!m.is_object()) {
        out.error = QStringLiteral("the mapping is not a JSON object");
        return out;
    }
    // The key of a saved encryption mapper comes back masked: the store keeps it. A stand-in key of the
    // same kind shows what the column becomes; its text differs anyway, as every encryption's IV does.
    if (m.contains("mappers") && m["mappers"].is_array())
        for (auto& mapper : m["mappers"])
            if (mapper.is_object() && mapper.value("type", "") == "encryption" &&
                mapper.contains("mapperConfiguration") && mapper["mapperConfiguration"].is_object() &&
                mapper["mapperConfiguration"].value("key", "") == kSecretMask) {
                mapper["mapperConfiguration"]["key"] = std::string(64, '0');
                out.placeholderKey = true;
            }
    if (Status parsed = parseStreamMapping(m, "streams[" + config.name + "]", config); !parsed) {
        out.error = q(parsed.error().message);
        return out;
    }
    auto resolved = resolveStream(info.value(), config);
    if (!resolved) {
        out.error = q(resolved.error().message);
        return out;
    }
    auto mapping = mappingFor(resolved.value(), config.mapping);
    if (!mapping) {
        out.error = q(mapping.error().message);
        return out;
    }
    std::vector<Row> rows = rowsOf(info.value(), sample.recordsJson);
    out.before = rowSetOf(info->columns, rows);
    std::vector<Row> after;
    for (auto& r : rows) {
        const bool kept = mapping->apply(r);
        out.kept << kept;
        if (kept)
            after.push_back(std::move(r));
        else
            ++out.dropped;
    }
    out.after = rowSetOf(mapping->columns(), after);
    return out;
}

} // namespace sluice::core
