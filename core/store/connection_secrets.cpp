#include "store/connection_secrets.h"

#include "connectors/connector_specs.h"
#include "util/logging.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

namespace sluice::core {

namespace {

using nlohmann::json;

// "/config/api_key" -> "source.config.config.api_key", the way messages name keys of connection files.
std::string keyName(const char* role, const std::string& pointer) {
    std::string out = std::string(role) + ".config";
    for (char c : pointer)
        out += c == '/' ? '.' : c;
    return out;
}

Result<std::string> sealOne(SecretStore& store, ConnectorRole role, const ConnectorConfig& config,
                            const std::string& previousJson, SealedConfigs& sealed) {
    const char* roleName = role == ConnectorRole::Source ? "source" : "destination";
    json j = json::parse(config.configJson);
    const json previous = previousJson.empty() ? json() : json::parse(previousJson, nullptr, false);
    for (const auto& ptr : secretValuePointers(role, config.type, j)) {
        const json::json_pointer p(ptr);
        json& v = j[p];
        if (v.is_string() && SecretStore::isReference(v.get<std::string>()))
            return Error::invalid("`" + keyName(roleName, ptr) + "` holds a reference to a stored secret, " +
                                  "not a secret; put the real value in the file");
        if (v == json(kSecretMask)) {
            const json* before = previous.is_object() && previous.contains(p) ? &previous[p] : nullptr;
            if (!before || !before->is_string() || !SecretStore::isReference(before->get<std::string>()))
                return Error::invalid(
                    "`" + keyName(roleName, ptr) + "` is the mask " + kSecretMask +
                    " of an exported connection, not a secret; put the real value in the file");
            sealed.kept.push_back(before->get<std::string>());
            v = *before;
            continue;
        }
        // The JSON text, so that a secret number or object comes back as what it was.
        auto ref = store.put(v.dump());
        if (!ref)
            return ref.error().context("storing the secret `" + keyName(roleName, ptr) + "`");
        sealed.written.push_back(*ref);
        v = *ref;
    }
    return j.dump();
}

void collectReferences(const json& node, std::vector<std::string>& out) {
    if (node.is_string()) {
        if (SecretStore::isReference(node.get<std::string>()))
            out.push_back(node.get<std::string>());
    } else if (node.is_structured()) {
        for (const auto& child : node)
            collectReferences(child, out);
    }
}

Status unsealNode(SecretStore& store, json& node, const std::string& pointer, const std::string& where) {
    if (node.is_string()) {
        if (!SecretStore::isReference(node.get<std::string>()))
            return {};
        auto value = store.get(node.get<std::string>());
        if (!value)
            return value.error().context(where);
        if (!value.value()) {
            logger("store")->warn("{}: the secret at `{}` is missing from {}; set it again with `sluicectl "
                                  "connection update`",
                                  where, pointer, store.filePath());
            node = nullptr;
            return {};
        }
        node = json::parse(**value, nullptr, false);
        if (node.is_discarded())
            node = **value;
        return {};
    }
    if (node.is_object()) {
        for (auto it = node.begin(); it != node.end(); ++it)
            SLUICE_TRY(unsealNode(store, *it, pointer + "/" + it.key(), where));
    } else if (node.is_array()) {
        for (size_t i = 0; i < node.size(); ++i)
            SLUICE_TRY(unsealNode(store, node[i], pointer + "/" + std::to_string(i), where));
    }
    return {};
}

} // namespace

Result<SealedConfigs> sealSecrets(SecretStore& store, const ConnectionConfig& c,
                                  const std::string& previousSource, const std::string& previousDestination) {
    SealedConfigs sealed;
    auto undo = [&](const Error& e) -> Error {
        (void)store.remove(sealed.written);
        return e;
    };
    auto source = sealOne(store, ConnectorRole::Source, c.source, previousSource, sealed);
    if (!source)
        return undo(source.error());
    auto destination = sealOne(store, ConnectorRole::Destination, c.destination, previousDestination, sealed);
    if (!destination)
        return undo(destination.error());
    sealed.source = std::move(*source);
    sealed.destination = std::move(*destination);
    return sealed;
}

Status sealMappings(SecretStore& store, const ConnectionConfig& c, const StoredMappings& previous,
                    SealedConfigs& sealed) {
    for (const auto& s : c.streams) {
        if (s.mapping.empty()) {
            sealed.mappings.emplace_back();
            continue;
        }
        json m = json::object();
        if (s.mapping.selectedFields)
            m["selected_fields"] = *s.mapping.selectedFields;
        m["mappers"] = mappersToJson(s.mapping.mappers, true);
        const auto before = previous.find({s.ns, s.name});
        const json old = before == previous.end() ? json() : json::parse(before->second, nullptr, false);
        for (size_t i = 0; i < m["mappers"].size(); ++i) {
            json& cfg = m["mappers"][i]["mapperConfiguration"];
            if (!cfg.contains("key"))
                continue;
            const std::string where =
                "`streams[" + s.name + "].mappers[" + std::to_string(i) + "]." + "mapperConfiguration.key`";
            const std::string key = cfg["key"].get<std::string>();
            if (key == kSecretMask) {
                const json::json_pointer p("/mappers/" + std::to_string(i) + "/mapperConfiguration/key");
                const json* was = old.is_object() && old.contains(p) ? &old[p] : nullptr;
                // Moved in the list (the mapper editor reorders): the stored encryption of the same field.
                if ((!was || !was->is_string() || !SecretStore::isReference(was->get<std::string>())) &&
                    old.is_object() && old.contains("mappers") && old["mappers"].is_array())
                    for (const auto& o : old["mappers"])
                        if (o.value("type", "") == "encryption" && o.contains("mapperConfiguration") &&
                            o["mapperConfiguration"].value("targetField", "") ==
                                cfg.value("targetField", "") &&
                            o["mapperConfiguration"].contains("key"))
                            was = &o["mapperConfiguration"]["key"];
                if (!was || !was->is_string() || !SecretStore::isReference(was->get<std::string>()))
                    return Error::invalid(
                        where + " is the mask " + kSecretMask +
                        " of an exported connection, not a key; put the real key in the file");
                sealed.kept.push_back(was->get<std::string>());
                cfg["key"] = *was;
                continue;
            }
            auto ref = store.put(json(key).dump());
            if (!ref)
                return ref.error().context("storing the secret " + where);
            sealed.written.push_back(*ref);
            cfg["key"] = *ref;
        }
        sealed.mappings.push_back(m.dump());
    }
    return {};
}

Result<std::string> unsealSecrets(SecretStore& store, const std::string& storedJson,
                                  const std::string& where) {
    // Most configurations have no secret: no parse, no rewrite.
    if (storedJson.find("sluice-secret:") == std::string::npos)
        return storedJson;
    json j = json::parse(storedJson, nullptr, false);
    if (j.is_discarded())
        return storedJson;
    SLUICE_TRY(unsealNode(store, j, "", where));
    return j.dump();
}

std::vector<std::string> secretReferences(const std::string& storedJson) {
    std::vector<std::string> out;
    if (storedJson.find("sluice-secret:") == std::string::npos)
        return out;
    collectReferences(json::parse(storedJson, nullptr, false), out);
    return out;
}

} // namespace sluice::core
