#include "engine/first_start.h"

#include "catalog/stream.h"
#include "config/connection_config.h"
#include "sources/source.h"
#include "store/connection_repository.h"
#include "store/settings_repository.h"
#include "util/logging.h"

#include <filesystem>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

namespace sluice::core {

std::string demoConnectionJson(const std::string& home) {
    using nlohmann::json;
    const std::string path = (std::filesystem::path(home) / "demo.sqlite").string();
    // One stream in each family of modes, so that every refresh option can be seen on the demo.
    json doc = {
        {"name", "demo"},
        {"source", {{"type", "demo"}, {"config", {{"count", 1000}, {"churn", 0.1}}}}},
        {"destination", {{"type", "sqlite"}, {"config", {{"path", path}}}}},
        {"streams",
         json::array(
             {{{"name", "users"}, {"sync_mode", "incremental"}, {"destination_sync_mode", "append_dedup"}},
              {{"name", "products"}, {"sync_mode", "full_refresh"}, {"destination_sync_mode", "overwrite"}},
              {{"name", "purchases"}, {"sync_mode", "incremental"}, {"destination_sync_mode", "append"}}})},
    };
    return doc.dump(2);
}

Result<std::optional<int64_t>> initialiseHome(Database& store, const std::string& home) {
    // Under one write lock: two windows opened at once on a new home create one demo, not two (or an error).
    auto result = store.write("creating the demo connection", [&]() -> Result<std::optional<int64_t>> {
        SettingsRepository settings(store);
        auto done = settings.get(kHomeInitialisedKey);
        if (!done)
            return done.error();
        if (done.value())
            return std::optional<int64_t>{};
        ConnectionRepository connections(store);
        auto list = connections.list();
        if (!list)
            return list.error();
        std::optional<int64_t> created;
        if (list->empty()) {
            auto config = parseConnectionJson(demoConnectionJson(home), "the demo connection", home);
            if (!config)
                return config.error();
            auto id = connections.create(config.value());
            if (!id)
                return id.error();
            created = id.value();
            // The demo's streams are known without a sync: the table shows their columns, cursor and key at
            // once.
            if (auto source = makeSource(config->source.type, config->source.configJson))
                if (auto streams = source.value()->discover())
                    for (const auto& s : streams.value())
                        (void)connections.setStreamSchema(id.value(), s.ns, s.name, streamToJson(s));
        }
        SLUICE_TRY(settings.set(kHomeInitialisedKey, "1"));
        return created;
    });
    if (result && result.value())
        logger("engine")->info("first start: created the demo connection (id {})", *result.value());
    return result;
}

} // namespace sluice::core
