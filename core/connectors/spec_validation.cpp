#include "connectors/spec_validation.h"

#include "connectors/connector_specs.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>

namespace sluice::core {

using nlohmann::json;

namespace {

// An error message, or none: the branches of a oneOf are tried without failing.
using Problem = std::optional<std::string>;

std::string typeWord(const std::string& type) {
    if (type == "integer" || type == "array" || type == "object")
        return "an " + type;
    if (type == "null")
        return "null";
    return "a " + type;
}

std::string quoted(const std::string& path) {
    return "`" + path + "`";
}

std::string choiceName(const json& branch, size_t i) {
    if (branch.is_object() && branch.contains("title") && branch["title"].is_string())
        return branch["title"].get<std::string>();
    return "choice " + std::to_string(i + 1);
}

// The `const` values a branch requires of the configuration's keys (the usual auth discriminator).
std::vector<std::pair<std::string, json>> discriminators(const json& branch) {
    std::vector<std::pair<std::string, json>> out;
    if (!branch.is_object() || !branch.contains("properties") || !branch["properties"].is_object())
        return out;
    for (auto it = branch["properties"].begin(); it != branch["properties"].end(); ++it)
        if (it->is_object() && it->contains("const"))
            out.emplace_back(it.key(), (*it)["const"]);
        else if (it->is_object() && it->contains("enum") && (*it)["enum"].is_array() &&
                 (*it)["enum"].size() == 1)
            out.emplace_back(it.key(), (*it)["enum"][0]);
    return out;
}

Problem check(const json& schema, json& value, const std::string& path);

Problem checkType(const json& schema, const json& value, const std::string& path) {
    if (!schema.contains("type"))
        return {};
    const json& t = schema["type"];
    std::vector<std::string> types;
    if (t.is_string())
        types.push_back(t.get<std::string>());
    else if (t.is_array())
        for (const auto& e : t)
            if (e.is_string())
                types.push_back(e.get<std::string>());
    if (types.empty())
        return {};
    std::string expected;
    for (const auto& type : types) {
        if (jsonMatchesType(value, type))
            return {};
        if (type == "null")
            continue; // "must be a string" reads better than "a string or null" for a value that is set
        expected += (expected.empty() ? "" : " or ") + typeWord(type);
    }
    return quoted(path) + " must be " + expected + ", found " + describeJsonType(value);
}

Problem checkValue(const json& schema, const json& value, const std::string& path) {
    if (schema.contains("const") && schema["const"] != value)
        return quoted(path) + " must be " + schema["const"].dump() + ", found " + value.dump();
    if (schema.contains("enum") && schema["enum"].is_array()) {
        std::string options;
        for (const auto& e : schema["enum"]) {
            if (e == value)
                return {};
            options += (options.empty() ? "" : ", ") + e.dump();
        }
        return quoted(path) + " is " + value.dump() + ", expected one of " + options;
    }
    if (value.is_number()) {
        const double d = value.get<double>();
        auto bound = [&](const char* key) -> std::optional<double> {
            if (schema.contains(key) && schema[key].is_number())
                return schema[key].get<double>();
            return std::nullopt;
        };
        if (auto m = bound("minimum"); m && d < *m)
            return quoted(path) + " must be at least " + schema["minimum"].dump() + ", found " + value.dump();
        if (auto m = bound("maximum"); m && d > *m)
            return quoted(path) + " must be at most " + schema["maximum"].dump() + ", found " + value.dump();
        if (auto m = bound("exclusiveMinimum"); m && d <= *m)
            return quoted(path) + " must be more than " + schema["exclusiveMinimum"].dump() + ", found " +
                   value.dump();
        if (auto m = bound("exclusiveMaximum"); m && d >= *m)
            return quoted(path) + " must be less than " + schema["exclusiveMaximum"].dump() + ", found " +
                   value.dump();
    }
    if (value.is_string()) {
        const std::string& s = value.get_ref<const std::string&>();
        if (schema.contains("minLength") && schema["minLength"].is_number() &&
            s.size() < schema["minLength"].get<size_t>())
            return quoted(path) + " must be at least " + schema["minLength"].dump() + " characters long";
        if (schema.contains("maxLength") && schema["maxLength"].is_number() &&
            s.size() > schema["maxLength"].get<size_t>())
            return quoted(path) + " must be at most " + schema["maxLength"].dump() + " characters long";
        if (schema.contains("pattern") && schema["pattern"].is_string()) {
            const std::string pattern = schema["pattern"].get<std::string>();
            try {
                if (!std::regex_search(s, std::regex(pattern, std::regex::ECMAScript)))
                    return quoted(path) + " must match the pattern " + pattern + ", found " + value.dump();
            } catch (const std::regex_error&) {
                // A pattern std::regex cannot compile (a lookbehind, ...): the connector checks it itself.
            }
        }
    }
    return {};
}

Problem checkObject(const json& schema, json& value, const std::string& path) {
    const json props = schema.value("properties", json::object());
    if (!props.is_object())
        return {};
    for (auto p = props.begin(); p != props.end(); ++p)
        if (!value.contains(p.key()) && p->is_object() && p->contains("default"))
            value[p.key()] = (*p)["default"];
    if (schema.contains("required") && schema["required"].is_array())
        for (const auto& req : schema["required"])
            if (req.is_string() && !value.contains(req.get<std::string>()))
                return "missing required key " + quoted(path + "." + req.get<std::string>());
    const json extra = schema.value("additionalProperties", json(true));
    for (auto it = value.begin(); it != value.end(); ++it) {
        const std::string key = path + "." + it.key();
        if (props.contains(it.key())) {
            if (auto p = check(props[it.key()], it.value(), key))
                return p;
        } else if (extra == json(false)) {
            std::string known;
            for (auto p = props.begin(); p != props.end(); ++p)
                known += (known.empty() ? "" : ", ") + p.key();
            return "unknown key " + quoted(key) + " (expected one of: " + known + ")";
        } else if (extra.is_object()) {
            if (auto p = check(extra, it.value(), key))
                return p;
        }
    }
    return {};
}

Problem checkArray(const json& schema, json& value, const std::string& path) {
    if (schema.contains("minItems") && schema["minItems"].is_number() &&
        value.size() < schema["minItems"].get<size_t>())
        return quoted(path) + " must have at least " + schema["minItems"].dump() + " items";
    if (schema.contains("maxItems") && schema["maxItems"].is_number() &&
        value.size() > schema["maxItems"].get<size_t>())
        return quoted(path) + " must have at most " + schema["maxItems"].dump() + " items";
    if (schema.contains("items") && schema["items"].is_object())
        for (size_t i = 0; i < value.size(); ++i)
            if (auto p = check(schema["items"], value[i], path + "[" + std::to_string(i) + "]"))
                return p;
    return {};
}

// Exactly one branch must match; the value takes that branch's defaults. When none does, the branch the
// configuration names (by its discriminator) explains why; else the choices are listed.
Problem checkOneOf(const json& branches, json& value, const std::string& path) {
    std::vector<size_t> matched;
    std::vector<json> results;
    std::vector<Problem> problems;
    for (size_t i = 0; i < branches.size(); ++i) {
        json copy = value;
        problems.push_back(check(branches[i], copy, path));
        results.push_back(std::move(copy));
        if (!problems.back())
            matched.push_back(i);
    }
    if (matched.size() == 1) {
        value = std::move(results[matched[0]]);
        return {};
    }
    std::string choices;
    for (size_t i = 0; i < branches.size(); ++i) {
        std::string name = choiceName(branches[i], i);
        for (const auto& [key, v] : discriminators(branches[i]))
            name += " (" + key + " = " + v.dump() + ")";
        choices += (choices.empty() ? "" : ", ") + name;
    }
    if (matched.size() > 1)
        return quoted(path) + " matches more than one of the choices " + choices +
               "; set the key that tells them apart";
    for (size_t i = 0; i < branches.size(); ++i) {
        const auto d = discriminators(branches[i]);
        const bool named =
            !d.empty() && value.is_object() && std::all_of(d.begin(), d.end(), [&](const auto& kv) {
                return value.contains(kv.first) && value[kv.first] == kv.second;
            });
        if (named)
            return *problems[i] + " (for the choice " + choiceName(branches[i], i) + ")";
    }
    return quoted(path) + " matches none of the choices: " + choices;
}

Problem check(const json& schema, json& value, const std::string& path) {
    if (!schema.is_object())
        return {}; // `true`, or a schema Sluice cannot read: nothing to refuse
    if (auto p = checkType(schema, value, path))
        return p;
    if (auto p = checkValue(schema, value, path))
        return p;
    if (value.is_object())
        if (auto p = checkObject(schema, value, path))
            return p;
    if (value.is_array())
        if (auto p = checkArray(schema, value, path))
            return p;
    if (schema.contains("allOf") && schema["allOf"].is_array())
        for (const auto& s : schema["allOf"])
            if (auto p = check(s, value, path))
                return p;
    if (schema.contains("anyOf") && schema["anyOf"].is_array() && !schema["anyOf"].empty()) {
        Problem first;
        bool any = false;
        for (const auto& s : schema["anyOf"]) {
            json copy = value;
            Problem p = check(s, copy, path);
            if (!p) {
                value = std::move(copy);
                any = true;
                break;
            }
            if (!first)
                first = p;
        }
        if (!any)
            return first;
    }
    if (schema.contains("oneOf") && schema["oneOf"].is_array() && !schema["oneOf"].empty())
        return checkOneOf(schema["oneOf"], value, path);
    return {};
}

void collectSecrets(const json& schema, const json& value, const std::string& pointer,
                    std::vector<std::string>& out) {
    if (!schema.is_object() || value.is_null())
        return;
    if (schema.value("airbyte_secret", false)) {
        out.push_back(pointer);
        return;
    }
    if (value.is_object() && schema.contains("properties") && schema["properties"].is_object())
        for (auto p = schema["properties"].begin(); p != schema["properties"].end(); ++p)
            if (value.contains(p.key()))
                collectSecrets(*p, value[p.key()], pointer + "/" + escapeJsonPointer(p.key()), out);
    if (value.is_array() && schema.contains("items"))
        for (size_t i = 0; i < value.size(); ++i)
            collectSecrets(schema["items"], value[i], pointer + "/" + std::to_string(i), out);
    for (const char* key : {"allOf", "anyOf", "oneOf"}) {
        if (!schema.contains(key) || !schema[key].is_array())
            continue;
        for (const auto& branch : schema[key]) {
            // Only the branch this configuration takes: another branch's secret key may name a plain field.
            json copy = value;
            if (std::string(key) == "allOf" || !check(branch, copy, ""))
                collectSecrets(branch, value, pointer, out);
        }
    }
}

} // namespace

bool jsonMatchesType(const json& v, const std::string& type) {
    if (type == "string")
        return v.is_string();
    if (type == "integer") {
        if (v.is_number_integer())
            return true;
        // 3.0 is an integer; 1e30 is not one Sluice can hold, and converting it would be undefined behaviour.
        const double d = v.is_number_float() ? v.get<double>() : 0.5;
        return std::isfinite(d) && d > -9.2e18 && d < 9.2e18 && d == std::trunc(d);
    }
    if (type == "number")
        return v.is_number();
    if (type == "boolean")
        return v.is_boolean();
    if (type == "array")
        return v.is_array();
    if (type == "object")
        return v.is_object();
    if (type == "null")
        return v.is_null();
    return true; // an unknown type name: not ours to refuse
}

std::string escapeJsonPointer(const std::string& key) {
    std::string out;
    for (char c : key)
        out += c == '~' ? std::string("~0") : c == '/' ? std::string("~1") : std::string(1, c);
    return out;
}

Status validateAgainstSpec(const json& spec, json& config, const std::string& prefix) {
    if (config.is_null())
        config = json::object();
    json checked = config;
    if (auto p = check(spec, checked, prefix))
        return Error::config("the connector's configuration does not fit its spec: " + *p);
    config = std::move(checked);
    return {};
}

std::vector<std::string> specSecretPointers(const json& spec, const json& config) {
    std::vector<std::string> out;
    collectSecrets(spec, config, "", out);
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

} // namespace sluice::core
