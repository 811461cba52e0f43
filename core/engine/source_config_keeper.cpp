#include "engine/source_config_keeper.h"

#include "engine/job_log.h"
#include "store/connection_repository.h"
#include "store/store.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace sluice::core {

using nlohmann::json;

namespace {
// "/config/api_token" -> "config.api_token"
std::string keyName(const std::string& pointer) {
    std::string out = pointer.empty() ? pointer : pointer.substr(1);
    std::replace(out.begin(), out.end(), '/', '.');
    return out;
}
} // namespace

Result<std::string> keepSourceConfig(Store& store, int64_t connectionId, const SourceConfigUpdate& update,
                                     JobLog* log) {
    const json next = json::parse(update.configJson, nullptr, false);
    if (!next.is_object())
        return Error::internal("a source reported a configuration that is not a JSON object");
    ConnectionRepository connections(store.db());
    auto c = connections.get(connectionId);
    if (!c)
        return c.error().context("keeping the configuration the connector updated");
    json stored = json::parse(c->source.configJson, nullptr, false);
    if (!stored.is_object())
        stored = json::object();
    std::string keys;
    for (const auto& ptr : update.changed) {
        const json::json_pointer p(ptr);
        if (next.contains(p)) {
            stored[p] = next[p];
        } else if (stored.contains(p)) {
            json& parent = stored[p.parent_pointer()];
            if (parent.is_object())
                parent.erase(p.back());
        }
        if (ptr != "/secret_fields") // Sluice's bookkeeping, not a key of the connector
            keys += (keys.empty() ? "" : ", ") + keyName(ptr);
    }
    c->source.configJson = stored.dump();
    if (Status kept = connections.update(connectionId, *c); !kept)
        return kept.error().context("keeping the configuration the connector updated");
    if (log)
        log->info("connector updated its configuration (keys: " + keys + ")");
    return c->source.configJson;
}

} // namespace sluice::core
