// check and discover: asking the connectors themselves.
#include "cli/cli_context.h"
#include "cli/cli_json.h"
#include "cli/cli_signals.h"
#include "destinations/destination.h"
#include "engine/connection_destination.h"
#include "sources/source.h"
#include "store/connection_repository.h"

#include <nlohmann/json.hpp>
#include <ostream>

namespace sluice::core::cli {

using nlohmann::json;

int cmdCheck(Context& ctx) {
    auto c = connectionArg(ctx);
    if (!c)
        return ctx.fail(c.error());
    StopOnSignals signals; // Ctrl-C stops the connector too, and its private folder is removed
    Status sourceStatus;
    if (auto source = makeSource(c->source.type, c->source.configJson)) {
        source.value()->setStopCheck([&signals] { return signals.stopRequested(); });
        sourceStatus = source.value()->check();
    } else {
        sourceStatus = source.error();
    }
    Status destStatus;
    if (auto dest = makeDestinationFor(*c))
        destStatus = dest.value()->check();
    else
        destStatus = dest.error();
    auto entry = [](const Status& s) {
        return json{{"status", s.ok() ? "succeeded" : "failed"},
                    {"message", s.ok() ? json() : json(s.error().message)}};
    };
    if (ctx.json()) {
        *ctx.out << printable(json{{"source", entry(sourceStatus)}, {"destination", entry(destStatus)}}, 2)
                 << "\n";
    } else {
        *ctx.out << "source (" << c->source.type
                 << "): " << (sourceStatus.ok() ? "OK" : sourceStatus.error().message) << "\n";
        *ctx.out << "destination (" << c->destination.type
                 << "): " << (destStatus.ok() ? "OK" : destStatus.error().message) << "\n";
    }
    return sourceStatus.ok() && destStatus.ok() ? kExitOk : kExitJobFailed;
}

int cmdDiscover(Context& ctx) {
    auto c = connectionArg(ctx);
    if (!c)
        return ctx.fail(c.error());
    auto source = makeSource(c->source.type, c->source.configJson);
    if (!source)
        return ctx.fail(source.error());
    StopOnSignals signals;
    source.value()->setStopCheck([&signals] { return signals.stopRequested(); });
    auto streams = source.value()->discover();
    if (!streams)
        return ctx.fail(streams.error());
    if (ctx.json()) {
        json arr = json::array();
        for (const auto& s : streams.value())
            arr.push_back(json::parse(streamToJson(s)));
        *ctx.out << printable(json{{"streams", arr}}, 2) << "\n";
        return kExitOk;
    }
    for (const auto& s : streams.value()) {
        *ctx.out << s.name << (s.ns.empty() ? "" : " (namespace " + s.ns + ")") << "\n";
        for (const auto& col : s.columns)
            *ctx.out << "  " << col.name << ": " << toString(col.type) << "\n";
        std::string modes;
        for (auto m : s.supportedSyncModes)
            modes += (modes.empty() ? "" : ", ") + std::string(toString(m));
        *ctx.out << "  sync modes: " << modes;
        if (!s.defaultCursorField.empty())
            *ctx.out << "; cursor: " << fieldPathToString(s.defaultCursorField)
                     << (s.sourceDefinedCursor ? " (source-defined)" : " (default)");
        if (!s.sourceDefinedPrimaryKey.empty()) {
            std::string pk;
            for (const auto& k : s.sourceDefinedPrimaryKey)
                pk += (pk.empty() ? "" : ", ") + fieldPathToString(k);
            *ctx.out << "; primary key: " << pk;
        }
        *ctx.out << "\n";
    }
    return kExitOk;
}

} // namespace sluice::core::cli
