#include "catalog/stream.h"

#include <nlohmann/json.hpp>

namespace sluice::core {

using nlohmann::json;

int StreamInfo::columnIndex(const std::string& column) const {
    for (size_t i = 0; i < columns.size(); ++i)
        if (columns[i].name == column)
            return static_cast<int>(i);
    return -1;
}

bool StreamInfo::supports(SyncMode m) const {
    for (auto s : supportedSyncModes)
        if (s == m)
            return true;
    return false;
}

std::string columnsToJsonSchema(const std::vector<Column>& columns) {
    // nlohmann's default object sorts keys; the column order is kept in a separate list.
    json props = json::object();
    json order = json::array();
    for (const auto& c : columns) {
        if (c.type == ColumnType::Json)
            props[c.name] = {
                {"type", json::array({"null", "object", "array", "string", "number", "boolean"})}};
        else
            props[c.name] = {{"type", json::array({"null", jsonSchemaType(c.type)})}};
        order.push_back(c.name);
    }
    // Sources repair names; should one still hold bytes that are not UTF-8, it is shown with U+FFFD.
    return json{{"type", "object"}, {"properties", props}, {"x-sluice-column-order", order}}.dump(
        -1, ' ', false, json::error_handler_t::replace);
}

namespace {
ColumnType typeOf(const json& prop) {
    if (!prop.is_object() || !prop.contains("type"))
        return ColumnType::Json;
    std::vector<std::string> types;
    const json& t = prop["type"];
    if (t.is_string())
        types.push_back(t.get<std::string>());
    else if (t.is_array())
        for (const auto& x : t)
            if (x.is_string() && x.get<std::string>() != "null")
                types.push_back(x.get<std::string>());
    if (types.size() == 2 &&
        ((types[0] == "integer" && types[1] == "number") || (types[0] == "number" && types[1] == "integer")))
        return ColumnType::Number;
    if (types.size() != 1)
        return ColumnType::Json;
    const std::string& s = types[0];
    if (s == "string")
        return ColumnType::String;
    if (s == "integer")
        return ColumnType::Integer;
    if (s == "number")
        return ColumnType::Number;
    if (s == "boolean")
        return ColumnType::Boolean;
    return ColumnType::Json;
}
} // namespace

std::vector<Column> columnsFromJsonSchema(const std::string& schemaText) {
    std::vector<Column> out;
    json schema;
    try {
        schema = json::parse(schemaText);
    } catch (const json::exception&) {
        return out;
    }
    if (!schema.is_object() || !schema.contains("properties") || !schema["properties"].is_object())
        return out;
    const json& props = schema["properties"];
    if (schema.contains("x-sluice-column-order") && schema["x-sluice-column-order"].is_array()) {
        for (const auto& n : schema["x-sluice-column-order"])
            if (n.is_string() && props.contains(n.get<std::string>()))
                out.push_back({n.get<std::string>(), typeOf(props[n.get<std::string>()])});
        for (auto it = props.begin(); it != props.end(); ++it) {
            bool seen = false;
            for (const auto& c : out)
                seen = seen || c.name == it.key();
            if (!seen)
                out.push_back({it.key(), typeOf(it.value())});
        }
        return out;
    }
    for (auto it = props.begin(); it != props.end(); ++it)
        out.push_back({it.key(), typeOf(it.value())});
    return out;
}

std::string streamToJson(const StreamInfo& s) {
    json j;
    j["name"] = s.name;
    if (!s.ns.empty())
        j["namespace"] = s.ns;
    j["json_schema"] = json::parse(columnsToJsonSchema(s.columns));
    json modes = json::array();
    for (auto m : s.supportedSyncModes)
        modes.push_back(toString(m));
    j["supported_sync_modes"] = modes;
    j["source_defined_cursor"] = s.sourceDefinedCursor;
    j["default_cursor_field"] = s.defaultCursorField;
    j["source_defined_primary_key"] = s.sourceDefinedPrimaryKey;
    j["is_resumable"] = s.isResumable;
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<StreamInfo> streamFromJson(const std::string& text) {
    StreamInfo s;
    try {
        json j = json::parse(text);
        s.name = j.at("name").get<std::string>();
        if (j.contains("namespace") && j["namespace"].is_string())
            s.ns = j["namespace"].get<std::string>();
        s.columns = columnsFromJsonSchema(j.value("json_schema", json::object()).dump());
        s.supportedSyncModes.clear();
        for (const auto& m : j.value("supported_sync_modes", json::array({"full_refresh"})))
            if (auto sm = parseSyncMode(m.get<std::string>()))
                s.supportedSyncModes.push_back(*sm);
        s.sourceDefinedCursor = j.value("source_defined_cursor", false);
        if (j.contains("default_cursor_field") && j["default_cursor_field"].is_array())
            s.defaultCursorField = j["default_cursor_field"].get<FieldPath>();
        if (j.contains("source_defined_primary_key") && j["source_defined_primary_key"].is_array())
            s.sourceDefinedPrimaryKey = j["source_defined_primary_key"].get<std::vector<FieldPath>>();
        s.isResumable = j.value("is_resumable", false);
    } catch (const json::exception& e) {
        return Error::invalid(std::string("malformed stream in catalog: ") + e.what());
    }
    return s;
}

} // namespace sluice::core
