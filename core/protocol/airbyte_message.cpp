#include "protocol/airbyte_message.h"

#include "util/json_text.h"
#include "util/utf8.h"

#include <cmath>
#include <nlohmann/json.hpp>

namespace sluice::core::airbyte {

using nlohmann::json;

namespace {
// Each message type and the member of the AirbyteMessage that carries its payload.
struct TypeInfo {
    const char* name;
    MessageType type;
    const char* payloadKey;
};
constexpr TypeInfo kTypes[] = {
    {"RECORD", MessageType::Record, "record"},
    {"STATE", MessageType::State, "state"},
    {"LOG", MessageType::Log, "log"},
    {"TRACE", MessageType::Trace, "trace"},
    {"CATALOG", MessageType::Catalog, "catalog"},
    {"SPEC", MessageType::Spec, "spec"},
    {"CONNECTION_STATUS", MessageType::ConnectionStatus, "connectionStatus"},
    {"CONTROL", MessageType::Control, "control"},
};
} // namespace

const char* toString(MessageType t) {
    for (const auto& info : kTypes)
        if (info.type == t)
            return info.name;
    return "UNKNOWN";
}

LogLevel logLevelFromString(std::string_view level) {
    if (level == "FATAL" || level == "ERROR")
        return LogLevel::Error;
    if (level == "WARN" || level == "WARNING")
        return LogLevel::Warn;
    if (level == "DEBUG" || level == "TRACE")
        return LogLevel::Debug;
    return LogLevel::Info;
}

StreamStatus streamStatusFromString(std::string_view status) {
    if (status == "STARTED")
        return StreamStatus::Started;
    if (status == "RUNNING")
        return StreamStatus::Running;
    if (status == "COMPLETE")
        return StreamStatus::Complete;
    if (status == "INCOMPLETE")
        return StreamStatus::Incomplete;
    return StreamStatus::Unknown;
}

const char* toString(StreamStatus status) {
    switch (status) {
    case StreamStatus::Started:
        return "STARTED";
    case StreamStatus::Running:
        return "RUNNING";
    case StreamStatus::Complete:
        return "COMPLETE";
    case StreamStatus::Incomplete:
        return "INCOMPLETE";
    case StreamStatus::Unknown:
        break;
    }
    return "UNKNOWN";
}

namespace {

Error malformed(const std::string& type, const std::string& what) {
    return Error::invalid("malformed " + type + " message: " + what);
}

std::string stringField(const json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

int64_t intField(const json& j, const char* key, int64_t fallback) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_number())
        return fallback;
    if (it->is_number_float()) {
        // Converting a double beyond int64's range is undefined behaviour (found by fuzzing: 1.7e23).
        const double d = it->get<double>();
        return std::isfinite(d) && d > -9.2e18 && d < 9.2e18 ? static_cast<int64_t>(d) : fallback;
    }
    return it->get<int64_t>();
}

// `stream_descriptor` objects and the flat name/namespace of RECORD and ESTIMATE share this shape.
bool descriptorFrom(const json& j, const char* nameKey, StreamDescriptor& out) {
    if (!j.is_object())
        return false;
    auto name = j.find(nameKey);
    if (name == j.end() || !name->is_string())
        return false;
    out.name = name->get<std::string>();
    out.ns = stringField(j, "namespace");
    return true;
}

std::string dumpOrNull(const json& j, const char* key) {
    auto it = j.find(key);
    return it == j.end() ? std::string("null") : it->dump();
}

Status parseStreamState(const json& j, StreamStateEntry& out) {
    if (!j.is_object() || !descriptorFrom(j.value("stream_descriptor", json()), "name", out.stream))
        return malformed("STATE", "a stream state without `stream_descriptor.name`");
    out.stateJson = dumpOrNull(j, "stream_state");
    return {};
}

Status parseState(const json& s, StateMessage& out) {
    out.json = s.dump();
    const std::string type = stringField(s, "type");
    if (type == "STREAM") {
        out.type = StateType::Stream;
        return parseStreamState(s.value("stream", json()), out.stream);
    }
    if (type == "GLOBAL") {
        out.type = StateType::Global;
        auto g = s.find("global");
        if (g == s.end() || !g->is_object())
            return malformed("STATE", "GLOBAL state without a `global` object");
        out.sharedStateJson = dumpOrNull(*g, "shared_state");
        const json states = g->value("stream_states", json::array());
        if (!states.is_array())
            return malformed("STATE", "`global.stream_states` is not an array");
        for (const auto& st : states) {
            StreamStateEntry e;
            SLUICE_TRY(parseStreamState(st, e));
            out.streams.push_back(std::move(e));
        }
        return {};
    }
    if (type.empty() || type == "LEGACY") {
        // Before typed states existed, the whole state was `data`.
        out.type = StateType::Legacy;
        out.legacyDataJson = dumpOrNull(s, "data");
        return {};
    }
    return malformed("STATE", "unknown state type `" + type + "`");
}

Status parseTrace(const json& t, TraceMessage& out) {
    const std::string type = stringField(t, "type");
    if (type == "ERROR") {
        out.type = TraceType::Error;
        const json e = t.value("error", json::object());
        out.message = stringField(e, "message");
        out.internalMessage = stringField(e, "internal_message");
        out.failureType = stringField(e, "failure_type");
        if (out.message.empty())
            out.message =
                out.internalMessage.empty() ? "the connector reported an error" : out.internalMessage;
        return {};
    }
    if (type == "STREAM_STATUS") {
        out.type = TraceType::StreamStatus;
        const json st = t.value("stream_status", json::object());
        if (!descriptorFrom(st.value("stream_descriptor", json()), "name", out.stream))
            return malformed("TRACE", "STREAM_STATUS without `stream_descriptor.name`");
        out.status = streamStatusFromString(stringField(st, "status"));
        return {};
    }
    if (type == "ESTIMATE") {
        out.type = TraceType::Estimate;
        const json es = t.value("estimate", json::object());
        if (!descriptorFrom(es, "name", out.stream))
            return malformed("TRACE", "ESTIMATE without `name`");
        out.perStream = stringField(es, "type") != "SYNC";
        out.rowEstimate = intField(es, "row_estimate", -1);
        out.byteEstimate = intField(es, "byte_estimate", -1);
        return {};
    }
    out.type = TraceType::Other; // ANALYTICS and later additions: nothing Sluice acts on
    return {};
}

// Fills the member of `m` that matches m.type from the message's payload object.
Status parsePayload(const json& p, Message& m) {
    const std::string& type = m.typeName;
    switch (m.type) {
    case MessageType::Record: {
        if (!descriptorFrom(p, "stream", m.record.stream))
            return malformed(type, "no `record.stream`");
        auto data = p.find("data");
        if (data == p.end() || !data->is_object())
            return malformed(type, "`record.data` is not an object");
        m.record.dataJson = data->dump();
        m.record.emittedAt = intField(p, "emitted_at", 0);
        return {};
    }
    case MessageType::State:
        return parseState(p, m.state);
    case MessageType::Log:
        m.log.level = logLevelFromString(stringField(p, "level"));
        m.log.message = stringField(p, "message");
        return {};
    case MessageType::Trace:
        return parseTrace(p, m.trace);
    case MessageType::Catalog: {
        auto streams = p.find("streams");
        if (streams == p.end() || !streams->is_array())
            return malformed(type, "`catalog.streams` is not an array");
        for (const auto& st : *streams)
            m.catalogStreams.push_back(st.dump());
        return {};
    }
    case MessageType::Spec: {
        auto cs = p.find("connectionSpecification");
        if (cs == p.end() || !cs->is_object())
            return malformed(type, "no `spec.connectionSpecification` object");
        m.specJson = cs->dump();
        return {};
    }
    case MessageType::ConnectionStatus: {
        const std::string status = stringField(p, "status");
        if (status != "SUCCEEDED" && status != "FAILED")
            return malformed(type, "`connectionStatus.status` is neither SUCCEEDED nor FAILED");
        m.connectionStatus.succeeded = status == "SUCCEEDED";
        m.connectionStatus.message = stringField(p, "message");
        return {};
    }
    case MessageType::Control: {
        m.control.type = stringField(p, "type");
        if (m.control.type != "CONNECTOR_CONFIG")
            return {};
        // Half a configuration must never replace the stored one: without the object it is an error.
        const json cc = p.value("connectorConfig", json::object());
        auto config = cc.find("config");
        if (config == cc.end() || !config->is_object())
            return malformed(type, "CONNECTOR_CONFIG without a `connectorConfig.config` object");
        m.control.connectorConfigJson = config->dump();
        return {};
    }
    case MessageType::Unknown:
        break;
    }
    return {};
}

} // namespace

