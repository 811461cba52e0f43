// jobs, logs, cancel, generations, diff: reading what jobs did.
#include "cli/cli_context.h"
#include "cli/cli_json.h"
#include "engine/connection_destination.h"
#include "engine/generation_listing.h"
#include "engine/stream_lookup.h"
#include "store/connection_repository.h"
#include "store/state_repository.h"

#include <nlohmann/json.hpp>
#include <ostream>

namespace sluice::core::cli {

using nlohmann::json;

namespace {

Result<int64_t> parseId(const Result<std::string>& s, const std::string& what) {
    if (!s)
        return s.error();
    const std::string& v = s.value();
    if (v.empty() || v.find_first_not_of("0123456789") != std::string::npos)
        return Error::invalid(what + " must be a number, got `" + v + "`");
    return std::stoll(v);
}

} // namespace

Result<ConnectionConfig> connectionArg(Context& ctx) {
    auto ref = ctx.args.need(1, "the connection id or name");
    if (!ref)
        return ref.error();
    ConnectionRepository repo(ctx.store->db());
    return repo.find(ref.value());
}

int cmdJobs(Context& ctx) {
    auto c = connectionArg(ctx);
    if (!c)
        return ctx.fail(c.error());
    JobRepository jobs(ctx.store->db());
    (void)jobs.closeStaleJobs();
    auto list = jobs.jobsOf(c->id);
    if (!list)
        return ctx.fail(list.error());
    if (ctx.json()) {
        json arr = json::array();
        for (const auto& j : list.value())
            arr.push_back(jobToJson(jobs, j));
        *ctx.out << printable(arr, 2) << "\n";
        return kExitOk;
    }
    *ctx.out << "JOB\tTYPE\tSTATUS\tSTARTED\tENDED\tATTEMPTS\tRECORDS\tTRIGGER\n";
    for (const auto& j : list.value()) {
        json d = jobToJson(jobs, j);
        *ctx.out << j.id << "\t" << j.type << "\t" << toText(j.status) << "\t" << j.startedAt << "\t"
                 << (j.endedAt.empty() ? "-" : j.endedAt) << "\t" << d["attempts"].size() << "\t"
                 << d["records_committed"].get<int64_t>() << "\t" << (j.trigger.empty() ? "-" : j.trigger)
                 << "\n";
    }
    return kExitOk;
}

int cmdLogs(Context& ctx) {
    auto id = parseId(ctx.args.need(1, "the job id"), "JOB_ID");
    if (!id)
        return ctx.fail(id.error());
    JobRepository jobs(ctx.store->db());
    auto job = jobs.job(id.value());
    if (!job)
        return ctx.fail(job.error());
    std::optional<int> attempt;
    if (auto a = ctx.args.option("--attempt")) {
        auto n = parseId(Result<std::string>(*a), "--attempt");
        if (!n)
            return ctx.fail(n.error());
        attempt = static_cast<int>(n.value());
    }
    auto lines = jobs.logs(id.value(), attempt);
    if (!lines)
        return ctx.fail(lines.error());
    if (ctx.json()) {
        json arr = json::array();
        for (const auto& l : lines.value())
            arr.push_back({{"attempt", l.attempt},
                           {"ts", l.ts},
                           {"level", l.level},
                           {"logger", l.logger},
                           {"message", l.message}});
        *ctx.out << printable(arr, 2) << "\n";
        return kExitOk;
    }
    for (const auto& l : lines.value())
        *ctx.out << l.ts << " " << l.level << " [attempt " << l.attempt << "] " << l.message << "\n";
    return kExitOk;
}

int cmdCancel(Context& ctx) {
    auto id = parseId(ctx.args.need(1, "the job id"), "JOB_ID");
    if (!id)
        return ctx.fail(id.error());
    JobRepository jobs(ctx.store->db());
    (void)jobs.closeStaleJobs();
    auto st = jobs.requestCancel(id.value());
    if (!st)
        return ctx.fail(st.error());
    if (ctx.json())
        *ctx.out << printable(json{{"job_id", id.value()}, {"cancel_requested", true}}, 2) << "\n";
    else
        *ctx.out << "cancel requested: job " << id.value()
                 << " stops within seconds (its connector too); what it committed is kept\n";
    return kExitOk;
}

int cmdGenerations(Context& ctx) {
    auto c = connectionArg(ctx);
    if (!c)
        return ctx.fail(c.error());
    auto name = ctx.args.option("--stream");
    if (!name)
        return ctx.fail(Error::invalid("generations needs --stream NAME"));
    auto listing = listGenerations(ctx.store->db(), c.value(), *name, 1000);
    if (!listing)
        return ctx.fail(listing.error());
    json list = json::array();
    for (const auto& g : listing->generations) {
        json e = {
            {"generation_id", g.generation}, {"records", g.records}, {"visible_records", g.visibleRecords}};
        if (!g.reason.empty()) {
            e["job_id"] = g.jobId ? json(*g.jobId) : json();
            e["reason"] = g.reason;
            e["created_at"] = g.createdAt;
        }
        list.push_back(e);
    }
    json staleRows = json::array();
    for (const auto& r : listing->staleRows)
        staleRows.push_back(rowToJson(r));
    const auto& current = listing->current;
    json doc = {{"stream", listing->stream.stream.name},
                {"current_generation", current ? json(*current) : json()},
                {"generations", list},
                {"stale_records", listing->staleCount},
                {"stale_rows", staleRows}};
    if (ctx.json()) {
        *ctx.out << printable(doc, 2) << "\n";
        return kExitOk;
    }
    *ctx.out << "stream " << listing->stream.stream.name << ", current generation "
             << (current ? std::to_string(*current) : "none") << "\n";
    *ctx.out << "GENERATION\tRECORDS\tVISIBLE\tREASON\n";
    for (const auto& e : list)
        *ctx.out << e["generation_id"].get<int64_t>() << "\t" << e["records"].get<int64_t>() << "\t"
                 << e["visible_records"].get<int64_t>() << "\t" << e.value("reason", std::string("-"))
                 << "\n";
    *ctx.out << "stale records (key not seen in the current generation): " << listing->staleCount << "\n";
    for (const auto& r : staleRows)
        *ctx.out << "  " << printable(r) << "\n";
    return kExitOk;
}

int cmdDiff(Context& ctx) {
    auto c = connectionArg(ctx);
    if (!c)
        return ctx.fail(c.error());
    auto name = ctx.args.option("--stream");
    auto from = ctx.args.option("--from");
    auto to = ctx.args.option("--to");
    if (!name || !from || !to)
        return ctx.fail(Error::invalid("diff needs --stream NAME --from G --to G"));
    auto g1 = parseId(Result<std::string>(*from), "--from");
    auto g2 = parseId(Result<std::string>(*to), "--to");
    if (!g1 || !g2)
        return ctx.fail(!g1 ? g1.error() : g2.error());
    auto stream = storedStream(ctx.store->db(), c.value(), *name);
    if (!stream)
        return ctx.fail(stream.error());
    auto dest = makeDestinationFor(*c);
    if (!dest)
        return ctx.fail(dest.error());
    auto d = dest.value()->diff(stream.value(), g1.value(), g2.value());
    if (!d)
        return ctx.fail(d.error());
    json added = json::array(), removed = json::array(), deleted = json::array(), changed = json::array();
    for (const auto& r : d->added)
        added.push_back(rowToJson(r));
    for (const auto& r : d->removed)
        removed.push_back(rowToJson(r));
    for (const auto& r : d->deleted)
        deleted.push_back(rowToJson(r));
    for (const auto& ch : d->changed) {
        json fields = json::object();
        for (const auto& f : ch.fields)
            fields[f.field] = {{"from", valueToJson(f.from)}, {"to", valueToJson(f.to)}};
        changed.push_back({{"key", rowToJson(ch.key)}, {"fields", fields}});
    }
    json doc = {{"stream", stream->stream.name},
                {"from", g1.value()},
                {"to", g2.value()},
                {"added", added},
                {"removed", removed},
                {"changed", changed},
                {"deleted", deleted},
                {"summary",
                 {{"added", added.size()},
                  {"removed", removed.size()},
                  {"changed", changed.size()},
                  {"deleted", deleted.size()}}}};
    if (ctx.json()) {
        *ctx.out << printable(doc, 2) << "\n";
        return kExitOk;
    }
    *ctx.out << "stream " << stream->stream.name << ": generation " << g1.value() << " -> " << g2.value()
             << ": " << added.size() << " added, " << removed.size() << " removed, " << changed.size()
             << " changed, " << deleted.size() << " deleted in the source\n";
    for (const auto& r : added)
        *ctx.out << "+ " << printable(r) << "\n";
    for (const auto& r : removed)
        *ctx.out << "- " << printable(r) << "\n";
    for (const auto& r : changed)
        *ctx.out << "~ " << printable(r["key"]) << " " << printable(r["fields"]) << "\n";
    for (const auto& r : deleted)
        *ctx.out << "x " << printable(r) << "\n";
    return kExitOk;
}

} // namespace sluice::core::cli
