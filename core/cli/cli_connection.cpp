#include "cli/cli_context.h"
#include "cli/cli_json.h"
#include "connectors/connector_specs.h"
#include "engine/airbyte_secrets.h"
#include "engine/connection_destination.h"
#include "store/connection_repository.h"
#include "util/logging.h"

#include <nlohmann/json.hpp>
#include <ostream>

namespace sluice::core::cli {

using nlohmann::json;

namespace {

// An external connector's own spec, asked before the connection is stored: a configuration it refuses is
// told now, and the keys it marks secret go to the secret store. A connector that cannot run yet (not
// installed) is stored all the same; check and sync ask again.
Status applyConnectorSpec(ConnectionConfig& c) {
    auto learnt = learnSecretFields(c);
    if (!learnt && learnt.error().kind == ErrorKind::Config)
        return learnt.error();
    if (!learnt)
        logLine("cli", "info", "the connector's spec could not be read: " + learnt.error().message);
    return {};
}

// Whether a stream's selection and mappers are the same; a masked key (an exported file) is the stored one.
bool sameMapping(const MappingConfig& before, MappingConfig after) {
    if (before.selectedFields != after.selectedFields || before.mappers.size() != after.mappers.size())
        return false;
    for (size_t i = 0; i < after.mappers.size(); ++i)
        if (after.mappers[i].key == kSecretMask)
            after.mappers[i].key = before.mappers[i].key;
    return before.mappers == after.mappers;
}

// As the app asks before saving: changed mappers or fields of a stream with data mean that the next sync
// writes new records the new way next to the old ones, unless the stream is refreshed.
void warnChangedMappings(Context& ctx, ConnectionRepository& repo, const ConnectionConfig& before,
                         const ConnectionConfig& after) {
    for (const auto& s : after.streams) {
        const ConfiguredStreamConfig* was = before.findStream(s.name, s.ns);
        if (!s.selected || !was || sameMapping(was->mapping, s.mapping))
            continue;
        auto synced = repo.mappedColumns(before.id, s.ns, s.name);
        if (!synced || !synced.value())
            continue; // never synced: nothing to mix with
        std::string modes;
        for (auto [kind, name] : {std::pair{RefreshKind::Retain, "retain"}, {RefreshKind::Remove, "remove"}})
            if (isRefreshAvailable(s.mode, kind))
                modes += std::string(modes.empty() ? "" : "|") + name;
        if (modes.empty())
            continue; // a full refresh overwrite: the next sync replaces everything anyway
        *ctx.err
            << "stream `" << s.name
            << "`: its selected fields or mappers changed and it has data; the next sync writes new "
               "records the new way next to the old ones. To re-import the stream the new way: sluicectl "
               "refresh "
            << before.id << " --stream " << s.name << " --mode " << modes << "\n";
    }
}

json connectionJson(const ConnectionConfig& c) {
    json j = json::parse(connectionToJson(c, false));
    j["id"] = c.id;
    return j;
}

int create(Context& ctx) {
    auto file = ctx.args.need(2, "the connection file (sluicectl connection create FILE.json)");
    if (!file)
        return ctx.fail(file.error());
    auto config = loadConnectionFile(file.value());
    if (!config)
        return ctx.fail(config.error());
    if (auto st = applyConnectorSpec(config.value()); !st)
        return ctx.fail(st.error().context(file.value()));
    ConnectionRepository repo(ctx.store->db());
    auto id = repo.create(config.value());
    if (!id)
        return ctx.fail(id.error().kind == ErrorKind::Invalid ? id.error().context(file.value())
                                                              : id.error());
    if (ctx.json())
        *ctx.out << printable(json{{"id", id.value()}, {"name", config->name}}, 2) << "\n";
    else
        *ctx.out << id.value() << "\n";
    return kExitOk;
}

int update(Context& ctx) {
    auto ref = ctx.args.need(2, "the connection id or name");
    if (!ref)
        return ctx.fail(ref.error());
    auto file = ctx.args.need(3, "the connection file (sluicectl connection update ID FILE.json)");
    if (!file)
        return ctx.fail(file.error());
    ConnectionRepository repo(ctx.store->db());
    auto existing = repo.find(ref.value());
    if (!existing)
        return ctx.fail(existing.error());
    auto config = loadConnectionFile(file.value());
    if (!config)
        return ctx.fail(config.error());
    if (auto spec = applyConnectorSpec(config.value()); !spec)
        return ctx.fail(spec.error().context(file.value()));
    auto st = repo.update(existing->id, config.value());
    if (!st)
        return ctx.fail(st.error().kind == ErrorKind::Invalid ? st.error().context(file.value())
                                                              : st.error());
    warnChangedMappings(ctx, repo, existing.value(), config.value());
    if (ctx.json())
        *ctx.out << printable(json{{"id", existing->id}, {"name", config->name}}, 2) << "\n";
    else
        *ctx.out << "updated connection " << existing->id << " (" << config->name << ")\n";
    return kExitOk;
}

int list(Context& ctx) {
    ConnectionRepository repo(ctx.store->db());
    auto all = repo.list();
    if (!all)
        return ctx.fail(all.error());
    if (ctx.json()) {
        json arr = json::array();
        for (const auto& c : all.value())
            arr.push_back(connectionJson(c));
        *ctx.out << printable(arr, 2) << "\n";
        return kExitOk;
    }
    if (all->empty()) {
        *ctx.out << "No connections yet. Create one with: sluicectl connection create FILE.json\n";
        return kExitOk;
    }
    *ctx.out << "ID\tNAME\tSOURCE\tDESTINATION\tSTREAMS\tSCHEDULE\n";
    for (const auto& c : all.value())
        *ctx.out << c.id << "\t" << c.name << "\t" << c.source.type << "\t" << c.destination.type << "\t"
                 << c.streams.size() << "\t" << scheduleToString(c.settings.schedule) << "\n";
    return kExitOk;
}

int show(Context& ctx) {
    auto ref = ctx.args.need(2, "the connection id or name");
    if (!ref)
        return ctx.fail(ref.error());
    ConnectionRepository repo(ctx.store->db());
    auto c = repo.find(ref.value());
    if (!c)
        return ctx.fail(c.error());
    *ctx.out << printable(connectionJson(c.value()), 2) << "\n";
    return kExitOk;
}

int remove(Context& ctx) {
    auto ref = ctx.args.need(2, "the connection id or name");
    if (!ref)
        return ctx.fail(ref.error());
    ConnectionRepository repo(ctx.store->db());
    auto c = repo.find(ref.value());
    if (!c)
        return ctx.fail(c.error());
    auto st = repo.remove(c->id);
    if (!st)
        return ctx.fail(st.error());
    auto released = releaseDestinationTables(c.value());
    if (!released)
        *ctx.err << "sluicectl: warning: " << redactSecrets(released.error().message) << "\n";
    if (ctx.json()) {
        *ctx.out << printable(
                        json{{"id", c->id}, {"deleted", true}, {"released_tables", released ? *released : 0}},
                        2)
                 << "\n";
        return kExitOk;
    }
    *ctx.out << "deleted connection " << c->id << " (" << c->name << ")";
    if (released && *released > 0)
        *ctx.out << "; released its " << *released << (*released == 1 ? " table" : " tables")
                 << " in the destination (the data stays; another connection may now write there)";
    *ctx.out << "\n";
    return kExitOk;
}

} // namespace

int cmdConnection(Context& ctx) {
    auto sub = ctx.args.need(1, "a connection command: create, update, list, show or delete");
    if (!sub)
        return ctx.fail(sub.error());
    const std::string& s = sub.value();
    if (s == "create")
        return create(ctx);
    if (s == "update")
        return update(ctx);
    if (s == "list")
        return list(ctx);
    if (s == "show")
        return show(ctx);
    if (s == "delete")
        return remove(ctx);
    return ctx.fail(Error::invalid("unknown connection command `" + s +
                                   "` (expected create, update, list, show or delete)"));
}

} // namespace sluice::core::cli
