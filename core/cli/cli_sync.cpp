// sync, refresh and clear: the commands that run a job in the foreground.
#include "cli/cli_context.h"
#include "cli/cli_json.h"
#include "cli/cli_signals.h"
#include "destinations/destination.h"
#include "engine/connection_destination.h"
#include "engine/job_planner.h"
#include "engine/job_runner.h"
#include "engine/stream_lookup.h"
#include "store/connection_repository.h"
#include "util/logging.h"

#include <iostream>
#include <nlohmann/json.hpp>
#include <ostream>
#include <unistd.h>

namespace sluice::core::cli {

using nlohmann::json;

namespace {

// Prints the job's outcome and returns the exit status: 0 succeeded, 2 invalid configuration or a refused
// action (a table another connection owns), 1 otherwise.
int report(Context& ctx, const JobOutcome& outcome) {
    JobRepository jobs(ctx.store->db());
    auto job = jobs.job(outcome.jobId);
    if (!job)
        return ctx.fail(job.error());
    json j = jobToJson(jobs, job.value());
    if (ctx.json()) {
        *ctx.out << printable(j, 2) << "\n";
    } else {
        *ctx.out << "job " << outcome.jobId << " (" << job->type << ") " << toText(outcome.status) << ": "
                 << j["records_committed"].get<int64_t>() << " records committed in " << j["attempts"].size()
                 << (j["attempts"].size() == 1 ? " attempt" : " attempts") << "\n";
        for (const auto& s : j["streams"])
            *ctx.out << "  " << s["name"].get<std::string>() << ": " << s["status"].get<std::string>() << ", "
                     << s["records_committed"].get<int64_t>() << " records, generation "
                     << s["generation_id"].get<int64_t>() << " (" << s["action"].get<std::string>() << ")"
                     << (s["records_reread"].get<int64_t>() > 0
                             ? ", re-read " + std::to_string(s["records_reread"].get<int64_t>()) +
                                   " records within the lookback"
                             : "")
                     << (s["connector_status"].is_string()
                             ? ", source says " + s["connector_status"].get<std::string>()
                             : "")
                     << (s["message"].is_string() ? " - " + s["message"].get<std::string>() : "") << "\n";
    }
    if (auto streams = jobs.streams(outcome.jobId))
        for (const auto& s : streams.value())
            if (s.status == JobStreamStatus::Blocked)
                *ctx.err << "sluicectl: warning: stream `" << s.name << "` is blocked: " << s.message << "\n";
    if (outcome.status == JobStatus::Succeeded)
        return kExitOk;
    *ctx.err << "sluicectl: job " << outcome.jobId << " " << toText(outcome.status) << ": "
             << redactSecrets(outcome.error.message) << "\n";
    const bool refused = outcome.error.kind == ErrorKind::Invalid || outcome.error.kind == ErrorKind::Refused;
    return refused ? kExitInvalid : kExitJobFailed;
}

} // namespace

bool confirmed(Context& ctx, const std::string& what) {
    if (ctx.args.flag("--yes"))
        return true;
    if (!::isatty(STDIN_FILENO)) {
        *ctx.err << "sluicectl: " << what << "\nsluicectl: refusing without confirmation: pass --yes\n";
        return false;
    }
    *ctx.err << what << "\nProceed? [y/N] " << std::flush;
    std::string answer;
    std::getline(std::cin, answer);
    return answer == "y" || answer == "Y" || answer == "yes";
}

namespace {

int runJob(Context& ctx, const JobRequest& request) {
    auto ref = ctx.args.need(1, "the connection id or name");
    if (!ref)
        return ctx.fail(ref.error());
    ConnectionRepository repo(ctx.store->db());
    auto connection = repo.find(ref.value());
    if (!connection)
        return ctx.fail(connection.error());
    if (request.type == JobType::Sync) {
        if (auto targets = validateJobRequest(connection.value(), request); !targets)
            return ctx.fail(targets.error());
    } else {
        auto targets = validateJobRequest(connection.value(), request);
        if (!targets)
            return ctx.fail(targets.error());
        std::string what =
            request.type == JobType::Clear ? "Clear will remove every record and the state of:"
            : request.type == JobType::Backfill
                ? "Backfill re-imports the records with a cursor from " + request.backfillFrom + " to " +
                      request.backfillTo.value_or("the end") +
                      " into a new generation (old records and the stream's state are kept) for:"
                : std::string(request.refreshKind == RefreshKind::Remove
                                  ? "Refresh and remove records (old records are deleted when it "
                                    "succeeds; this cannot be undone) for:"
                                  : "Refresh and retain records (old records are kept) for:");
        auto dest = makeDestinationFor(connection.value());
        for (const auto& t : targets.value()) {
            what += "\n  - " + t;
            auto stream = storedStream(ctx.store->db(), connection.value(), t);
            if (dest && stream)
                if (auto rows = dest.value()->rowCount(stream.value()))
                    what += " (" + std::to_string(rows.value()) + " rows now in the destination)";
        }
        if (request.type == JobType::Refresh)
            what += "\nThe streams are re-imported from the source; the other enabled streams sync too.";
        if (!confirmed(ctx, what))
            return kExitInvalid;
    }
    StopOnSignals signals;
    JobOptions options;
    options.cancelFlag = &signals.flag();
    JobRunner runner(*ctx.store, options);
    auto outcome = runner.run(connection.value(), request);
    if (!outcome)
        return ctx.fail(outcome.error());
    return report(ctx, outcome.value());
}

} // namespace

int cmdSync(Context& ctx) {
    return runJob(ctx,
                  JobRequest{JobType::Sync, RefreshKind::Retain, ctx.args.all("--stream"), JobTrigger::Cli});
}

int cmdRefresh(Context& ctx) {
    auto mode = ctx.args.option("--mode");
    if (!mode)
        return ctx.fail(Error::invalid("refresh needs --mode remove or --mode retain"));
    auto kind = parseRefreshMode(*mode);
    if (!kind || *kind == RefreshKind::Clear)
        return ctx.fail(Error::invalid("unknown refresh mode `" + *mode + "` (expected remove or retain)"));
    return runJob(ctx, JobRequest{JobType::Refresh, *kind, ctx.args.all("--stream"), JobTrigger::Cli});
}

int cmdBackfill(Context& ctx) {
    const auto streams = ctx.args.all("--stream");
    auto from = ctx.args.option("--from");
    if (streams.size() != 1 || !from)
        return ctx.fail(
            Error::invalid("backfill needs --stream NAME and --from VALUE (and optionally --to VALUE)"));
    JobRequest request{JobType::Backfill, RefreshKind::Retain, streams, JobTrigger::Cli};
    request.backfillFrom = *from;
    request.backfillTo = ctx.args.option("--to");
    return runJob(ctx, request);
}

int cmdClear(Context& ctx) {
    return runJob(ctx,
                  JobRequest{JobType::Clear, RefreshKind::Clear, ctx.args.all("--stream"), JobTrigger::Cli});
}

} // namespace sluice::core::cli
