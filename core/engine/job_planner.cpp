#include "engine/job_planner.h"

#include "store/state_repository.h"

#include <algorithm>
#include <map>

namespace sluice::core {

namespace {
Result<std::vector<std::string>> validateBackfill(const ConnectionConfig& c, const JobRequest& r) {
    if (r.streams.size() != 1)
        return Error::invalid("backfill needs exactly one --stream NAME");
    const std::string& name = r.streams.front();
    const auto* s = c.findStream(name);
    if (!s)
        return Error::invalid("connection `" + c.name + "` has no stream `" + name + "`");
    if (!s->selected)
        return Error::invalid("stream `" + name + "` is not selected in connection `" + c.name + "`");
    if (auto why = backfillUnavailableReason(c, *s); !why.empty())
        return Error::refused("stream `" + name + "`: " + why);
    return std::vector<std::string>{name};
}
} // namespace

std::string backfillUnavailableReason(const ConnectionConfig& c, const ConfiguredStreamConfig& s) {
    if (c.source.type == "airbyte")
        return "backfill is not available for Airbyte connectors: their state belongs to the connector, "
               "which cannot be asked for a cursor range";
    if (c.source.type == "http")
        return "backfill is not available for HTTP sources: an HTTP API is read page by page and cannot be "
               "asked for a cursor range";
    if (s.mode.sync != SyncMode::Incremental)
        return "backfill re-imports a cursor range of an incremental stream, but the stream is " +
               s.mode.label() + " (a refresh re-imports it all)";
    return "";
}

std::string_view toString(JobType t) {
    switch (t) {
    case JobType::Sync:
        return "sync";
    case JobType::Refresh:
        return "refresh";
    case JobType::Clear:
        return "clear";
    case JobType::Backfill:
        return "backfill";
    }
    return "sync";
}

std::string_view toString(StreamPhase p) {
    switch (p) {
    case StreamPhase::Waiting:
        return "waiting";
    case StreamPhase::Running:
        return "running";
    case StreamPhase::Done:
        return "done";
    }
    return "waiting";
}

std::string_view toString(JobTrigger t) {
    switch (t) {
    case JobTrigger::Gui:
        return "gui";
    case JobTrigger::Schedule:
        return "schedule";
    case JobTrigger::Cli:
        return "cli";
    case JobTrigger::Unknown:
        break;
    }
    return "";
}

Result<std::vector<std::string>> validateJobRequest(const ConnectionConfig& c, const JobRequest& r) {
    std::vector<std::string> targets;
    if (r.type == JobType::Sync && r.streams.empty())
        return targets;
    if (r.type == JobType::Backfill)
        return validateBackfill(c, r);
    if (r.streams.empty()) {
        for (const auto& s : c.streams)
            if (s.selected)
                targets.push_back(s.name);
        if (targets.empty())
            return Error::invalid("connection `" + c.name + "` has no selected streams");
    } else {
        for (const auto& name : r.streams) {
            const auto* s = c.findStream(name);
            if (!s) {
                std::string known;
                for (const auto& k : c.streams)
                    known += (known.empty() ? "" : ", ") + k.name;
                return Error::invalid("connection `" + c.name + "` has no stream `" + name +
                                      "` (its streams: " + (known.empty() ? "none" : known) + ")");
            }
            if (!s->selected)
                return Error::invalid("stream `" + name + "` is not selected in connection `" + c.name + "`");
            if (std::find(targets.begin(), targets.end(), name) == targets.end())
                targets.push_back(name);
        }
    }
    if (r.type == JobType::Sync)
        return targets;
    const RefreshKind kind = r.type == JobType::Clear ? RefreshKind::Clear : r.refreshKind;
    std::string refused;
    for (const auto& name : targets) {
        const auto* s = c.findStream(name);
        if (!isRefreshAvailable(s->mode, kind))
            refused += (refused.empty() ? "" : "; ") +
                       ("stream `" + name + "`: " + refreshUnavailableReason(s->mode, kind));
    }
    if (!refused.empty())
        return Error::refused(refused);
    return targets;
}

namespace {

StreamAction refreshAction(RefreshKind kind) {
    switch (kind) {
    case RefreshKind::Clear:
        return StreamAction::Clear;
    case RefreshKind::Remove:
        return StreamAction::RefreshRemove;
    case RefreshKind::Retain:
        return StreamAction::RefreshRetain;
    }
    return StreamAction::RefreshRetain;
}

Result<std::vector<StreamPlan>> planStreams(Database& db, const ConnectionConfig& c, const JobRequest& r,
                                            const std::vector<std::string>& targets, int64_t jobId) {
    StateRepository states(db);
    auto pendingList = states.pendingRefreshes(c.id);
    if (!pendingList)
        return pendingList.error();
    std::map<std::string, PendingRefresh> pending;
    for (const auto& p : pendingList.value())
        pending[p.ns + "\x1f" + p.name] = p;

    std::vector<StreamPlan> plans;
    for (const auto& s : c.streams) {
        if (!s.selected)
            continue;
        const bool chosen = std::find(targets.begin(), targets.end(), s.name) != targets.end();
        // A clear, a backfill and a sync of chosen streams touch only those: the others are not read, their
        // generations not bumped and their states (and pending refreshes) kept for a later job.
        if (!chosen && (r.type == JobType::Clear || r.type == JobType::Backfill ||
                        (r.type == JobType::Sync && !targets.empty())))
            continue;
        const bool targeted =
            chosen && r.type != JobType::Sync; // a refresh, clear or backfill of this stream
        StreamPlan p;
        p.config = s;
        auto current = states.currentGeneration(c.id, s.ns, s.name);
        if (!current)
            return current.error();
        const int64_t next = current.value() ? *current.value() + 1 : 1;

        auto bump = [&](StreamAction action) -> Status {
            p.generation = next;
            SLUICE_TRY(states.addGeneration(c.id, s.ns, s.name, next, jobId, std::string(toText(action))));
            return states.resetState(c.id, s.ns, s.name, next);
        };

        auto it = pending.find(s.ns + "\x1f" + s.name);
        std::optional<RefreshKind> pendingKind;
        if (it != pending.end() && !targeted) {
            pendingKind = parseRefreshMode(it->second.kind);
            if (!pendingKind)
                return Error::internal("Sluice's database holds a pending refresh of stream `" + s.name +
                                       "` of the unknown kind `" + it->second.kind +
                                       "`; was it written by a newer Sluice?");
        }
        if (targeted && r.type == JobType::Backfill) {
            // A new generation with retain semantics; the state moves into it unchanged, so the next sync
            // continues where the last one ended.
            p.action = StreamAction::Backfill;
            p.generation = next;
            p.minimumGeneration = 0;
            SLUICE_TRY(states.addGeneration(c.id, s.ns, s.name, next, jobId, std::string(toText(p.action))));
            auto kept = states.state(c.id, s.ns, s.name);
            if (!kept)
                return kept.error();
            StoredState moved = kept.value() ? *kept.value() : StoredState{};
            moved.generation = next;
            moved.seq += 1;
            SLUICE_TRY(states.saveState(c.id, s.ns, s.name, moved));
        } else if (targeted) {
            const RefreshKind kind = r.type == JobType::Clear ? RefreshKind::Clear : r.refreshKind;
            p.action = refreshAction(kind);
            SLUICE_TRY(bump(p.action));
            p.minimumGeneration = kind == RefreshKind::Retain ? 0 : p.generation;
            p.clear = kind == RefreshKind::Clear;
            p.refreshing = true;
            SLUICE_TRY(states.addPendingRefresh(
                c.id, {s.ns, s.name, std::string(toString(kind)), p.generation, jobId}));
        } else if (pendingKind) {
            // Continue the unfinished refresh (or clear) in its generation: staging and state are kept.
            p.generation = it->second.generation;
            p.action = refreshAction(*pendingKind);
            p.clear = *pendingKind == RefreshKind::Clear;
            p.minimumGeneration = *pendingKind == RefreshKind::Retain ? 0 : p.generation;
            p.refreshing = true;
        } else if (s.mode.sync == SyncMode::FullRefresh) {
            p.action = StreamAction::FullRefresh;
            SLUICE_TRY(bump(p.action));
            p.minimumGeneration = s.mode.dropsOldGenerations() ? p.generation : 0;
        } else {
            p.action = StreamAction::Sync;
            if (current.value()) {
                p.generation = *current.value();
            } else {
                p.generation = 0;
                SLUICE_TRY(states.addGeneration(c.id, s.ns, s.name, 0, jobId, std::string(toText(p.action))));
            }
        }
        plans.push_back(std::move(p));
    }
    return plans;
}

} // namespace

Result<std::vector<StreamPlan>> planJob(Database& db, const ConnectionConfig& c, const JobRequest& r,
                                        const std::vector<std::string>& targets, int64_t jobId) {
    // Generations are read and bumped under one write lock: a planner of another process never takes the
    // same number, and a read first, upgraded to a write later, would be refused at once by SQLite.
    return db.write("planning job " + std::to_string(jobId), [&]() -> Result<std::vector<StreamPlan>> {
        return planStreams(db, c, r, targets, jobId);
    });
}

} // namespace sluice::core
