// JobRunner's preparation of a job: the source is discovered once per job, each stream's schema is compared
// with the one it was synced with, and the connection's schema-change policy decides (SPEC §6).
#include "config/stream_resolution.h"
#include "engine/airbyte_secrets.h"
#include "engine/backfill_range.h"
#include "engine/job_log.h"
#include "engine/job_runner.h"
#include "engine/schema_change.h"
#include "sources/source.h"
#include "store/connection_repository.h"
#include "store/state_repository.h"
#include "store/store.h"

#include <algorithm>

namespace sluice::core {

namespace {
std::vector<std::string> keyFieldsOf(const ResolvedStream& r) {
    std::vector<std::string> out;
    if (!r.cursorField.empty())
        out.push_back(r.cursorField[0]);
    for (const auto& k : r.primaryKey)
        if (!k.empty())
            out.push_back(k[0]);
    return out;
}
} // namespace

Status JobRunner::checkLookback(const ConnectionConfig& c, const StreamPlan& p) {
    // A text cursor is a date or timestamp only if its values are: the saved one tells, before anything is
    // read (the source would stop at it anyway, after the job began).
    if (!p.resolved.lookback || p.action != StreamAction::Sync)
        return {};
    auto stored = StateRepository(m_store.db()).state(c.id, p.config.ns, p.config.name);
    if (!stored)
        return stored.error();
    if (!stored.value() || stored.value()->generation != p.generation)
        return {};
    const auto saved = savedCursor(stored.value()->stateJson);
    if (!saved)
        return {};
    auto bound = lookbackBound(*saved, *p.resolved.lookback);
    if (!bound)
        return Error::invalid("stream `" + p.config.name + "`: " + bound.error().message);
    return {};
}

Status JobRunner::prepare(const ConnectionConfig& c, std::vector<StreamPlan>& plans, int64_t jobId,
                          JobLog& log) {
    // An external connector's configuration is checked against its spec first; the keys it marks secret
    // move into the secret store.
    ConnectionConfig current = c;
    auto learnt = learnSecretFields(current, [this, jobId] { return cancelled(jobId); });
    if (!learnt)
        return learnt.error();
    if (*learnt) {
        SLUICE_TRY(ConnectionRepository(m_store.db()).update(c.id, current));
        log.info("the connector's spec marks secret keys; they are now kept in the secret store");
    }
    auto source = makeSource(c.source.type, c.source.configJson);
    if (!source)
        return source.error();
    source.value()->setStopCheck([this, jobId] { return cancelled(jobId); });
    source.value()->setConfigHandler(configKeeper(c.id, log));
    auto discovered = source.value()->discover();
    if (!discovered)
        return discovered.error().context("discovering the source");
    for (auto& p : plans)
        SLUICE_TRY(prepareStream(c, p, discovered.value(), log));
    if (!m_updatedSourceConfig.empty()) // the connector changed its configuration during discover
        current.source.configJson = m_updatedSourceConfig;
    if (c.settings.schemaChangePolicy == SchemaChangePolicy::PropagateFully)
        SLUICE_TRY(propagateStreams(current, discovered.value(), log));
    return {};
}

Status JobRunner::prepareStream(const ConnectionConfig& c, StreamPlan& p,
                                const std::vector<StreamInfo>& discovered, JobLog& log) {
    ConnectionRepository connections(m_store.db());
    p.blocked = false;
    p.blockReason.clear();
    const StreamInfo* found = nullptr;
    for (const auto& d : discovered)
        if (d.name == p.config.name && (p.config.ns.empty() || d.ns == p.config.ns))
            found = &d;
    auto stored = connections.streamSchema(c.id, p.config.ns, p.config.name);
    if (!stored)
        return stored.error();
    if (!found) {
        if (p.clear) {
            // A clear needs no source: the stream's columns are the ones it was synced with.
            p.resolved.stream.name = p.config.name;
            p.resolved.stream.ns = p.config.ns;
            p.resolved.mode = p.config.mode;
            if (stored.value())
                if (auto info = streamFromJson(*stored.value()))
                    p.resolved.stream.columns = info->columns;
            return {};
        }
        p.blocked = true;
        p.blockReason = "schema changed: stream `" + p.config.name + "` is no longer in the source";
        return {};
    }
    const std::string schemaNow = streamToJson(*found);
    std::optional<StreamInfo> before;
    if (stored.value() && !p.refreshing)
        if (auto info = streamFromJson(*stored.value()))
            before = info.value();
    SchemaVerdict verdict;
    SchemaChange change;
    // What the table gets: the source's columns through the stream's selection and mappers, which are
    // refused here, before anything runs, when they would take away or rewrite a key or the cursor.
    // A stream that is blocked anyway (its cursor is gone, say) is told as blocked, not as an error.
    auto nowResolved = resolveStream(*found, p.config);
    std::optional<Error> invalid;
    std::vector<Column> nowColumns = found->columns;
    if (!nowResolved)
        invalid = nowResolved.error();
    else if (auto nowMapping = mappingFor(nowResolved.value(), p.config.mapping); !nowMapping)
        invalid = nowMapping.error();
    else
        nowColumns = nowMapping->columns();
    if (before) {
        // The fields the stream depends on are judged by the schema it was configured with; the columns
        // by what the table was last given (a changed selection or mapper is a change of them).
        auto old = resolveStream(*before, p.config);
        auto mapped = connections.mappedColumns(c.id, p.config.ns, p.config.name);
        if (!mapped)
            return mapped.error();
        const std::vector<Column> beforeColumns =
            mapped.value() ? columnsFromJsonSchema(*mapped.value()) : before->columns;
        change = compareColumns(beforeColumns, nowColumns,
                                old ? keyFieldsOf(old.value()) : std::vector<std::string>{});
        verdict = decideSchemaChange(c.settings.schemaChangePolicy, p.config.mode, change);
    }
    if (verdict.action == SchemaVerdict::Action::Block) {
        p.blocked = true;
        p.blockReason = verdict.reason;
    } else {
        if (invalid)
            return *invalid;
        p.resolved = std::move(nowResolved.value());
        SLUICE_TRY(checkLookback(c, p));
        if (!before || verdict.action == SchemaVerdict::Action::Adopt) {
            // A first sync, a refresh, a clear or an accepted change: the schema as it is now.
            if (before)
                log.info("stream `" + p.config.name + "`: " + change.describe() + "; the table follows");
            SLUICE_TRY(connections.setStreamSchema(c.id, p.config.ns, p.config.name, schemaNow));
            SLUICE_TRY(connections.setMappedColumns(c.id, p.config.ns, p.config.name,
                                                    columnsToJsonSchema(nowColumns)));
        } else if (verdict.action == SchemaVerdict::Action::KeepOld) {
            log.info("stream `" + p.config.name + "`: " + change.describe() +
                     "; ignored by the connection's policy, new fields are not stored");
            p.resolved.stream.columns = before->columns;
            if (auto kept = mappingFor(p.resolved, p.config.mapping); !kept)
                return kept.error();
        }
    }
    return connections.setBlockedReason(c.id, p.config.ns, p.config.name,
                                        p.blocked ? std::optional<std::string>(p.blockReason) : std::nullopt);
}

Status JobRunner::propagateStreams(const ConnectionConfig& c, const std::vector<StreamInfo>& discovered,
                                   JobLog& log) {
    // propagate_fully: new streams join the connection unselected, vanished ones are disabled.
    ConnectionConfig updated = c;
    bool changed = false;
    for (const auto& d : discovered)
        if (!updated.findStream(d.name, d.ns)) {
            ConfiguredStreamConfig s;
            s.name = d.name;
            s.ns = d.ns;
            s.selected = false;
            updated.streams.push_back(s);
            changed = true;
            log.info("new stream `" + d.name + "` found in the source; added, not selected");
        }
    for (auto& s : updated.streams) {
        const bool exists = std::any_of(discovered.begin(), discovered.end(),
                                        [&](const StreamInfo& d) { return d.name == s.name; });
        if (!exists && s.selected) {
            s.selected = false;
            changed = true;
            log.warn("stream `" + s.name + "` is no longer in the source; it was disabled");
        }
    }
    if (changed)
        return ConnectionRepository(m_store.db()).update(c.id, updated);
    return {};
}

} // namespace sluice::core