Value valueFromJson(const json& v) {
    switch (v.type()) {
    case json::value_t::null:
    case json::value_t::discarded:
        return Value::null();
    case json::value_t::boolean:
        return Value::boolean(v.get<bool>());
    case json::value_t::number_integer:
        return Value::integer(v.get<int64_t>());
    case json::value_t::number_unsigned: {
        const uint64_t u = v.get<uint64_t>();
        return u <= uint64_t(INT64_MAX) ? Value::integer(int64_t(u)) : Value::real(double(u));
    }
    case json::value_t::number_float:
        return Value::real(v.get<double>());
    case json::value_t::string:
        return Value::text(v.get<std::string>());
    default:
        return Value::json(v.dump());
    }
}

Result<Message> messageFromJson(const json& j) {
    if (!j.is_object())
        return Error::invalid("malformed message: not a JSON object");
    Message m;
    auto t = j.find("type");
    if (t == j.end() || !t->is_string())
        return Error::invalid("malformed message: no `type`");
    m.typeName = t->get<std::string>();
    const TypeInfo* info = nullptr;
    for (const auto& candidate : kTypes)
        if (m.typeName == candidate.name)
            info = &candidate;
    if (!info)
        return m; // future types: MessageType::Unknown, callers skip them
    m.type = info->type;
    auto p = j.find(info->payloadKey);
    if (p == j.end() || !p->is_object())
        return malformed(m.typeName, std::string("no `") + info->payloadKey + "` object");
    SLUICE_TRY(parsePayload(*p, m));
    return m;
}

