// state: what each stream would resume from, one stream's edit history, and hand edits with undo.
#include "cli/cli_context.h"
#include "cli/cli_json.h"
#include "engine/job_planner.h"
#include "engine/state_edit.h"
#include "store/state_repository.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <ostream>
#include <sstream>

namespace sluice::core::cli {

using nlohmann::json;

namespace {

json editToJson(const StateEditRecord& e) {
    return {{"id", e.id},
            {"action", e.action},
            {"previous_state", parseOrString(e.previousState)},
            {"new_state", parseOrString(e.newState)},
            {"generation_id", e.generation},
            {"undoes", e.undoes ? json(*e.undoes) : json()},
            {"program", e.program.empty() ? json() : json(e.program)},
            {"created_at", e.createdAt}};
}

std::string shown(const std::string& state) {
    return state.empty() ? "(none)" : printable(parseOrString(state));
}

int showAllStates(Context& ctx, const ConnectionConfig& conn) {
    const ConnectionConfig* c = &conn;
    StateRepository states(ctx.store->db());
    json streams = json::array();
    json global = nullptr;
    for (const auto& s : c->streams) {
        auto st = states.state(c->id, s.ns, s.name);
        if (!st)
            return ctx.fail(st.error());
        json entry = {{"name", s.name},
                      {"namespace", s.ns.empty() ? json() : json(s.ns)},
                      {"state", nullptr},
                      {"generation_id", nullptr},
                      {"updated_at", nullptr}};
        if (st.value()) {
            entry["state"] = parseOrString(st.value()->stateJson);
            entry["generation_id"] = st.value()->generation;
            entry["updated_at"] = st.value()->updatedAt;
        }
        streams.push_back(entry);
    }
    json globalType = nullptr;
    if (auto g = states.state(c->id, "", ""); g.ok() && g.value() && !g.value()->stateJson.empty()) {
        global = parseOrString(g.value()->stateJson);
        globalType = g.value()->kind == kLegacyState ? "LEGACY" : "GLOBAL";
    }
    json doc = {
        {"connection_id", c->id}, {"streams", streams}, {"global", global}, {"global_type", globalType}};
    if (ctx.json()) {
        *ctx.out << printable(doc, 2) << "\n";
        return kExitOk;
    }
    for (const auto& s : streams)
        *ctx.out << s["name"].get<std::string>() << "\t"
                 << (s["state"].is_null() ? "(none)" : printable(s["state"])) << "\n";
    if (!global.is_null())
        *ctx.out << (globalType == "LEGACY" ? "(legacy)\t" : "(global)\t") << printable(global) << "\n";
    return kExitOk;
}

// One stream: its state and the history of its hand edits.
int showStreamState(Context& ctx, const ConnectionConfig& c, const std::string& name) {
    const ConfiguredStreamConfig* cfg = c.findStream(name);
    if (!cfg) // the job planner's message names the streams there are
        return ctx.fail(
            validateJobRequest(c, JobRequest{JobType::Sync, RefreshKind::Retain, {name}}).error());
    StateRepository states(ctx.store->db());
    auto st = states.state(c.id, cfg->ns, cfg->name);
    if (!st)
        return ctx.fail(st.error());
    auto edits = StateEditRepository(ctx.store->db()).history(c.id, cfg->ns, cfg->name);
    if (!edits)
        return ctx.fail(edits.error());
    json history = json::array();
    for (const auto& e : edits.value())
        history.push_back(editToJson(e));
    json doc = {{"connection_id", c.id},
                {"name", cfg->name},
                {"namespace", cfg->ns.empty() ? json() : json(cfg->ns)},
                {"state", st.value() ? parseOrString(st.value()->stateJson) : json()},
                {"generation_id", st.value() ? json(st.value()->generation) : json()},
                {"updated_at", st.value() ? json(st.value()->updatedAt) : json()},
                {"edits", history}};
    if (ctx.json()) {
        *ctx.out << printable(doc, 2) << "\n";
        return kExitOk;
    }
    *ctx.out << cfg->name << "\t" << (doc["state"].is_null() ? "(none)" : printable(doc["state"])) << "\n";
    for (const auto& e : edits.value())
        *ctx.out << "  " << e.createdAt << "  " << e.action << (e.program.empty() ? "" : " by " + e.program)
                 << ": " << shown(e.previousState) << " -> " << shown(e.newState) << "\n";
    return kExitOk;
}

int applyPlanned(Context& ctx, const ConnectionConfig& c, const Result<StateEditPlan>& plan, bool undo) {
    if (!plan)
        return ctx.fail(plan.error());
    const StateEditPlan& p = plan.value();
    std::string what = std::string(undo ? "Undo the last edit of" : "Set") + " the state of stream `" +
                       p.name + "` of connection `" + c.name + "`:\n  now:   " + shown(p.previousState) +
                       "\n  after: " + shown(p.newState) + "\n" + p.explanation;
    if (!confirmed(ctx, what))
        return kExitInvalid;
    auto done = applyStateEdit(ctx.store->db(), c, p, "cli");
    if (!done)
        return ctx.fail(done.error());
    if (ctx.json())
        *ctx.out << printable(editToJson(done.value()), 2) << "\n";
    else
        *ctx.out << "stream `" << p.name << "`: state " << (undo ? "restored to " : "set to ")
                 << shown(p.newState) << " (was " << shown(done->previousState) << "; `sluicectl state undo "
                 << c.id << " --stream " << p.name << "` takes it back)\n";
    return kExitOk;
}

Result<std::string> readStateFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return Error::invalid("cannot read the state file `" + path + "`");
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

} // namespace

int cmdState(Context& ctx) {
    const std::string sub = ctx.args.positional.size() > 1 ? ctx.args.positional[1] : "";
    const bool edit = sub == "set" || sub == "undo";
    if (edit)
        ctx.args.positional.erase(ctx.args.positional.begin() + 1); // the connection is argument 1 again
    auto c = connectionArg(ctx);
    if (!c)
        return ctx.fail(c.error());
    auto stream = ctx.args.option("--stream");
    if (!edit)
        return stream ? showStreamState(ctx, c.value(), *stream) : showAllStates(ctx, c.value());
    if (!stream)
        return ctx.fail(Error::invalid("state " + sub + " needs --stream NAME"));
    if (sub == "undo")
        return applyPlanned(ctx, c.value(), planStateUndo(ctx.store->db(), c.value(), *stream), true);
    StateEditInput in{*stream, ctx.args.option("--cursor"), std::nullopt};
    if (auto file = ctx.args.option("--file")) {
        auto text = readStateFile(*file);
        if (!text)
            return ctx.fail(text.error());
        in.stateJson = text.value();
    }
    return applyPlanned(ctx, c.value(), planStateSet(ctx.store->db(), c.value(), in), false);
}

} // namespace sluice::core::cli
