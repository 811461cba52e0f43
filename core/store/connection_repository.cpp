#include "store/connection_repository.h"

#include "store/connection_secrets.h"
#include "store/settings_repository.h"
#include "util/logging.h"
#include "util/time_util.h"

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

namespace sluice::core {

using nlohmann::json;

namespace {
const char* kSelect =
    "SELECT id, name, source_type, source_config, destination_type, destination_config, settings "
    "FROM connections";

// Secrets sit next to Sluice's database, in the same home.
SecretStore secretsOf(Database& db) {
    const std::string dir = std::filesystem::path(db.path()).parent_path().string();
    return SecretStore(dir.empty() ? "." : dir);
}

// Secrets no longer referenced once a change committed; a failure leaves an orphan in a private file, which
// is logged rather than failing a change that did happen.
// The connections kSelect + `tail` finds, each read by `readRow`.
template <typename ReadRow, typename... Args>
Result<std::vector<ConnectionConfig>> selectConnections(Database& db, ReadRow&& readRow,
                                                        const std::string& tail, const Args&... args) {
    std::vector<ConnectionConfig> out;
    std::optional<Error> failed;
    SLUICE_TRY(db.forEachRow(
        std::string(kSelect) + tail,
        [&](Statement& st) {
            if (failed)
                return;
            auto c = readRow(st);
            if (c)
                out.push_back(std::move(c.value()));
            else
                failed = c.error();
        },
        args...));
    if (failed)
        return *failed;
    return out;
}

void forget(SecretStore& secrets, const std::vector<std::string>& refs,
            const std::vector<std::string>& kept) {
    std::vector<std::string> drop;
    for (const auto& r : refs)
        if (std::find(kept.begin(), kept.end(), r) == kept.end())
            drop.push_back(r);
    if (auto st = secrets.remove(drop); !st)
        logger("store")->warn("could not delete replaced secrets: {}", st.error().message);
}
} // namespace

Result<std::pair<std::string, std::string>> ConnectionRepository::storedConfigs(int64_t id) {
    std::optional<std::pair<std::string, std::string>> found;
    SLUICE_TRY(m_db.forEachRow(
        "SELECT source_config, destination_config FROM connections WHERE id = ?",
        [&](Statement& st) { found.emplace(st.getText(0), st.getText(1)); }, id));
    if (!found)
        return Error::invalid("no connection with id " + std::to_string(id));
    return *found;
}

Status ConnectionRepository::checkNameFree(const std::string& name, int64_t exceptId) {
    std::optional<int64_t> taken;
    SLUICE_TRY(m_db.forEachRow(
        "SELECT id FROM connections WHERE name = ? AND id <> ?", [&](Statement& st) { taken = st.getInt(0); },
        name, exceptId));
    if (taken)
        return Error::invalid("a connection named \"" + name + "\" already exists (id " +
                              std::to_string(*taken) + "); choose another `name`");
    return {};
}

Status ConnectionRepository::writeStreams(int64_t id, const ConnectionConfig& c) {
    // Keep each stream's recorded schema and block across an update; drop rows of streams no longer listed.
    json names = json::array();
    for (const auto& s : c.streams)
        names.push_back({s.ns, s.name});
    SLUICE_TRY(m_db.execute("DELETE FROM configured_streams WHERE connection_id = ? AND NOT EXISTS "
                            "(SELECT 1 FROM json_each(?) j WHERE json_extract(j.value,'$[0]') = namespace "
                            "AND json_extract(j.value,'$[1]') = name)",
                            id, names.dump()));
    auto st = m_db.prepare(
        "INSERT INTO configured_streams (connection_id, namespace, name, position, selected, sync_mode, "
        "destination_sync_mode, cursor_field, primary_key, lookback) VALUES (?,?,?,?,?,?,?,?,?,?) "
        "ON CONFLICT(connection_id, namespace, name) DO UPDATE SET position=excluded.position, "
        "selected=excluded.selected, sync_mode=excluded.sync_mode, "
        "destination_sync_mode=excluded.destination_sync_mode, "
        "cursor_field=excluded.cursor_field, primary_key=excluded.primary_key, lookback=excluded.lookback, "
        // A reconfigured stream (new mode, cursor or key) starts from the schema as it is at its next sync.
        "json_schema=CASE WHEN sync_mode IS excluded.sync_mode AND destination_sync_mode IS "
        "excluded.destination_sync_mode AND cursor_field IS excluded.cursor_field AND primary_key IS "
        "excluded.primary_key THEN json_schema END, "
        "blocked_reason=CASE WHEN sync_mode IS excluded.sync_mode AND destination_sync_mode IS "
        "excluded.destination_sync_mode AND cursor_field IS excluded.cursor_field AND primary_key IS "
        "excluded.primary_key THEN blocked_reason END");
    if (!st)
        return st.error();
    int pos = 0;
    for (const auto& s : c.streams) {
        st->bind(1, id).bind(2, s.ns).bind(3, s.name).bind(4, pos++).bind(5, s.selected ? 1 : 0);
        st->bind(6, toString(s.mode.sync)).bind(7, toString(s.mode.destination));
        st->bind(8, json(s.cursorField).dump()).bind(9, json(s.primaryKey).dump());
        // The file format's own value, so that the stored connection reads back through the same parser.
        st->bind(10, s.lookback ? std::optional<std::string>(lookbackToJson(*s.lookback)) : std::nullopt);
        SLUICE_TRY(st->run());
    }
    return {};
}

Result<int64_t> ConnectionRepository::create(const ConnectionConfig& c) {
    // Secrets are stored before the write transaction, which may run more than once, and checked names
    // again inside it; a taken name is told before any secret is written.
    SLUICE_TRY(checkNameFree(c.name, 0));
    const json full = json::parse(connectionToJson(c, true));
    SecretStore secrets = secretsOf(m_db);
    auto sealed = sealSecrets(secrets, c, {}, {});
    if (!sealed)
        return sealed.error();
    auto written = m_db.write("creating a connection", [&]() -> Result<int64_t> {
        SLUICE_TRY(checkNameFree(c.name, 0));
        const std::string now = nowIso();
        SLUICE_TRY(
            m_db.execute("INSERT INTO connections (name, source_type, source_config, destination_type, "
                         "destination_config, settings, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?)",
                         c.name, c.source.type, sealed->source, c.destination.type, sealed->destination,
                         full["settings"].dump(), now, now));
        const int64_t id = m_db.lastInsertRowId();
        SLUICE_TRY(writeStreams(id, c));
        return id;
    });
    if (!written)
        forget(secrets, sealed->written, {});
    return written;
}

Status ConnectionRepository::update(int64_t id, const ConnectionConfig& c) {
    SLUICE_TRY(checkNameFree(c.name, id));
    const json full = json::parse(connectionToJson(c, true));
    auto previous = storedConfigs(id);
    if (!previous)
        return previous.error();
    SecretStore secrets = secretsOf(m_db);
    auto sealed = sealSecrets(secrets, c, previous->first, previous->second);
    if (!sealed)
        return sealed.error();
    Status written = m_db.write("updating a connection", [&]() -> Status {
        SLUICE_TRY(checkNameFree(c.name, id));
        SLUICE_TRY(
            m_db.execute("UPDATE connections SET name=?, source_type=?, source_config=?, destination_type=?, "
                         "destination_config=?, settings=?, updated_at=? WHERE id=?",
                         c.name, c.source.type, sealed->source, c.destination.type, sealed->destination,
                         full["settings"].dump(), nowIso(), id));
        if (m_db.changes() == 0)
            return Error::invalid("no connection with id " + std::to_string(id));
        return writeStreams(id, c);
    });
    if (!written) {
        forget(secrets, sealed->written, {});
        return written;
    }
    auto old = secretReferences(previous->first);
    for (auto& r : secretReferences(previous->second))
        old.push_back(std::move(r));
    forget(secrets, old, sealed->kept);
    return {};
}

Status ConnectionRepository::remove(int64_t id) {
    auto previous = m_db.write("deleting a connection", [&]() -> Result<std::pair<std::string, std::string>> {
        auto configs = storedConfigs(id);
        if (!configs)
            return configs.error();
        SLUICE_TRY(m_db.execute("DELETE FROM connections WHERE id = ?", id));
        return configs;
    });
    if (!previous)
        return previous.error();
    SecretStore secrets = secretsOf(m_db);
    auto refs = secretReferences(previous->first);
    for (auto& r : secretReferences(previous->second))
        refs.push_back(std::move(r));
    forget(secrets, refs, {});
    return {};
}

Result<ConnectionConfig> ConnectionRepository::readRow(Statement& st) {
    const int64_t id = st.getInt(0);
    const std::string where = "connection `" + st.getText(1) + "`";
    SecretStore secrets = secretsOf(m_db);
    auto source = unsealSecrets(secrets, st.getText(3), where);
    if (!source)
        return source.error();
    auto destination = unsealSecrets(secrets, st.getText(5), where);
    if (!destination)
        return destination.error();
    json root = {{"name", st.getText(1)},
                 {"source", {{"type", st.getText(2)}, {"config", json::parse(*source)}}},
                 {"destination", {{"type", st.getText(4)}, {"config", json::parse(*destination)}}},
                 {"settings", json::parse(st.getText(6))},
                 {"streams", json::array()}};
    auto ss = m_db.prepare(
        "SELECT namespace, name, selected, sync_mode, destination_sync_mode, cursor_field, "
        "primary_key, lookback FROM configured_streams WHERE connection_id = ? ORDER BY position");
    if (!ss)
        return ss.error();
    ss->bind(1, id);
    while (true) {
        auto r = ss->step();
        if (!r)
            return r.error();
        if (!r.value())
            break;
        json s = {{"name", ss->getText(1)},
                  {"selected", ss->getInt(2) != 0},
                  {"sync_mode", ss->getText(3)},
                  {"destination_sync_mode", ss->getText(4)}};
        if (!ss->getText(0).empty())
            s["namespace"] = ss->getText(0);
        if (auto cf = ss->getOptText(5))
            s["cursor_field"] = json::parse(*cf);
        if (auto pk = ss->getOptText(6))
            s["primary_key"] = json::parse(*pk);
        if (auto lookback = ss->getOptText(7))
            s["lookback"] = json::parse(*lookback);
        root["streams"].push_back(s);
    }
    auto parsed = parseConnectionJson(root.dump(), "stored connection " + std::to_string(id), "");
    if (!parsed)
        return parsed.error();
    parsed->id = id;
    auto home = SettingsRepository(m_db).get(kHomeIdKey);
    if (!home)
        return home.error();
    parsed->homeId = home.value().value_or("");
    parsed->homePath = std::filesystem::absolute(m_db.path()).lexically_normal().parent_path().string();
    return parsed;
}

Result<std::vector<ConnectionConfig>> ConnectionRepository::list() {
    return selectConnections(
        m_db, [this](Statement& st) { return readRow(st); }, " ORDER BY name COLLATE NOCASE");
}

Result<ConnectionConfig> ConnectionRepository::get(int64_t id) {
    auto found = selectConnections(
        m_db, [this](Statement& st) { return readRow(st); }, " WHERE id = ?", id);
    if (!found)
        return found.error();
    if (found->empty())
        return Error::invalid("no connection with id " + std::to_string(id));
    return std::move(found->front());
}

Result<ConnectionConfig> ConnectionRepository::find(const std::string& idOrName) {
    auto found = selectConnections(
        m_db, [this](Statement& st) { return readRow(st); }, " WHERE name = ?", idOrName);
    if (!found)
        return found.error();
    if (!found->empty())
        return std::move(found->front());
    if (!idOrName.empty() && idOrName.find_first_not_of("0123456789") == std::string::npos) {
        auto byId = get(std::stoll(idOrName));
        if (byId)
            return byId;
    }
    return Error::invalid("no connection with id or name \"" + idOrName +
                          "\" (see `sluicectl connection list`)");
}

Result<std::optional<std::string>> ConnectionRepository::streamSchema(int64_t id, const std::string& ns,
                                                                      const std::string& name) {
    std::optional<std::string> schema;
    SLUICE_TRY(m_db.forEachRow(
        "SELECT json_schema FROM configured_streams WHERE connection_id=? AND namespace=? AND name=?",
        [&](Statement& st) { schema = st.getOptText(0); }, id, ns, name));
    return schema;
}

Status ConnectionRepository::setStreamSchema(int64_t id, const std::string& ns, const std::string& name,
                                             const std::string& schema) {
    return m_db.execute(
        "UPDATE configured_streams SET json_schema=? WHERE connection_id=? AND namespace=? AND name=?",
        schema, id, ns, name);
}

Result<std::optional<std::string>> ConnectionRepository::blockedReason(int64_t id, const std::string& ns,
                                                                       const std::string& name) {
    std::optional<std::string> reason;
    SLUICE_TRY(m_db.forEachRow(
        "SELECT blocked_reason FROM configured_streams WHERE connection_id=? AND namespace=? AND name=?",
        [&](Statement& st) { reason = st.getOptText(0); }, id, ns, name));
    return reason;
}

Status ConnectionRepository::setBlockedReason(int64_t id, const std::string& ns, const std::string& name,
                                              const std::optional<std::string>& reason) {
    return m_db.execute(
        "UPDATE configured_streams SET blocked_reason=? WHERE connection_id=? AND namespace=? AND name=?",
        reason, id, ns, name);
}

} // namespace sluice::core
