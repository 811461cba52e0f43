// AirbyteSource's CONTROL CONNECTOR_CONFIG: a connector replacing its own configuration (a rotated token).
#include "connectors/connector_specs.h"
#include "connectors/spec_validation.h"
#include "sources/airbyte/airbyte_source.h"
#include "util/logging.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace sluice::core {

using nlohmann::json;

Status AirbyteSource::applyConnectorConfig(const std::string& connectorConfigJson) {
    const json next = json::parse(connectorConfigJson, nullptr, false);
    if (!next.is_object())
        return Error::transient("the connector sent a CONNECTOR_CONFIG that is not a JSON object");
    const json before = json::parse(m_connectorConfigJson, nullptr, false);
    // The platform replaces the configuration as a whole; what changed is named by its top-level keys.
    std::vector<std::string> changed;
    for (const json* side : {&before, &next})
        for (auto it = side->begin(); it != side->end(); ++it) {
            const std::string ptr = "/config/" + escapeJsonPointer(it.key());
            const bool same =
                before.contains(it.key()) && next.contains(it.key()) && before[it.key()] == next[it.key()];
            if (!same && std::find(changed.begin(), changed.end(), ptr) == changed.end())
                changed.push_back(ptr);
        }
    if (changed.empty())
        return {};
    json full = json::parse(m_sourceConfigJson);
    full["config"] = next;
    // A key the spec marks secret, new or not, goes to the secret store with the rest.
    auto spec = cachedSpec(/*runSpec=*/false);
    if (spec && *spec) {
        json known = full.value("secret_fields", json::array());
        if (!known.is_array())
            known = json::array();
        const size_t had = known.size();
        for (const auto& f : specSecretPointers(json::parse(**spec, nullptr, false), next))
            if (std::find(known.begin(), known.end(), json(f)) == known.end())
                known.push_back(f);
        if (known.size() != had) {
            full["secret_fields"] = known;
            changed.push_back("/secret_fields");
        }
    }
    // From here on no log line may show the new secrets.
    for (const auto& ptr : secretValuePointers(ConnectorRole::Source, "airbyte", full)) {
        const json& v = full[json::json_pointer(ptr)];
        registerSecret(v.is_string() ? v.get<std::string>() : v.dump());
    }
    m_connectorConfigJson = next.dump();
    m_sourceConfigJson = full.dump();
    return reportConfigUpdate({m_sourceConfigJson, changed});
}

} // namespace sluice::core
