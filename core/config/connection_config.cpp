#include "config/connection_config.h"

#include "config/cron_expression.h"
#include "connectors/connector_specs.h"
#include "util/json_text.h"
#include "util/logging.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace sluice::core {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// An integer in [lo, hi]: checked in 64 bits, since 2^32 + 1 read as an int would pass as 1.
bool intIn(const json& v, int64_t lo, int64_t hi) {
    if (!v.is_number_integer() || (v.is_number_unsigned() && v.get<uint64_t>() > uint64_t(INT64_MAX)))
        return false;
    return v.get<int64_t>() >= lo && v.get<int64_t>() <= hi;
}

Result<FieldPath> parsePath(const json& v, const std::string& where, const std::string& key) {
    FieldPath path;
    if (v.is_string()) {
        path.push_back(v.get<std::string>());
        return path;
    }
    if (!v.is_array())
        return Error::invalid(where + ": `" + key + "` must be a list of field names, found " +
                              describeJsonType(v));
    for (const auto& p : v) {
        if (!p.is_string())
            return Error::invalid(where + ": `" + key + "` must contain field names (strings), found " +
                                  describeJsonType(p));
        path.push_back(p.get<std::string>());
    }
    return path;
}

// `"lookback": "P3D"` or `"lookback": 1000`; whether it fits the cursor's type is known once the source's
// catalog is (resolveStream).
Result<Lookback> parseLookback(const json& v, const ConfiguredStreamConfig& s, const std::string& where) {
    const std::string at = where + ": stream `" + s.name + "`: ";
    if (s.mode.sync != SyncMode::Incremental)
        return Error::invalid(at + "lookback applies to incremental streams only, but the stream is " +
                              s.mode.label() + " (remove `lookback` or make the stream incremental)");
    Lookback out;
    if (v.is_string()) {
        auto seconds = parseIsoDuration(v.get<std::string>());
        if (!seconds)
            return Error::invalid(at + "lookback " + seconds.error().message);
        out.kind = Lookback::Kind::Duration;
        out.seconds = seconds.value();
        out.text = v.get<std::string>();
        return out;
    }
    if (v.is_number() && v.get<double>() >= 0 && std::isfinite(v.get<double>())) {
        out.kind = Lookback::Kind::Number;
        out.integral = v.is_number_integer();
        out.number = v.get<double>();
        return out;
    }
    return Error::invalid(at +
                          "`lookback` must be an ISO-8601 duration (such as \"P3D\") or a number that is "
                          "not negative (such as 1000), found " +
                          (v.is_number() ? v.dump() : describeJsonType(v)));
}

// `selected_fields` and `mappers`; what the file itself says of the key and cursor is checked here, the
// source's own key and cursor once the source is discovered (StreamMapping::build).
} // namespace

Status parseStreamMapping(const json& s, const std::string& at, ConfiguredStreamConfig& out) {
    if (s.contains("selected_fields") && !s["selected_fields"].is_null()) {
        const json& f = s["selected_fields"];
        if (!f.is_array() || f.empty())
            return Error::invalid("`" + at +
                                  ".selected_fields` must be a non-empty list of top-level field names");
        std::vector<std::string> names;
        for (const auto& n : f) {
            if (!n.is_string() || n.get<std::string>().empty())
                return Error::invalid("`" + at +
                                      ".selected_fields` must contain field names (strings), found " +
                                      describeJsonType(n));
            if (std::find(names.begin(), names.end(), n.get<std::string>()) == names.end())
                names.push_back(n.get<std::string>());
        }
        out.mapping.selectedFields = std::move(names);
    }
    if (s.contains("mappers") && !s["mappers"].is_null()) {
        auto m = parseMappers(s["mappers"], at + ".mappers");
        if (!m)
            return m.error();
        out.mapping.mappers = std::move(*m);
    }
    ProtectedFields keep;
    if (out.mode.needsCursor() && !out.cursorField.empty())
        keep.cursor = out.cursorField[0];
    if (out.mode.needsPrimaryKey())
        for (const auto& k : out.primaryKey)
            if (!k.empty())
                keep.primaryKey.push_back(k[0]);
    return checkProtectedFields(out.name, out.mapping, keep);
}

