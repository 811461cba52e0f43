#include "mapping/mapper_spec.h"

#include "connectors/connector_specs.h"
#include "util/logging.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

namespace sluice::core {

namespace {

using nlohmann::json;

const std::vector<std::string>& hashMethods() {
    static const std::vector<std::string> m = {"MD5", "SHA-1", "SHA-224", "SHA-256", "SHA-384", "SHA-512"};
    return m;
}

Result<std::string> text(const json& cfg, const char* key, const std::string& at, bool required = true,
                         const std::string& fallback = {}) {
    if (!cfg.contains(key)) {
        if (!required)
            return fallback;
        return Error::invalid("`" + at + ".mapperConfiguration." + key + "` is missing");
    }
    if (!cfg[key].is_string() || (required && cfg[key].get<std::string>().empty()))
        return Error::invalid("`" + at + ".mapperConfiguration." + key + "` must be a non-empty string");
    return cfg[key].get<std::string>();
}

Result<FilterCondition> parseCondition(const json& c, const std::string& at) {
    if (!c.is_object() || !c.contains("type") || !c["type"].is_string())
        return Error::invalid("`" + at + "` must be an object with a `type` (EQUAL or NOT)");
    FilterCondition out;
    const std::string type = c["type"].get<std::string>();
    if (type == "EQUAL") {
        auto field = text(c, "fieldName", at);
        if (!field)
            return Error::invalid("`" + at + ".fieldName` must be a non-empty string");
        out.fieldName = *field;
        if (!c.contains("comparisonValue") || c["comparisonValue"].is_structured() ||
            c["comparisonValue"].is_null())
            return Error::invalid("`" + at + ".comparisonValue` must be a string or a number");
        const json& v = c["comparisonValue"];
        out.comparisonValue = v.is_string() ? v.get<std::string>() : v.dump();
        return out;
    }
    if (type == "NOT") {
        out.kind = FilterCondition::Kind::Not;
        if (!c.contains("conditions") || !c["conditions"].is_array() || c["conditions"].empty())
            return Error::invalid("`" + at + ".conditions` must be a non-empty list of conditions");
        for (size_t i = 0; i < c["conditions"].size(); ++i) {
            auto sub = parseCondition(c["conditions"][i], at + ".conditions[" + std::to_string(i) + "]");
            if (!sub)
                return sub.error();
            out.conditions.push_back(std::move(*sub));
        }
        return out;
    }
    return Error::invalid("`" + at + ".type` is \"" + type + "\": expected EQUAL or NOT");
}

json conditionToJson(const FilterCondition& c) {
    if (c.kind == FilterCondition::Kind::Equal)
        return {{"type", "EQUAL"}, {"fieldName", c.fieldName}, {"comparisonValue", c.comparisonValue}};
    json list = json::array();
    for (const auto& sub : c.conditions)
        list.push_back(conditionToJson(sub));
    return {{"type", "NOT"}, {"conditions", list}};
}

bool sameCondition(const FilterCondition& a, const FilterCondition& b) {
    if (a.kind != b.kind || a.fieldName != b.fieldName || a.comparisonValue != b.comparisonValue ||
        a.conditions.size() != b.conditions.size())
        return false;
    for (size_t i = 0; i < a.conditions.size(); ++i)
        if (!sameCondition(a.conditions[i], b.conditions[i]))
            return false;
    return true;
}

bool isHexKey(const std::string& k) {
    return std::all_of(k.begin(), k.end(), [](unsigned char c) { return std::isxdigit(c) != 0; });
}

Result<MapperSpec> parseOne(const json& m, const std::string& at) {
    if (!m.is_object() || !m.contains("type") || !m["type"].is_string())
        return Error::invalid("`" + at +
                              "` must be an object with a `type` (hashing, field-renaming, row-filtering or "
                              "encryption) and a `mapperConfiguration`");
    if (!m.contains("mapperConfiguration") || !m["mapperConfiguration"].is_object())
        return Error::invalid("`" + at + ".mapperConfiguration` must be an object");
    const json& cfg = m["mapperConfiguration"];
    const std::string type = m["type"].get<std::string>();
    MapperSpec out;
    if (type == "hashing") {
        out.type = MapperSpec::Type::Hashing;
        auto target = text(cfg, "targetField", at);
        auto method = text(cfg, "method", at);
        auto suffix = text(cfg, "fieldNameSuffix", at, false, "_hashed");
        for (auto* r : {&target, &method, &suffix})
            if (!*r)
                return r->error();
        out.targetField = *target;
        out.method = *method;
        out.fieldNameSuffix = *suffix;
        const auto& methods = hashMethods();
        if (std::find(methods.begin(), methods.end(), out.method) == methods.end())
            return Error::invalid("`" + at + ".mapperConfiguration.method` is \"" + out.method +
                                  "\": expected MD5, SHA-1, SHA-224, SHA-256, SHA-384 or SHA-512");
    } else if (type == "field-renaming") {
        out.type = MapperSpec::Type::FieldRenaming;
        auto from = text(cfg, "originalFieldName", at);
        auto to = text(cfg, "newFieldName", at);
        for (auto* r : {&from, &to})
            if (!*r)
                return r->error();
        out.originalFieldName = *from;
        out.newFieldName = *to;
    } else if (type == "row-filtering") {
        out.type = MapperSpec::Type::RowFiltering;
        if (!cfg.contains("conditions"))
            return Error::invalid("`" + at + ".mapperConfiguration.conditions` is missing");
        auto c = parseCondition(cfg["conditions"], at + ".mapperConfiguration.conditions");
        if (!c)
            return c.error();
        out.condition = std::move(*c);
    } else if (type == "encryption") {
        out.type = MapperSpec::Type::Encryption;
        auto target = text(cfg, "targetField", at);
        auto key = text(cfg, "key", at);
        auto algorithm = text(cfg, "algorithm", at, false, "AES");
        auto mode = text(cfg, "mode", at, false, "CBC");
        auto padding = text(cfg, "padding", at, false, "PKCS5Padding");
        auto suffix = text(cfg, "fieldNameSuffix", at, false, "_encrypted");
        for (auto* r : {&target, &key, &algorithm, &mode, &padding, &suffix})
            if (!*r)
                return r->error();
        out.targetField = *target;
        out.key = *key;
        out.algorithm = *algorithm;
        out.mode = *mode;
        out.padding = *padding;
        out.fieldNameSuffix = *suffix;
        // No log line may show it, from the moment it is read.
        registerSecret(out.key);
        if (out.algorithm != "AES")
            return Error::invalid("`" + at + ".mapperConfiguration.algorithm` is \"" + out.algorithm +
                                  "\": Sluice encrypts with AES only");
        if (out.mode != "CBC")
            return Error::invalid("`" + at + ".mapperConfiguration.mode` is \"" + out.mode +
                                  "\": Sluice encrypts in CBC mode only");
        if (out.padding != "PKCS5Padding")
            return Error::invalid("`" + at + ".mapperConfiguration.padding` is \"" + out.padding +
                                  "\": Sluice pads with PKCS5Padding only");
        // The mask of an exported connection is resolved by the store against the key it keeps.
        if (out.key != kSecretMask &&
            (!isHexKey(out.key) || (out.key.size() != 32 && out.key.size() != 48 && out.key.size() != 64)))
            return Error::invalid("`" + at +
                                  ".mapperConfiguration.key` must be an AES key in hex: 32, 48 or 64 "
                                  "hex digits (16, 24 or 32 bytes), found " +
                                  std::to_string(out.key.size()) + " characters");
    } else {
        return Error::invalid("`" + at + ".type` is \"" + type +
                              "\": expected hashing, field-renaming, row-filtering or encryption");
    }
    return out;
}

} // namespace

const char* mapperTypeName(MapperSpec::Type t) {
    switch (t) {
    case MapperSpec::Type::Hashing:
        return "hashing";
    case MapperSpec::Type::FieldRenaming:
        return "field-renaming";
    case MapperSpec::Type::RowFiltering:
        return "row-filtering";
    case MapperSpec::Type::Encryption:
        return "encryption";
    }
    return "hashing";
}

std::string MapperSpec::describe() const {
    switch (type) {
    case Type::Hashing:
    case Type::Encryption:
        return std::string(mapperTypeName(type)) + " of `" + targetField + "`";
    case Type::FieldRenaming:
        return "field-renaming of `" + originalFieldName + "` to `" + newFieldName + "`";
    case Type::RowFiltering:
        return "row-filtering";
    }
    return {};
}

bool MapperSpec::operator==(const MapperSpec& o) const {
    return type == o.type && targetField == o.targetField && fieldNameSuffix == o.fieldNameSuffix &&
           method == o.method && originalFieldName == o.originalFieldName && newFieldName == o.newFieldName &&
           sameCondition(condition, o.condition) && algorithm == o.algorithm && key == o.key &&
           mode == o.mode && padding == o.padding;
}

Result<std::vector<MapperSpec>> parseMappers(const json& list, const std::string& at) {
    if (!list.is_array())
        return Error::invalid("`" + at + "` must be a list of mappers");
    std::vector<MapperSpec> out;
    for (size_t i = 0; i < list.size(); ++i) {
        auto m = parseOne(list[i], at + "[" + std::to_string(i) + "]");
        if (!m)
            return m.error();
        out.push_back(std::move(*m));
    }
    return out;
}

json mappersToJson(const std::vector<MapperSpec>& mappers, bool revealSecrets) {
    json out = json::array();
    for (const auto& m : mappers) {
        json cfg;
        switch (m.type) {
        case MapperSpec::Type::Hashing:
            cfg = {
                {"targetField", m.targetField}, {"method", m.method}, {"fieldNameSuffix", m.fieldNameSuffix}};
            break;
        case MapperSpec::Type::FieldRenaming:
            cfg = {{"originalFieldName", m.originalFieldName}, {"newFieldName", m.newFieldName}};
            break;
        case MapperSpec::Type::RowFiltering:
            cfg = {{"conditions", conditionToJson(m.condition)}};
            break;
        case MapperSpec::Type::Encryption:
            cfg = {{"algorithm", m.algorithm},
                   {"targetField", m.targetField},
                   {"key", revealSecrets ? m.key : std::string(kSecretMask)},
                   {"mode", m.mode},
                   {"padding", m.padding},
                   {"fieldNameSuffix", m.fieldNameSuffix}};
            break;
        }
        out.push_back({{"type", mapperTypeName(m.type)}, {"mapperConfiguration", cfg}});
    }
    return out;
}

} // namespace sluice::core