Result<Message> parseMessageLine(std::string_view line) {
    if (jsonTooDeep(line))
        return Error::invalid("a line " + jsonTooDeepText());
    // Bytes that are not UTF-8 become U+FFFD: a connector's odd byte must not lose its catalog or status.
    std::string repaired;
    if (!isValidUtf8(line)) {
        repaired = toValidUtf8(line);
        line = repaired;
    }
    json j = json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded())
        return Error::invalid("not JSON");
    return messageFromJson(j);
}

// ---- What Sluice writes for the connector

std::string configuredCatalogJson(const std::vector<ResolvedStream>& streams) {
    json list = json::array();
    for (const auto& r : streams) {
        // Connectors read the key and cursor from here even when the mode does not need them, so the
        // source-defined ones are passed when the resolution left them empty.
        const FieldPath& cursor = !r.cursorField.empty() || !r.stream.sourceDefinedCursor
                                      ? r.cursorField
                                      : r.stream.defaultCursorField;
        const std::vector<FieldPath>& key =
            r.primaryKey.empty() ? r.stream.sourceDefinedPrimaryKey : r.primaryKey;
        list.push_back({{"stream", json::parse(streamToJson(r.stream))},
                        {"sync_mode", toString(r.mode.sync)},
                        {"destination_sync_mode", toString(r.mode.destination)},
                        {"cursor_field", cursor},
                        {"primary_key", key},
                        {"generation_id", 0},
                        {"minimum_generation_id", 0},
                        {"sync_id", 0}});
    }
    return json{{"streams", list}}.dump();
}

namespace {

json descriptorJson(const StreamDescriptor& d) {
    json j{{"name", d.name}};
    if (!d.ns.empty())
        j["namespace"] = d.ns;
    return j;
}

Result<json> parseStoredState(const std::string& text, const std::string& what) {
    json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded())
        return Error::invalid("the stored state of " + what + " is not JSON");
    return j;
}
} // namespace

Result<std::string> stateFileJson(const std::vector<StreamStateEntry>& streamStates,
                                  const std::string& sharedStateJson) {
    json perStream = json::array();
    for (const auto& e : streamStates) {
        auto state = parseStoredState(e.stateJson, "stream `" + e.stream.name + "`");
        if (!state)
            return state.error();
        perStream.push_back({{"stream_descriptor", descriptorJson(e.stream)}, {"stream_state", *state}});
    }
    json file = json::array();
    if (!sharedStateJson.empty()) {
        auto shared = parseStoredState(sharedStateJson, "the global state");
        if (!shared)
            return shared.error();
        file.push_back(
            {{"type", "GLOBAL"}, {"global", {{"shared_state", *shared}, {"stream_states", perStream}}}});
    } else {
        for (auto& s : perStream)
            file.push_back({{"type", "STREAM"}, {"stream", std::move(s)}});
    }
    return file.dump();
}

Result<std::string> legacyStateFileJson(const std::string& dataJson,
                                        const std::vector<std::string>& dropKeys) {
    auto data = parseStoredState(dataJson, "the legacy state");
    if (!data)
        return data.error();
    // Older CDKs key `data` by stream name; a stream read from its start must not find its old cursor.
    if (data->is_object())
        for (const auto& k : dropKeys)
            data->erase(k);
    return data->dump();
}

std::string stateFileFromMessages(const std::vector<std::string>& stateMessagesJson) {
    // Passed back byte for byte: the engine never interprets a connector's state.
    std::string out = "[";
    for (size_t i = 0; i < stateMessagesJson.size(); ++i) {
        if (i)
            out += ',';
        out += stateMessagesJson[i];
    }
    out += ']';
    return out;
}

} // namespace sluice::core::airbyte