namespace {

Result<ConfiguredStreamConfig> parseStream(const json& s, size_t index, const std::string& where) {
    const std::string at = "streams[" + std::to_string(index) + "]";
    if (!s.is_object())
        return Error::invalid(where + ": `" + at + "` must be an object, found " + describeJsonType(s));
    ConfiguredStreamConfig out;
    if (!s.contains("name"))
        return Error::invalid(where + ": missing required key `" + at + ".name`");
    if (!s["name"].is_string() || s["name"].get<std::string>().empty())
        return Error::invalid(where + ": `" + at + ".name` must be a non-empty string");
    out.name = s["name"].get<std::string>();
    if (s.contains("namespace") && !s["namespace"].is_null()) {
        if (!s["namespace"].is_string())
            return Error::invalid(where + ": `" + at + ".namespace` must be a string");
        out.ns = s["namespace"].get<std::string>();
    }
    if (s.contains("selected")) {
        if (!s["selected"].is_boolean())
            return Error::invalid(where + ": `" + at + ".selected` must be true or false");
        out.selected = s["selected"].get<bool>();
    }
    // Types first: value() throws on a mode that is not a string (found by fuzz_connection_file).
    for (const char* key : {"sync_mode", "destination_sync_mode"})
        if (s.contains(key) && !s[key].is_string())
            return Error::invalid(where + ": `" + at + "." + key + "` must be a string");
    const std::string sm = s.value("sync_mode", std::string("full_refresh"));
    const std::string dm =
        s.value("destination_sync_mode", std::string(sm == "incremental" ? "append" : "overwrite"));
    auto syncMode = parseSyncMode(sm);
    if (!syncMode)
        return Error::invalid(where + ": unknown sync mode `" + sm + "` at `" + at +
                              ".sync_mode` (expected full_refresh or incremental)");
    auto destMode = parseDestinationSyncMode(dm);
    if (!destMode)
        return Error::invalid(
            where + ": unknown destination sync mode `" + dm + "` at `" + at +
            ".destination_sync_mode` (expected overwrite, overwrite_dedup, append or append_dedup)");
    out.mode = {*syncMode, *destMode};
    if (!isSupportedMode(out.mode)) {
        std::string labels;
        for (const auto& m : allStreamModes())
            labels += (labels.empty() ? "" : "; ") + m.label();
        return Error::invalid(where + ": `" + at + "` combines sync_mode " + sm +
                              " with destination_sync_mode " + dm +
                              ", which is not a mode Sluice offers (expected one of: " + labels + ")");
    }
    if (s.contains("cursor_field") && !s["cursor_field"].is_null()) {
        auto p = parsePath(s["cursor_field"], where, at + ".cursor_field");
        if (!p)
            return p.error();
        out.cursorField = std::move(p.value());
    }
    if (s.contains("primary_key") && !s["primary_key"].is_null()) {
        const json& pk = s["primary_key"];
        if (!pk.is_array())
            return Error::invalid(where + ": `" + at +
                                  ".primary_key` must be a list of field paths, like [[\"id\"]]");
        for (size_t i = 0; i < pk.size(); ++i) {
            auto p = parsePath(pk[i], where, at + ".primary_key[" + std::to_string(i) + "]");
            if (!p)
                return p.error();
            out.primaryKey.push_back(std::move(p.value()));
        }
    }
    if (s.contains("lookback") && !s["lookback"].is_null()) {
        auto lookback = parseLookback(s["lookback"], out, where);
        if (!lookback)
            return lookback.error();
        out.lookback = std::move(lookback.value());
    }
    if (Status mapped = parseStreamMapping(s, at, out); !mapped)
        return mapped.error().context(where);
    return out;
}

Result<ConnectionSettings> parseSettings(const json& j, const std::string& where) {
    ConnectionSettings out;
    if (j.is_null())
        return out;
    if (!j.is_object())
        return Error::invalid(where + ": `settings` must be an object, found " + describeJsonType(j));
    static const std::vector<std::string> known = {"state_checkpoint_interval", "schema_change_policy",
                                                   "schedule", "retry", "prefix"};
    for (auto it = j.begin(); it != j.end(); ++it)
        if (std::find(known.begin(), known.end(), it.key()) == known.end())
            return Error::invalid(
                where + ": unknown key `settings." + it.key() +
                "` (expected state_checkpoint_interval, schema_change_policy, schedule, retry "
                "or prefix)");
    if (j.contains("prefix")) {
        const auto& v = j["prefix"];
        if (!v.is_string())
            return Error::invalid(where +
                                  ": `settings.prefix` must be a string (prepended to every table name of "
                                  "the connection), found " +
                                  describeJsonType(v));
        if (const std::string problem = tablePrefixProblem(v.get<std::string>()); !problem.empty())
            return Error::invalid(where + ": `settings.prefix` " + problem);
        out.prefix = v.get<std::string>();
    }
    if (j.contains("state_checkpoint_interval")) {
        const auto& v = j["state_checkpoint_interval"];
        if (!v.is_number_integer() || v.get<int64_t>() < 1)
            return Error::invalid(where +
                                  ": `settings.state_checkpoint_interval` must be a positive integer");
        out.stateCheckpointInterval = v.get<int64_t>();
    }
    if (j.contains("schema_change_policy")) {
        const auto& v = j["schema_change_policy"];
        auto p = v.is_string() ? parseSchemaChangePolicy(v.get<std::string>()) : std::nullopt;
        if (!p)
            return Error::invalid(
                where + ": `settings.schema_change_policy` is " + v.dump() +
                ", expected one of \"block\", \"propagate_columns\", \"propagate_fully\", \"ignore\"");
        out.schemaChangePolicy = *p;
    }
    if (j.contains("schedule")) {
        const auto& s = j["schedule"];
        if (!s.is_object() || !s.contains("type") || !s["type"].is_string())
            return Error::invalid(where + ": `settings.schedule` must be an object with a `type` "
                                          "(manual, interval or cron)");
        const std::string t = s["type"];
        if (t == "manual") {
            out.schedule.type = Schedule::Type::Manual;
        } else if (t == "interval") {
            if (!s.contains("minutes") || !intIn(s["minutes"], 1, INT32_MAX))
                return Error::invalid(where + ": `settings.schedule.minutes` must be a positive integer");
            out.schedule.type = Schedule::Type::Interval;
            out.schedule.minutes = s["minutes"];
        } else if (t == "cron") {
            if (!s.contains("expression") || !s["expression"].is_string())
                return Error::invalid(where +
                                      ": `settings.schedule.expression` must be a 5-field cron expression");
            out.schedule.type = Schedule::Type::Cron;
            out.schedule.expression = s["expression"];
            // Refused here, not at the first tick: a typo must not leave a connection silently unscheduled.
            if (auto cron = CronExpression::parse(out.schedule.expression); !cron)
                return cron.error().context(where + ": `settings.schedule.expression`");
        } else {
            return Error::invalid(where + ": `settings.schedule.type` is \"" + t +
                                  "\", expected \"manual\", \"interval\" or \"cron\"");
        }
    }
    if (j.contains("retry")) {
        const auto& r = j["retry"];
        if (!r.is_object())
            return Error::invalid(where + ": `settings.retry` must be an object");
        auto readInt = [&](const char* key, int& dst, int min) -> Status {
            if (!r.contains(key))
                return {};
            if (!intIn(r[key], min, INT32_MAX))
                return Error::invalid(where + ": `settings.retry." + key + "` must be an integer >= " +
                                      std::to_string(min) + " and <= " + std::to_string(INT32_MAX));
            dst = r[key].get<int>();
            return {};
        };
        SLUICE_TRY(readInt("max_attempts", out.retry.maxAttempts, 1));
        SLUICE_TRY(readInt("max_consecutive_failures", out.retry.maxConsecutiveFailures, 1));
        SLUICE_TRY(readInt("backoff_seconds", out.retry.backoffSeconds, 0));
    }
    return out;
}

void registerSecretLeaves(const json& v) {
    if (v.is_string())
        registerSecret(v.get<std::string>());
    else if (v.is_structured())
        for (const auto& child : v)
            registerSecretLeaves(child);
    else if (!v.is_null())
        registerSecret(v.dump());
}

// `relative` from `baseDir`, made canonical where the file system can say (a name too long, a loop of links:
// the joined path as it is, and opening it later reports the problem with the file's name).
std::string absoluteFrom(const std::string& baseDir, const fs::path& relative) {
    const fs::path joined = fs::path(baseDir) / relative;
    std::error_code ec;
    fs::path canonical = fs::weakly_canonical(joined, ec);
    return ec ? joined.lexically_normal().string() : canonical.string();
}

// Connection files name files relative to themselves; the store keeps absolute paths.
void absolutizePaths(json& config, const std::string& type, const std::string& baseDir) {
    if (baseDir.empty())
        return;
    if ((type == "file" || type == "sqlite") && config.contains("path") && config["path"].is_string()) {
        fs::path p = config["path"].get<std::string>();
        if (p.is_relative())
            config["path"] = absoluteFrom(baseDir, p);
    }
    if (type == "http" && config.contains("ca_certificate") && config["ca_certificate"].is_string()) {
        fs::path p = config["ca_certificate"].get<std::string>();
        if (!p.empty() && p.is_relative())
            config["ca_certificate"] = absoluteFrom(baseDir, p);
    }
    if (type == "airbyte" && config.contains("command") && config["command"].is_array() &&
        !config["command"].empty() && config["command"][0].is_string()) {
        fs::path p = config["command"][0].get<std::string>();
        if (p.is_relative() && p.string().find('/') != std::string::npos)
            config["command"][0] = absoluteFrom(baseDir, p);
    }
}

Result<ConnectorConfig> parseConnector(const json& root, const char* key, ConnectorRole role,
                                       const std::string& where, const std::string& baseDir) {
    const json& c = root[key];
    if (!c.is_object())
        return Error::invalid(where + ": `" + key + "` must be an object with `type` and `config`, found " +
                              describeJsonType(c));
    if (!c.contains("type"))
        return Error::invalid(where + ": missing required key `" + std::string(key) + ".type`");
    if (!c["type"].is_string())
        return Error::invalid(where + ": `" + std::string(key) + ".type` must be a string");
    ConnectorConfig out;
    out.type = c["type"].get<std::string>();
    json config = c.contains("config") ? c["config"] : json::object();
    SLUICE_TRY(validateConnectorConfig(role, out.type, config, where));
    // From here on no log line, job log or error message may show them.
    for (const auto& ptr : secretValuePointers(role, out.type, config))
        registerSecretLeaves(config[json::json_pointer(ptr)]);
    absolutizePaths(config, out.type, baseDir);
    out.configJson = config.dump();
    return out;
}

} // namespace

