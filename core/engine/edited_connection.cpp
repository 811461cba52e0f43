#include "engine/edited_connection.h"

#include "config/connection_config.h"
#include "destinations/destination.h"
#include "engine/connection_destination.h"
#include "engine/stream_choice.h"
#include "sources/source.h"
#include "util/cancel_scope.h"
#include "util/json_text.h"

#include <nlohmann/json.hpp>

namespace sluice::core {

namespace {
QString q(const std::string& s) {
    return QString::fromStdString(s);
}

// A connection being edited may not have a name yet: check and discover need only its connectors.
Result<ConnectionConfig> parseEdited(const QString& text) {
    const std::string bytes = text.toStdString();
    if (jsonTooDeep(bytes)) // rendered with dump() below, which recurses per level
        return Error::invalid("the connection is " + jsonTooDeepText());
    nlohmann::json root;
    try {
        root = nlohmann::json::parse(bytes);
    } catch (const nlohmann::json::exception& e) {
        return Error::invalid(std::string("the connection is not valid JSON: ") + e.what());
    }
    if (root.is_object() && (!root.contains("name") || root["name"] == ""))
        root["name"] = "(new connection)";
    if (root.is_object() && !root.contains("streams"))
        root["streams"] = nlohmann::json::array();
    return parseConnectionJson(root.dump(), "connection", "");
}
} // namespace

CheckResult checkEditedConnection(int token, const QString& json) {
    CheckResult result;
    result.token = token;
    auto c = parseEdited(json);
    if (!c) {
        result.sourceMessage = result.destinationMessage = q(c.error().message);
        return result;
    }
    auto source = makeSource(c->source.type, c->source.configJson);
    Status sourceCheck = source ? source.value()->check() : Status(source.error());
    result.sourceOk = sourceCheck.ok();
    result.sourceMessage =
        sourceCheck ? QStringLiteral("The source answered.") : q(sourceCheck.error().message);
    if (CancelScope::requested())
        return result; // nobody waits for the destination's answer any more
    auto dest = makeDestinationFor(*c);
    Status destCheck = dest ? dest.value()->check() : Status(dest.error());
    result.destinationOk = destCheck.ok();
    result.destinationMessage =
        destCheck ? QStringLiteral("The destination is writable.") : q(destCheck.error().message);
    return result;
}

DiscoverResult discoverEditedConnection(int token, const QString& json) {
    DiscoverResult result;
    result.token = token;
    auto c = parseEdited(json);
    auto source =
        c ? makeSource(c->source.type, c->source.configJson) : Result<std::unique_ptr<Source>>(c.error());
    auto streams = source ? source.value()->discover() : Result<std::vector<StreamInfo>>(source.error());
    if (!streams) {
        result.error = q(streams.error().message);
        return result;
    }
    for (const auto& info : streams.value()) {
        const ConfiguredStreamConfig* configured = c->findStream(info.name, info.ns);
        ConfiguredStreamConfig config = configured ? *configured : defaultStreamConfig(info);
        result.streams.push_back(streamRowOf(info, true, config));
    }
    return result;
}

} // namespace sluice::core
