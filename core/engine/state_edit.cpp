#include "engine/state_edit.h"

#include "engine/connection_destination.h"
#include "engine/job_planner.h"
#include "engine/stream_lookup.h"
#include "sources/cursor_filter.h"
#include "store/job_repository.h"
#include "store/state_repository.h"

#include <nlohmann/json.hpp>

namespace sluice::core {

using nlohmann::json;

namespace {

// The state a sync would resume from: Sluice's copy, or the destination's checkpoint where that is newer
// (a crash between the two commits), exactly as a job's attempt decides.
Status readCurrent(Database& db, const ConnectionConfig& c, StateEditPlan& plan) {
    StateRepository states(db);
    auto generation = states.currentGeneration(c.id, plan.ns, plan.name);
    if (!generation)
        return generation.error();
    plan.generation = generation.value().value_or(0);
    auto stored = states.state(c.id, plan.ns, plan.name);
    if (!stored)
        return stored.error();
    if (stored.value()) {
        plan.seq = stored.value()->seq;
        if (stored.value()->generation == plan.generation)
            plan.previousState = stored.value()->stateJson;
    }
    auto dest = makeDestinationFor(c);
    if (!dest)
        return Error{dest.error().kind,
                     "cannot read the destination's checkpoint of stream `" + plan.name +
                         "`, so the edit could be overruled by it: " + dest.error().message};
    auto cp = dest.value()->lastCheckpoint(c.id, plan.ns, plan.name);
    if (!cp)
        return Error{cp.error().kind, "cannot read the destination's checkpoint of stream `" + plan.name +
                                          "`: " + cp.error().message};
    if (cp.value() && cp.value()->generation == plan.generation && cp.value()->seq > plan.seq) {
        plan.previousState = cp.value()->stateJson;
        plan.seq = cp.value()->seq;
    }
    return {};
}

Result<const ConfiguredStreamConfig*> editableStream(Database& db, const ConnectionConfig& c,
                                                     const std::string& name) {
    if (auto known = validateJobRequest(c, JobRequest{JobType::Sync, RefreshKind::Retain, {name}}); !known)
        return known.error();
    const ConfiguredStreamConfig* s = c.findStream(name);
    if (s->mode.sync == SyncMode::FullRefresh)
        return Error::refused(
            "stream `" + name +
            "` syncs in full refresh: it reads everything on every sync and keeps no cursor "
            "to edit");
    StateRepository states(db);
    auto pending = states.pendingRefreshes(c.id);
    if (!pending)
        return pending.error();
    for (const auto& p : pending.value())
        if (p.ns == s->ns && p.name == s->name)
            return Error::refused("stream `" + name + "` has an unfinished " + p.kind + " (generation " +
                                  std::to_string(p.generation) +
                                  "); its state belongs to that refresh until a sync completes it");
    auto global = states.state(c.id, "", "");
    if (!global)
        return global.error();
    if (global.value() && global.value()->kind == kLegacyState && !global.value()->stateJson.empty())
        return Error::refused("the source of connection `" + c.name +
                              "` keeps one LEGACY state for all its streams, not one per stream: stream `" +
                              name + "`'s state cannot be edited on its own");
    return s;
}

// What a sync writes only mid-read: never set by hand, or the next attempt would resume inside a read.
bool midReadKey(const std::string& key) {
    return key == "position" || key == "run_max" || key == "run_boundary";
}

// A built-in source's state: {"cursor": C, "boundary": [hashes of the records at C]}, plus what the source
// itself keeps (the demo's `version`); a hand edit may hold those keys only.
Status checkBuiltinState(const json& state, const std::string& stream, const json& current) {
    for (const auto& [key, value] : state.items()) {
        if (key == "cursor") {
            if (!cursorFromJson(value.dump()))
                return Error::invalid("the state's `cursor` of stream `" + stream +
                                      "` is not a cursor value");
        } else if (key == "boundary") {
            bool ok = value.is_array();
            for (const auto& h : value)
                ok = ok && h.is_string();
            if (!ok)
                return Error::invalid("the state's `boundary` of stream `" + stream +
                                      "` must be an array of record hashes (hex strings)");
        } else if (midReadKey(key) || !current.is_object() || !current.contains(key)) {
            std::string known = "`cursor` and `boundary`";
            if (current.is_object())
                for (const auto& [k, v] : current.items())
                    if (k != "cursor" && k != "boundary" && !midReadKey(k))
                        known += ", `" + k + "`";
            return Error::invalid("a built-in source's state holds " + known + " only; stream `" + stream +
                                  "`'s new state has `" + key + "`");
        }
    }
    if (!state.contains("cursor"))
        return Error::invalid("the new state of stream `" + stream + "` has no `cursor`");
    return {};
}

Result<std::string> newStateOf(Database& db, const ConnectionConfig& c, const ConfiguredStreamConfig& s,
                               const StateEditInput& in, const std::string& currentState) {
    json current = currentState.empty() ? json::object() : json::parse(currentState, nullptr, false);
    const bool connector = c.source.type == "airbyte";
    if (in.cursor.has_value() == in.stateJson.has_value())
        return Error::invalid("state set needs either --cursor VALUE or --file STATE.json");
    if (in.cursor) {
        if (connector)
            return Error::refused("stream `" + s.name +
                                  "` comes from an Airbyte connector, whose state only the connector "
                                  "understands: give the whole state with --file STATE.json");
        auto resolved = storedStream(db, c, s.name);
        if (!resolved)
            return resolved.error();
        const FieldPath& cursor = resolved->cursorField;
        const int col = cursor.size() == 1 ? resolved->stream.columnIndex(cursor.front()) : -1;
        if (col < 0)
            return Error::refused("stream `" + s.name +
                                  "` has no known cursor column yet: sync it once, or give the state with "
                                  "--file STATE.json");
        const ColumnType type = resolved->stream.columns[static_cast<size_t>(col)].type;
        Value v;
        if (!parseAs(type, *in.cursor, v))
            return Error::invalid("`" + *in.cursor + "` is not " +
                                  (type == ColumnType::Integer ? "an " : "a ") + toString(type) +
                                  ", the type of cursor `" + cursor.front() + "` of stream `" + s.name + "`");
        // The source's own keys stay; the records seen at the old cursor and any mid-read position go.
        json next = json::object();
        if (current.is_object())
            for (const auto& [k, val] : current.items())
                if (k != "boundary" && !midReadKey(k))
                    next[k] = val;
        next["cursor"] = json::parse(cursorToJson(v));
        return next.dump();
    }
    json state;
    try {
        state = json::parse(*in.stateJson);
    } catch (const json::exception& e) {
        return Error::invalid("the new state of stream `" + s.name + "` is not JSON: " + e.what());
    }
    if (!state.is_object())
        return Error::invalid("the new state of stream `" + s.name + "` must be a JSON object");
    if (!connector)
        SLUICE_TRY(checkBuiltinState(state, s.name, current));
    return state.dump();
}

std::string explain(const ConnectionConfig& c, const std::string& state) {
    if (state.empty())
        return "The next sync reads the stream from its start.";
    if (c.source.type == "airbyte")
        return "The next sync gives this state to the connector.";
    auto parsed = json::parse(state, nullptr, false);
    if (parsed.is_object() && parsed.contains("cursor"))
        return "The next sync reads the records whose cursor is at or after " + parsed["cursor"].dump() +
               (parsed.contains("boundary") ? ", except those already read at exactly that value." : ".");
    return {};
}

bool sameJson(const std::string& a, const std::string& b) {
    if (a.empty() || b.empty())
        return a == b;
    auto ja = json::parse(a, nullptr, false), jb = json::parse(b, nullptr, false);
    return ja.is_discarded() || jb.is_discarded() ? a == b : ja == jb;
}

} // namespace

Result<StateEditPlan> planStateSet(Database& db, const ConnectionConfig& c, const StateEditInput& in) {
    auto s = editableStream(db, c, in.stream);
    if (!s)
        return s.error();
    StateEditPlan plan;
    plan.ns = s.value()->ns;
    plan.name = s.value()->name;
    SLUICE_TRY(readCurrent(db, c, plan));
    auto state = newStateOf(db, c, *s.value(), in, plan.previousState);
    if (!state)
        return state.error();
    plan.newState = state.value();
    if (sameJson(plan.previousState, plan.newState))
        return Error::invalid("stream `" + plan.name + "`'s state is already " + plan.newState +
                              ": nothing to change");
    plan.explanation = explain(c, plan.newState);
    return plan;
}

Result<StateEditPlan> planStateUndo(Database& db, const ConnectionConfig& c, const std::string& stream) {
    auto s = editableStream(db, c, stream);
    if (!s)
        return s.error();
    StateEditPlan plan;
    plan.ns = s.value()->ns;
    plan.name = s.value()->name;
    auto last = StateEditRepository(db).lastUndoable(c.id, plan.ns, plan.name);
    if (!last)
        return last.error();
    if (!last.value())
        return Error::invalid("stream `" + plan.name + "`'s state has no edit to undo");
    SLUICE_TRY(readCurrent(db, c, plan));
    const StateEditRecord& edit = *last.value();
    if (edit.generation != plan.generation)
        return Error::refused("stream `" + plan.name +
                              "` was refreshed since its state was edited (generation " +
                              std::to_string(edit.generation) + ", now " + std::to_string(plan.generation) +
                              "): the state before that edit belongs to the old generation");
    plan.newState = edit.previousState;
    plan.undoes = edit.id;
    plan.explanation = explain(c, plan.newState);
    if (!sameJson(plan.previousState, edit.newState))
        plan.explanation = "Syncs ran since the edit of " + edit.createdAt +
                           ": their progress is given up too. " + plan.explanation;
    return plan;
}

Result<StateEditRecord> applyStateEdit(Database& db, const ConnectionConfig& c, const StateEditPlan& plan,
                                       const std::string& program) {
    return db.write("editing the state of stream `" + plan.name + "`", [&]() -> Result<StateEditRecord> {
        // Under the write lock a job cannot start (JobRepository::startJob takes it too), and the check
        // below sees every job that started before.
        JobRepository jobs(db);
        if (auto closed = jobs.closeStaleJobs(); !closed)
            return closed.error();
        auto running = jobs.runningJob(c.id);
        if (!running)
            return running.error();
        if (running.value())
            return Error::refused("connection `" + c.name + "` has a running job (job " +
                                  std::to_string(running.value()->id) +
                                  "): a state cannot be edited while a sync may overwrite it");
        StateEditPlan now;
        now.ns = plan.ns;
        now.name = plan.name;
        SLUICE_TRY(readCurrent(db, c, now));
        if (now.generation != plan.generation || !sameJson(now.previousState, plan.previousState))
            return Error::refused(
                "stream `" + plan.name +
                "`'s state changed since the edit was prepared (a job ran): look at it again");
        // A sequence above the destination's checkpoint, or the next attempt would take that one instead.
        StateRepository states(db);
        SLUICE_TRY(states.saveState(c.id, plan.ns, plan.name,
                                    StoredState{plan.newState, plan.generation, now.seq + 1, {}}));
        StateEditRecord record;
        record.ns = plan.ns;
        record.name = plan.name;
        record.action = plan.undoes ? "undo" : "set";
        record.previousState = now.previousState;
        record.newState = plan.newState;
        record.generation = plan.generation;
        record.undoes = plan.undoes;
        record.program = program;
        auto id = StateEditRepository(db).add(c.id, record);
        if (!id)
            return id.error();
        record.id = id.value();
        return record;
    });
}

} // namespace sluice::core
