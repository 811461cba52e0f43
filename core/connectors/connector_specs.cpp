#include "connectors/connector_specs.h"

#include "connectors/spec_validation.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>

namespace sluice::core {
namespace {

using nlohmann::json;

struct SpecEntry {
    std::string display;
    const char* spec;
};

const std::map<std::string, SpecEntry>& sourceSpecs() {
    static const std::map<std::string, SpecEntry> specs = {
        {"demo", {"Demo generator", R"json({
  "type": "object", "title": "Demo generator", "required": [], "additionalProperties": false,
  "properties": {
    "count": {"type": "integer", "title": "Records per stream", "default": 1000, "minimum": 0},
    "churn": {"type": "number", "title": "Churn between syncs", "default": 0.0, "minimum": 0, "maximum": 1},
    "seed": {"type": "integer", "title": "Seed", "default": 0},
    "page_size": {"type": "integer", "title": "Page size", "default": 1000, "minimum": 1},
    "delay_ms": {"type": "integer", "title": "Delay per page (ms)", "default": 0, "minimum": 0},
    "fail_probability": {"type": "number", "title": "Failure probability per page", "default": 0.0,
                         "minimum": 0, "maximum": 1},
    "fail_after_records": {"type": "integer", "title": "Fail after records", "minimum": 0}
  }})json"}},
        {"file", {"Files (CSV, JSONL)", R"json({
  "type": "object", "title": "Files", "required": ["path"], "additionalProperties": false,
  "properties": {
    "path": {"type": "string", "title": "File or folder", "format": "path"},
    "format": {"type": "string", "title": "Format", "enum": ["auto", "csv", "jsonl"], "default": "auto"}
  }})json"}},
        {"sqlite", {"SQLite", R"json({
  "type": "object", "title": "SQLite", "required": ["path"], "additionalProperties": false,
  "properties": {
    "path": {"type": "string", "title": "Database file", "format": "path"}
  }})json"}},
        {"postgres", {"PostgreSQL", R"json({
  "type": "object", "title": "PostgreSQL", "required": ["host", "database", "user"], "additionalProperties": false,
  "properties": {
    "host": {"type": "string", "title": "Host", "default": "127.0.0.1"},
    "port": {"type": "integer", "title": "Port", "default": 5432, "minimum": 1, "maximum": 65535},
    "database": {"type": "string", "title": "Database"},
    "user": {"type": "string", "title": "User"},
    "password": {"type": "string", "title": "Password", "airbyte_secret": true},
    "schema": {"type": "string", "title": "Schema", "default": "public"}
  }})json"}},
        {"http", {"Paged HTTP API", R"json({
  "type": "object", "title": "Paged HTTP API", "required": ["url"], "additionalProperties": false,
  "properties": {
    "url": {"type": "string", "title": "URL of the first page (http:// or https://)"},
    "stream_name": {"type": "string", "title": "Stream name (default: the URL's last path segment)"},
    "records_path": {"type": "string", "title": "Records path (dot path to the array; empty: the response)",
                     "default": ""},
    "paging": {"type": "object", "title": "Paging", "additionalProperties": false,
               "properties": {
                 "type": {"type": "string", "title": "Paging type",
                          "enum": ["none", "page", "offset", "token", "link"]},
                 "page_param": {"type": "string", "title": "Page number parameter (page; default page)"},
                 "size_param": {"type": "string",
                                "title": "Page size parameter (page: default per_page; token, link: none)"},
                 "start": {"type": "integer", "title": "First page number (page; default 1)", "minimum": 0},
                 "offset_param": {"type": "string", "title": "Offset parameter (offset; default offset)"},
                 "limit_param": {"type": "string", "title": "Limit parameter (offset; default limit)"},
                 "token_path": {"type": "string",
                                "title": "Next token or next-page URL path in the response (token; default next)"},
                 "token_param": {"type": "string", "title": "Token parameter (token; default cursor)"}
               }},
    "page_size": {"type": "integer", "title": "Page size", "default": 100, "minimum": 1},
    "headers": {"type": "object", "title": "Headers", "additionalProperties": true, "airbyte_secret": true},
    "auth": {"type": "object", "title": "Authentication", "additionalProperties": false,
             "properties": {
               "type": {"type": "string", "title": "Scheme",
                        "enum": ["none", "bearer", "basic", "api_key", "oauth2"]},
               "token": {"type": "string", "title": "Bearer token (bearer)", "airbyte_secret": true},
               "username": {"type": "string", "title": "User name (basic)"},
               "password": {"type": "string", "title": "Password (basic)", "airbyte_secret": true},
               "name": {"type": "string", "title": "Header or query parameter of the key (api_key)"},
               "value": {"type": "string", "title": "API key (api_key)", "airbyte_secret": true},
               "in": {"type": "string", "title": "Where the key goes (api_key)", "enum": ["header", "query"]},
               "token_url": {"type": "string", "title": "Token URL (oauth2)"},
               "client_id": {"type": "string", "title": "Client id (oauth2)"},
               "client_secret": {"type": "string", "title": "Client secret (oauth2)", "airbyte_secret": true},
               "refresh_token": {"type": "string", "title": "Refresh token (oauth2; else client credentials)",
                                 "airbyte_secret": true},
               "scope": {"type": "string", "title": "Scope (oauth2)"}
             }},
    "ca_certificate": {"type": "string", "title": "CA certificate (PEM file; default: the system's CA store)",
                       "format": "path"},
    "insecure": {"type": "boolean", "title": "Skip TLS certificate checks (unsafe)", "default": false},
    "cursor_param": {"type": "string",
                     "title": "Query parameter that receives the saved cursor (incremental; inclusive)"},
    "timeout_seconds": {"type": "integer", "title": "Request timeout (seconds)", "default": 30, "minimum": 1,
                        "maximum": 3600},
    "connect_timeout_seconds": {"type": "integer", "title": "Connect timeout (seconds)", "default": 10,
                                "minimum": 1, "maximum": 3600}
  }})json"}},
        {"airbyte", {"Airbyte connector", R"json({
  "type": "object", "title": "Airbyte-protocol connector", "additionalProperties": false,
  "properties": {
    "command": {"type": "array", "title": "Command (or an image)", "items": {"type": "string"}},
    "image": {"type": "string", "title": "Connector image, run with docker or podman (or a command)"},
    "network": {"type": "string", "title": "Network of the image's container (--network; default: the engine's)"},
    "container_engine": {"type": "string", "title": "Engine that runs the image (default: podman, else docker)",
                         "enum": ["docker", "podman"]},
    "config": {"type": "object", "title": "Connector configuration", "additionalProperties": true, "default": {}},
    "secret_fields": {"type": "array", "items": {"type": "string"},
                      "title": "Secret keys of the configuration (JSON pointers; learnt from the connector's spec)"},
    "timeout_seconds": {"type": "integer", "title": "Time limit of spec, check and discover (seconds; 0: none)",
                        "default": 600, "minimum": 0, "maximum": 604800},
    "heartbeat_timeout_seconds": {"type": "integer",
                                  "title": "Longest silence of a read before it is stopped and retried (seconds; 0: none)",
                                  "default": 1800, "minimum": 0, "maximum": 604800}
  }})json"}},
    };
    return specs;
}

const std::map<std::string, SpecEntry>& destinationSpecs() {
    static const std::map<std::string, SpecEntry> specs = {
        {"sqlite", {"SQLite", R"json({
  "type": "object", "title": "SQLite", "required": ["path"], "additionalProperties": false,
  "properties": {
    "path": {"type": "string", "title": "Database file", "format": "path"}
  }})json"}},
        {"postgres", {"PostgreSQL", R"json({
  "type": "object", "title": "PostgreSQL", "required": ["host", "database", "user"], "additionalProperties": false,
  "properties": {
    "host": {"type": "string", "title": "Host", "default": "127.0.0.1"},
    "port": {"type": "integer", "title": "Port", "default": 5432, "minimum": 1, "maximum": 65535},
    "database": {"type": "string", "title": "Database"},
    "user": {"type": "string", "title": "User"},
    "password": {"type": "string", "title": "Password", "airbyte_secret": true},
    "schema": {"type": "string", "title": "Schema", "default": "public"}
  }})json"}},
    };
    return specs;
}

const std::map<std::string, SpecEntry>& specsFor(ConnectorRole role) {
    return role == ConnectorRole::Source ? sourceSpecs() : destinationSpecs();
}

Status validateObject(const json& schema, json& value, const std::string& where, const std::string& prefix) {
    if (!value.is_object())
        return Error::invalid(where + ": `" + prefix + "` must be an object, found " +
                              describeJsonType(value));
    const json props = schema.value("properties", json::object());
    for (const auto& req : schema.value("required", json::array())) {
        const auto key = req.get<std::string>();
        if (!value.contains(key) || value[key].is_null())
            return Error::invalid(where + ": missing required key `" + prefix + "." + key + "`");
    }
    const bool open = schema.value("additionalProperties", true);
    for (auto it = value.begin(); it != value.end(); ++it) {
        const std::string path = prefix + "." + it.key();
        if (!props.contains(it.key())) {
            if (!open) {
                std::string known;
                for (auto p = props.begin(); p != props.end(); ++p)
                    known += (known.empty() ? "" : ", ") + p.key();
                return Error::invalid(where + ": unknown key `" + path + "` (expected one of: " + known +
                                      ")");
            }
            continue;
        }
        const json& ps = props[it.key()];
        json& v = it.value();
        if (v.is_null())
            continue;
        const std::string type = ps.value("type", "");
        if (!type.empty() && !jsonMatchesType(v, type))
            return Error::invalid(where + ": `" + path + "` must be " +
                                  (type == "integer" ? std::string("an integer") : "a " + type) + ", found " +
                                  describeJsonType(v));
        if (type == "integer" && v.is_number_float())
            v = static_cast<int64_t>(v.get<double>());
        if (ps.contains("enum")) {
            bool found = false;
            std::string options;
            for (const auto& e : ps["enum"]) {
                found = found || e == v;
                options += (options.empty() ? "" : ", ") + e.dump();
            }
            if (!found)
                return Error::invalid(where + ": `" + path + "` is " + v.dump() + ", expected one of " +
                                      options);
        }
        if (v.is_number() && ps.contains("minimum") && v.get<double>() < ps["minimum"].get<double>())
            return Error::invalid(where + ": `" + path + "` must be at least " + ps["minimum"].dump());
        if (v.is_number() && ps.contains("maximum") && v.get<double>() > ps["maximum"].get<double>())
            return Error::invalid(where + ": `" + path + "` must be at most " + ps["maximum"].dump());
        if (type == "array" && ps.contains("items") && ps["items"].contains("type")) {
            const std::string itemType = ps["items"]["type"];
            for (size_t i = 0; i < v.size(); ++i)
                if (!jsonMatchesType(v[i], itemType))
                    return Error::invalid(where + ": `" + path + "[" + std::to_string(i) + "]` must be a " +
                                          itemType + ", found " + describeJsonType(v[i]));
        }
        if (type == "object" && ps.contains("properties")) {
            SLUICE_TRY(validateObject(ps, v, where, path));
        }
    }
    for (auto p = props.begin(); p != props.end(); ++p)
        if (!value.contains(p.key()) && p->contains("default"))
            value[p.key()] = (*p)["default"];
    return {};
}

void collectSecrets(const json& schema, const std::string& pointer, std::vector<std::string>& out) {
    if (!schema.contains("properties"))
        return;
    for (auto p = schema["properties"].begin(); p != schema["properties"].end(); ++p) {
        const std::string ptr = pointer + "/" + p.key();
        if (p->value("airbyte_secret", false))
            out.push_back(ptr);
        else
            collectSecrets(*p, ptr, out);
    }
}

} // namespace

std::string describeJsonType(const json& v) {
    if (v.is_null())
        return "null";
    if (v.is_boolean())
        return "a boolean";
    if (v.is_number_integer())
        return "an integer";
    if (v.is_number())
        return "a number";
    if (v.is_string())
        return "a string";
    if (v.is_array())
        return "an array";
    return "an object";
}

std::vector<std::string> connectorTypes(ConnectorRole role) {
    std::vector<std::string> out;
    for (const auto& [k, v] : specsFor(role))
        out.push_back(k);
    return out;
}

bool isKnownConnector(ConnectorRole role, const std::string& type) {
    return specsFor(role).count(type) > 0;
}

std::string connectorDisplayName(ConnectorRole role, const std::string& type) {
    auto it = specsFor(role).find(type);
    return it == specsFor(role).end() ? type : it->second.display;
}

namespace {
// The specs above list their fields by meaning; JSON objects forget that order once parsed. Airbyte's
// `order` annotation keeps it for forms (an `order` written in a spec wins).
void annotateOrder(nlohmann::ordered_json& schema) {
    if (!schema.is_object() || !schema.contains("properties") || !schema["properties"].is_object())
        return;
    int i = 0;
    for (auto& [key, property] : schema["properties"].items()) {
        (void)key;
        if (property.is_object() && !property.contains("order"))
            property["order"] = i;
        ++i;
        annotateOrder(property);
    }
}
} // namespace

std::string connectorSpecJson(ConnectorRole role, const std::string& type) {
    auto it = specsFor(role).find(type);
    if (it == specsFor(role).end())
        return "{}";
    auto spec = nlohmann::ordered_json::parse(it->second.spec);
    annotateOrder(spec);
    return spec.dump();
}

Status validateConnectorConfig(ConnectorRole role, const std::string& type, json& config,
                               const std::string& where) {
    auto it = specsFor(role).find(type);
    const char* what = role == ConnectorRole::Source ? "source" : "destination";
    if (it == specsFor(role).end()) {
        std::string known;
        for (const auto& t : connectorTypes(role))
            known += (known.empty() ? "" : ", ") + t;
        return Error::invalid(where + ": unknown " + std::string(what) + " type `" + type + "` at key `" +
                              what + ".type` (expected one of: " + known + ")");
    }
    if (config.is_null())
        config = json::object();
    return validateObject(json::parse(it->second.spec), config, where, std::string(what) + ".config");
}

std::vector<std::string> secretPointers(ConnectorRole role, const std::string& type) {
    std::vector<std::string> out;
    auto it = specsFor(role).find(type);
    if (it != specsFor(role).end())
        collectSecrets(json::parse(it->second.spec), "", out);
    return out;
}

bool looksSecret(const std::string& key) {
    std::string k;
    for (unsigned char c : key)
        k += static_cast<char>(c == '-' ? '_' : std::tolower(c));
    static const char* const kWords[] = {"password",      "passwd",     "secret",     "token",
                                         "api_key",       "apikey",     "access_key", "private_key",
                                         "client_secret", "credentials"};
    for (const char* w : kWords)
        if (k.find(w) != std::string::npos)
            return true;
    return false;
}

namespace {
// Every key below `node` whose name looks secret; a secret object or array is one secret as a whole.
void collectByName(const json& node, const std::string& pointer, std::vector<std::string>& out) {
    if (!node.is_object())
        return;
    for (auto it = node.begin(); it != node.end(); ++it) {
        const std::string ptr = pointer + "/" + escapeJsonPointer(it.key());
        if (looksSecret(it.key()) && !it->is_null())
            out.push_back(ptr);
        else
            collectByName(*it, ptr, out);
    }
}
} // namespace

std::vector<std::string> secretValuePointers(ConnectorRole role, const std::string& type,
                                             const json& config) {
    std::vector<std::string> out;
    if (!config.is_object())
        return out;
    for (const auto& ptr : secretPointers(role, type)) {
        json::json_pointer p(ptr);
        if (!config.contains(p) || config[p].is_null())
            continue;
        const json& v = config[p];
        if (v.is_object()) {
            for (auto it = v.begin(); it != v.end(); ++it)
                if (!it->is_null())
                    out.push_back(ptr + "/" + escapeJsonPointer(it.key()));
        } else {
            out.push_back(ptr);
        }
    }
    if (role == ConnectorRole::Source && type == "airbyte" && config.contains("config")) {
        collectByName(config["config"], "/config", out);
        // What the connector's spec marks airbyte_secret, whatever the key's name.
        if (config.contains("secret_fields") && config["secret_fields"].is_array() &&
            config["config"].is_object())
            for (const auto& field : config["secret_fields"]) {
                if (!field.is_string() || field.get<std::string>().empty() ||
                    field.get<std::string>()[0] != '/')
                    continue;
                const std::string ptr = "/config" + field.get<std::string>();
                // Already a secret, or inside one (a key whose name looks secret holds it as a whole).
                const bool covered = std::any_of(out.begin(), out.end(), [&](const std::string& o) {
                    return ptr == o || ptr.rfind(o + "/", 0) == 0 || o.rfind(ptr + "/", 0) == 0;
                });
                if (covered)
                    continue;
                try {
                    json::json_pointer p(ptr);
                    if (config.contains(p) && !config[p].is_null())
                        out.push_back(ptr);
                } catch (const json::exception&) {
                    // Not a JSON pointer: the spec named nothing Sluice can find.
                }
            }
    }
    return out;
}

void maskSecrets(ConnectorRole role, const std::string& type, json& config) {
    for (const auto& ptr : secretValuePointers(role, type, config))
        config[json::json_pointer(ptr)] = kSecretMask;
}

} // namespace sluice::core