std::string tablePrefixProblem(const std::string& prefix) {
    if (prefix.size() > 63)
        return "is " + std::to_string(prefix.size()) +
               " bytes long: at most 63 (PostgreSQL cuts longer table names)";
    for (unsigned char c : prefix)
        if (c < 0x20 || c == 0x7f)
            return "must not contain control characters (a tab, a line break, ...)";
    std::string lower = prefix.substr(0, 9);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    if (lower == "_airbyte_")
        return "must not start with `_airbyte_`: such names are the history, staging and bookkeeping tables";
    return {};
}

std::string_view toString(SchemaChangePolicy p) {
    switch (p) {
    case SchemaChangePolicy::Block:
        return "block";
    case SchemaChangePolicy::PropagateColumns:
        return "propagate_columns";
    case SchemaChangePolicy::PropagateFully:
        return "propagate_fully";
    case SchemaChangePolicy::Ignore:
        return "ignore";
    }
    return "block";
}

std::optional<SchemaChangePolicy> parseSchemaChangePolicy(std::string_view s) {
    for (auto p : {SchemaChangePolicy::Block, SchemaChangePolicy::PropagateColumns,
                   SchemaChangePolicy::PropagateFully, SchemaChangePolicy::Ignore})
        if (toString(p) == s)
            return p;
    return std::nullopt;
}

