// JobRunner: a job from its row in Sluice's database to its end, attempt after attempt under the retry rule
// (engine/backoff.h). One attempt is engine/job_attempt.cpp; the schema check before the first is
// engine/job_prepare.cpp.
#include "engine/job_runner.h"

#include "engine/backfill_range.h"
#include "engine/backoff.h"
#include "engine/job_attempt.h"
#include "engine/job_log.h"
#include "engine/job_planner.h"
#include "engine/source_config_keeper.h"
#include "store/job_repository.h"
#include "store/store.h"
#include "util/catch_all.h"
#include "util/logging.h"

#include <chrono>
#include <thread>

namespace sluice::core {

namespace {
std::string streamLabel(const StreamPlan& p) {
    return p.config.ns.empty() ? p.config.name : p.config.ns + "." + p.config.name;
}

bool isConfigError(const Error& e) {
    return e.kind == ErrorKind::Config || e.kind == ErrorKind::Invalid || e.kind == ErrorKind::Refused;
}
} // namespace

JobRunner::JobRunner(Store& store, JobOptions options) : m_store(store), m_options(std::move(options)) {}
JobRunner::~JobRunner() = default;

bool JobRunner::cancelled(int64_t jobId) {
    if (m_options.cancelFlag && m_options.cancelFlag->load())
        return true;
    JobRepository jobs(m_store.db());
    auto c = jobs.cancelRequested(jobId);
    return c.ok() && c.value();
}

bool JobRunner::waitBackoff(int seconds, int64_t jobId) {
    if (m_options.backoffWait)
        return m_options.backoffWait(seconds) && !cancelled(jobId);
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (std::chrono::steady_clock::now() < until) {
        if (cancelled(jobId))
            return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return !cancelled(jobId);
}

Result<JobOutcome> JobRunner::run(const ConnectionConfig& c, const JobRequest& request) {
    auto targets = validateJobRequest(c, request);
    if (!targets)
        return targets.error();
    m_backfill.reset();
    if (request.type == JobType::Backfill) {
        // Checked against the source before the job exists: a refused backfill changes nothing.
        auto range = backfillRange(m_store, c, request);
        if (!range)
            return range.error();
        m_backfill = std::move(range.value());
    }
    JobRepository jobs(m_store.db());
    const std::string refreshMode =
        request.type == JobType::Refresh ? std::string(toString(request.refreshKind)) : "";
    auto started = jobs.startJob(c.id, std::string(toString(request.type)), refreshMode,
                                 std::string(toString(request.trigger)));
    if (!started)
        return started.error();
    const int64_t jobId = started.value();
    Result<JobOutcome> outcome = Error::internal("the job did not run");
    Status failure;
    if (catchAll("running the job", failure, [&] { outcome = runJob(c, request, targets.value(), jobId); }))
        return outcome;
    // Thrown outside an attempt: the job still ends as failed, with the message, never left `running`.
    if (Status closed = jobs.finishJob(jobId, JobStatus::Failed, failure.error().message); !closed)
        logLine("engine", "error",
                "job " + std::to_string(jobId) + " failed (" + failure.error().message +
                    ") and could not be marked failed in Sluice's database: " + closed.error().message);
    JobOutcome failed;
    failed.jobId = jobId;
    failed.status = JobStatus::Failed;
    failed.error = failure.error();
    return failed;
}

Result<JobOutcome> JobRunner::runJob(const ConnectionConfig& c, const JobRequest& request,
                                     const std::vector<std::string>& targets, int64_t jobId) {
    JobRepository jobs(m_store.db());
    const std::string refreshMode =
        request.type == JobType::Refresh ? std::string(toString(request.refreshKind)) : "";
    JobLog log(jobs, jobId, m_options.observer);
    if (m_options.observer)
        m_options.observer->jobStarted(jobId);
    log.info(std::string(toString(request.type)) + " job " + std::to_string(jobId) + " of connection `" +
             c.name + "` started" + (refreshMode.empty() ? "" : " (refresh mode: " + refreshMode + ")"));

    auto plans = planJob(m_store.db(), c, request, targets, jobId);
    if (!plans)
        return finish(jobId, {JobStatus::Failed, plans.error()}, log);
    for (auto& p : plans.value())
        if (p.action == StreamAction::Backfill)
            p.backfill = m_backfill;
    m_done.assign(plans->size(), false);
    m_prepared = false;
    m_updatedSourceConfig.clear();
    for (const auto& p : plans.value()) {
        log.warnIfFailed(jobs.saveStream(jobId, {p.config.ns,
                                                 p.config.name,
                                                 p.generation,
                                                 p.minimumGeneration,
                                                 p.action,
                                                 0,
                                                 JobStreamStatus::Pending,
                                                 {}}),
                         "recording stream `" + streamLabel(p) + "` in the job");
        log.info("stream `" + streamLabel(p) + "`: " + std::string(toText(p.action)) + ", generation " +
                 std::to_string(p.generation) +
                 (p.minimumGeneration ? ", older generations removed when it completes" : "") +
                 (p.backfill ? ", cursor from " + p.backfill->from.toJson() + " to " +
                                   (p.backfill->to ? p.backfill->to->toJson() : std::string("the end")) +
                                   "; older records and the state are kept"
                             : ""));
    }
    return finish(jobId, runAttempts(c, plans.value(), jobId, log), log);
}

JobOutcome JobRunner::finish(int64_t jobId, const Ending& ending, JobLog& log) {
    JobOutcome outcome;
    outcome.jobId = jobId;
    outcome.status = ending.status;
    outcome.error = ending.error;
    const bool succeeded = ending.status == JobStatus::Succeeded;
    const std::string status(toText(ending.status));
    // A cancel is what the user asked for: worth a line in the log, not an error.
    const bool cancelled = ending.status == JobStatus::Cancelled;
    // The last line is stored before the job is marked finished: a reader (the GUI, `logs` of another
    // process) that sees the job finished then also sees its whole log.
    log.write(succeeded || cancelled ? "INFO" : "ERROR",
              "job " + status + (succeeded ? "" : ": " + ending.error.message));
    log.warnIfFailed(
        JobRepository(m_store.db()).finishJob(jobId, ending.status, succeeded ? "" : ending.error.message),
        "recording the end of the job (" + status + ")");
    return outcome;
}

JobRunner::Ending JobRunner::runAttempts(const ConnectionConfig& c, std::vector<StreamPlan>& plans,
                                         int64_t jobId, JobLog& log) {
    JobRepository jobs(m_store.db());
    int consecutive = 0;
    Error lastError = Error::internal("no attempt was made");
    for (int attempt = 1; attempt <= c.settings.retry.maxAttempts; ++attempt) {
        auto number = jobs.startAttempt(jobId);
        if (!number)
            return {JobStatus::Failed, number.error()};
        log.setAttempt(number.value());
        log.info("attempt " + std::to_string(number.value()) + " started");
        const AttemptResult r = attemptOnce(c, plans, jobId, number.value(), log);
        const std::string attemptName = "attempt " + std::to_string(number.value());
        if (r.status.ok()) {
            log.warnIfFailed(jobs.finishAttempt(jobId, number.value(), JobStatus::Succeeded, {}),
                             "recording the end of " + attemptName);
            return {JobStatus::Succeeded, {}};
        }
        lastError = r.status.error();
        const bool isCancel = lastError.kind == ErrorKind::Cancelled || cancelled(jobId);
        log.warnIfFailed(jobs.finishAttempt(jobId, number.value(),
                                            isCancel ? JobStatus::Cancelled : JobStatus::Failed,
                                            lastError.message),
                         "recording the end of " + attemptName);
        if (isCancel)
            log.info(attemptName + " cancelled: " + lastError.message);
        else
            log.error(attemptName + " failed: " + lastError.message);
        if (isCancel) {
            markUnfinished(plans, jobId, JobStreamStatus::Cancelled, log);
            return {JobStatus::Cancelled, Error::cancelled()};
        }

        const RetryDecision next =
            decideRetry(c.settings.retry,
                        {attempt, r.committed, !isConfigError(lastError) && !r.unexpected, consecutive});
        consecutive = next.consecutiveFailures;
        if (next.next == RetryDecision::Next::GiveUp) {
            if (next.why == RetryDecision::Why::TooManyInARow)
                log.error(std::to_string(consecutive) + " consecutive attempts committed nothing; giving up");
            break;
        }
        if (next.next == RetryDecision::Next::RetryNow) {
            log.info("the attempt committed " + std::to_string(r.committed) + " records; retrying at once");
            continue;
        }
        if (next.waitSeconds > 0) {
            log.info("retrying in " + std::to_string(next.waitSeconds) + " s");
            if (!waitBackoff(next.waitSeconds, jobId))
                return {JobStatus::Cancelled, Error::cancelled()};
        }
    }
    markUnfinished(plans, jobId, JobStreamStatus::Failed, log);
    return {JobStatus::Failed, lastError};
}

JobRunner::AttemptResult JobRunner::attemptOnce(const ConnectionConfig& c, std::vector<StreamPlan>& plans,
                                                int64_t jobId, int attempt, JobLog& log) {
    AttemptResult r;
    // A bug or a source's odd data that throws ends the attempt, never the thread or the process; what was
    // written unwinds with its transaction.
    const bool ran = catchAll("running the attempt", r.status, [&] {
        if (!m_prepared) {
            r.status = prepare(c, plans, jobId, log);
            m_prepared = r.status.ok();
            if (m_prepared)
                for (const auto& p : plans)
                    if (p.blocked) {
                        log.warn("stream `" + streamLabel(p) + "` is blocked: " + p.blockReason);
                        log.warnIfFailed(JobRepository(m_store.db())
                                             .setStreamStatus(jobId, p.config.ns, p.config.name,
                                                              JobStreamStatus::Blocked, p.blockReason),
                                         "marking stream `" + p.config.name + "` blocked");
                    }
        }
        if (m_prepared) {
            ConnectionConfig current = c;
            if (!m_updatedSourceConfig.empty())
                current.source.configJson = m_updatedSourceConfig;
            JobAttempt one(m_store, m_options, current, plans, m_done, jobId, attempt, log,
                           [this, jobId] { return cancelled(jobId); });
            one.setConfigHandler(configKeeper(c.id, log));
            const JobAttempt::Outcome o = one.run();
            r.status = o.status;
            r.committed = o.committed;
        }
    });
    r.unexpected = !ran;
    return r;
}

SourceConfigHandler JobRunner::configKeeper(int64_t connectionId, JobLog& log) {
    return [this, connectionId, &log](const SourceConfigUpdate& update) -> Status {
        auto kept = keepSourceConfig(m_store, connectionId, update, &log);
        if (!kept)
            return kept.error();
        m_updatedSourceConfig = std::move(*kept);
        return {};
    };
}

void JobRunner::markUnfinished(std::vector<StreamPlan>& plans, int64_t jobId, JobStreamStatus status,
                               JobLog& log) {
    JobRepository jobs(m_store.db());
    for (size_t i = 0; i < plans.size(); ++i)
        if (!plans[i].blocked && !m_done[i])
            log.warnIfFailed(jobs.setStreamStatus(jobId, plans[i].config.ns, plans[i].config.name, status),
                             "marking stream `" + plans[i].config.name + "` " + std::string(toText(status)));
}

} // namespace sluice::core
