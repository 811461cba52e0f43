#include "engine/airbyte_secrets.h"

#include "sources/airbyte/airbyte_source.h"
#include "util/logging.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace sluice::core {

using nlohmann::json;

Result<bool> learnSecretFields(ConnectionConfig& c, std::function<bool()> stopRequested) {
    if (c.source.type != "airbyte")
        return false;
    AirbyteSource source(c.source.configJson);
    source.setStopCheck(std::move(stopRequested));
    auto fields = source.secretFields();
    if (!fields)
        return fields.error();
    json config = json::parse(c.source.configJson);
    for (const auto& f : *fields) {
        // From here on no log line or message may show them (keys named like secrets already are not).
        const json::json_pointer p("/config" + f);
        if (config.contains(p))
            registerSecret(config[p].is_string() ? config[p].get<std::string>() : config[p].dump());
    }
    json known = config.value("secret_fields", json::array());
    if (!known.is_array())
        known = json::array();
    bool changed = false;
    for (const auto& f : *fields)
        if (std::find(known.begin(), known.end(), json(f)) == known.end()) {
            known.push_back(f);
            changed = true;
        }
    if (!changed)
        return false;
    config["secret_fields"] = known;
    c.source.configJson = config.dump();
    return true;
}

} // namespace sluice::core
