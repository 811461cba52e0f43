#include "engine/stream_lookup.h"

#include "config/stream_resolution.h"
#include "store/connection_repository.h"

namespace sluice::core {

Result<ResolvedStream> storedStream(Database& store, const ConnectionConfig& c, const std::string& name) {
    const ConfiguredStreamConfig* cfg = c.findStream(name);
    if (!cfg)
        return Error::invalid("connection `" + c.name + "` has no stream `" + name + "`");
    ConnectionRepository repo(store);
    auto stored = repo.streamSchema(c.id, cfg->ns, cfg->name);
    if (!stored)
        return stored.error();
    StreamInfo info;
    info.name = cfg->name;
    info.ns = cfg->ns;
    if (stored.value()) {
        auto parsed = streamFromJson(*stored.value());
        if (parsed)
            info = parsed.value();
    }
    auto resolved = resolveStream(info, *cfg);
    if (resolved)
        return resolved;
    // Before the first sync there are no columns to check against: take the configuration as it is.
    ResolvedStream r;
    r.stream = info;
    r.mode = cfg->mode;
    r.cursorField =
        info.sourceDefinedCursor || cfg->cursorField.empty() ? info.defaultCursorField : cfg->cursorField;
    r.primaryKey = !info.sourceDefinedPrimaryKey.empty() ? info.sourceDefinedPrimaryKey : cfg->primaryKey;
    return r;
}

} // namespace sluice::core
