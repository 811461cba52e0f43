// The connection-file validator on any text. A file it accepts must survive the round trip through the
// format Sluice writes (connectionToJson), and masking must never fail.
#include "config/connection_config.h"
#include "connectors/connector_specs.h"

#include <nlohmann/json.hpp>
#include <string>

using namespace sluice::core;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    auto parsed = parseConnectionJson(text, "fuzz.json", "/tmp");
    if (!parsed)
        return 0;
    for (bool reveal : {false, true}) {
        const std::string written = connectionToJson(*parsed, reveal);
        auto again = parseConnectionJson(written, "fuzz-again.json", "/tmp");
        // Masked secrets may break a connector's own validation (a masked number); revealed ones never may.
        if (reveal && !again)
            __builtin_trap();
    }
    auto config = nlohmann::json::parse(parsed->source.configJson);
    maskSecrets(ConnectorRole::Source, parsed->source.type, config);
    return 0;
}