const ConfiguredStreamConfig* ConnectionConfig::findStream(const std::string& n,
                                                           const std::string& ns) const {
    for (const auto& s : streams)
        if (s.name == n && (ns.empty() || s.ns == ns))
            return &s;
    return nullptr;
}

Result<ConnectionConfig> parseConnectionJson(const std::string& text, const std::string& where,
                                             const std::string& baseDir) {
    // A connector's `config` is rendered with dump(), which recurses per level: deep nesting is refused
    // first.
    if (jsonTooDeep(text))
        return Error::invalid(where + ": the JSON is " + jsonTooDeepText());
    json root;
    try {
        root = json::parse(text);
    } catch (const json::parse_error& e) {
        std::string msg = e.what();
        if (auto p = msg.find("parse error"); p != std::string::npos)
            msg = msg.substr(p);
        // "last read: '...'" quotes the file, a password perhaps: line and column say where well enough.
        if (auto p = msg.find("; last read: '"); p != std::string::npos) {
            const auto rest = msg.rfind("'; ");
            msg = msg.substr(0, p) + (rest != std::string::npos && rest > p ? msg.substr(rest + 1) : "");
        }
        return Error::invalid(where + ": not valid JSON: " + msg);
    } catch (const json::exception& e) {
        // A number beyond a double (1e400): nlohmann's message quotes only the number.
        const std::string what = e.what();
        return Error::invalid(where + ": not valid JSON: " + what.substr(what.find(']') + 2));
    }
    if (!root.is_object())
        return Error::invalid(where + ": a connection file must hold a JSON object, found " +
                              describeJsonType(root));
    static const std::vector<std::string> known = {"name", "source", "destination", "streams", "settings"};
    for (const auto& k : {"name", "source", "destination", "streams"})
        if (!root.contains(k))
            return Error::invalid(where + ": missing required key `" + std::string(k) + "`");
    for (auto it = root.begin(); it != root.end(); ++it)
        if (std::find(known.begin(), known.end(), it.key()) == known.end())
            return Error::invalid(where + ": unknown key `" + it.key() +
                                  "` (expected name, source, destination, streams, settings)");

    ConnectionConfig out;
    if (!root["name"].is_string() || root["name"].get<std::string>().empty())
        return Error::invalid(where + ": `name` must be a non-empty string");
    out.name = root["name"].get<std::string>();
    if (out.name.find_first_not_of("0123456789") == std::string::npos)
        return Error::invalid(where + ": `name` must not be a number (numbers are connection ids)");

    auto src = parseConnector(root, "source", ConnectorRole::Source, where, baseDir);
    if (!src)
        return src.error();
    out.source = std::move(src.value());
    auto dst = parseConnector(root, "destination", ConnectorRole::Destination, where, baseDir);
    if (!dst)
        return dst.error();
    out.destination = std::move(dst.value());

    const json& streams = root["streams"];
    if (!streams.is_array())
        return Error::invalid(where + ": `streams` must be a list of stream objects, found " +
                              describeJsonType(streams));
    for (size_t i = 0; i < streams.size(); ++i) {
        auto s = parseStream(streams[i], i, where);
        if (!s)
            return s.error();
        for (const auto& prev : out.streams)
            if (prev.name == s->name && prev.ns == s->ns)
                return Error::invalid(where + ": stream `" + s->name + "` is listed twice in `streams`");
        if (s->lookback && out.source.type == "airbyte")
            return Error::invalid(
                where + ": stream `" + s->name +
                "`: lookback is not available for Airbyte connectors: their state belongs to "
                "the connector, and Sluice cannot move it back (remove `lookback`)");
        out.streams.push_back(std::move(s.value()));
    }
    auto settings = parseSettings(root.contains("settings") ? root["settings"] : json(), where);
    if (!settings)
        return settings.error();
    out.settings = settings.value();
    return out;
}

Result<ConnectionConfig> loadConnectionFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return Error::invalid(path + ": cannot read the file (does it exist?)");
    std::stringstream ss;
    ss << in.rdbuf();
    fs::path abs = fs::absolute(path);
    return parseConnectionJson(ss.str(), path, abs.parent_path().string());
}

std::string scheduleToString(const Schedule& s) {
    switch (s.type) {
    case Schedule::Type::Manual:
        return "manual";
    case Schedule::Type::Interval:
        return "every " + std::to_string(s.minutes) + (s.minutes == 1 ? " minute" : " minutes");
    case Schedule::Type::Cron:
        return "cron " + s.expression;
    }
    return "manual";
}

std::string lookbackToJson(const Lookback& l) {
    if (l.kind == Lookback::Kind::Duration)
        return json(l.text).dump();
    return l.integral ? json(static_cast<int64_t>(l.number)).dump() : json(l.number).dump();
}

std::string connectionToJson(const ConnectionConfig& c, bool revealSecrets, int indent) {
    json root;
    if (c.id)
        root["id"] = c.id;
    root["name"] = c.name;
    json src = json::parse(c.source.configJson);
    json dst = json::parse(c.destination.configJson);
    if (!revealSecrets) {
        maskSecrets(ConnectorRole::Source, c.source.type, src);
        maskSecrets(ConnectorRole::Destination, c.destination.type, dst);
    }
    root["source"] = {{"type", c.source.type}, {"config", src}};
    root["destination"] = {{"type", c.destination.type}, {"config", dst}};
    root["streams"] = json::array();
    for (const auto& s : c.streams) {
        json js = {{"name", s.name},
                   {"selected", s.selected},
                   {"sync_mode", toString(s.mode.sync)},
                   {"destination_sync_mode", toString(s.mode.destination)}};
        if (!s.ns.empty())
            js["namespace"] = s.ns;
        if (!s.cursorField.empty())
            js["cursor_field"] = s.cursorField;
        if (!s.primaryKey.empty())
            js["primary_key"] = s.primaryKey;
        if (s.lookback)
            js["lookback"] = json::parse(lookbackToJson(*s.lookback));
        if (s.mapping.selectedFields)
            js["selected_fields"] = *s.mapping.selectedFields;
        if (!s.mapping.mappers.empty())
            js["mappers"] = mappersToJson(s.mapping.mappers, revealSecrets);
        root["streams"].push_back(js);
    }
    json schedule = {{"type", "manual"}};
    if (c.settings.schedule.type == Schedule::Type::Interval)
        schedule = {{"type", "interval"}, {"minutes", c.settings.schedule.minutes}};
    else if (c.settings.schedule.type == Schedule::Type::Cron)
        schedule = {{"type", "cron"}, {"expression", c.settings.schedule.expression}};
    root["settings"] = {{"state_checkpoint_interval", c.settings.stateCheckpointInterval},
                        {"schema_change_policy", toString(c.settings.schemaChangePolicy)},
                        {"schedule", schedule},
                        {"retry",
                         {{"max_attempts", c.settings.retry.maxAttempts},
                          {"max_consecutive_failures", c.settings.retry.maxConsecutiveFailures},
                          {"backoff_seconds", c.settings.retry.backoffSeconds}}},
                        {"prefix", c.settings.prefix}};
    return root.dump(indent);
}

} // namespace sluice::core
