#include "engine/job_runner.h"

#include "config/stream_resolution.h"
#include "destinations/destination.h"
#include "engine/airbyte_secrets.h"
#include "engine/connection_destination.h"
#include "engine/engine_sink.h"
#include "engine/job_log.h"
#include "engine/job_planner.h"
#include "engine/schema_change.h"
#include "sources/source.h"
#include "store/connection_repository.h"
#include "store/job_repository.h"
#include "store/state_repository.h"
#include "store/store.h"
#include "util/catch_all.h"

#include <algorithm>
#include <chrono>
#include <thread>

namespace sluice::core {

namespace {
std::string streamLabel(const StreamPlan& p) {
    return p.config.ns.empty() ? p.config.name : p.config.ns + "." + p.config.name;
}

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
    auto discovered = source.value()->discover();
    if (!discovered)
        return discovered.error().context("discovering the source");
    ConnectionRepository connections(m_store.db());

    for (auto& p : plans) {
        p.blocked = false;
        p.blockReason.clear();
        const StreamInfo* found = nullptr;
        for (const auto& d : discovered.value())
            if (d.name == p.config.name && (p.config.ns.empty() || d.ns == p.config.ns))
                found = &d;
        auto stored = connections.streamSchema(c.id, p.config.ns, p.config.name);
        if (!stored)
            return stored.error();
        if (!found) {
            if (p.clear) {
                p.resolved.stream.name = p.config.name;
                p.resolved.stream.ns = p.config.ns;
                p.resolved.mode = p.config.mode;
                if (stored.value())
                    if (auto info = streamFromJson(*stored.value()))
                        p.resolved.stream.columns = info->columns;
                continue;
            }
            p.blocked = true;
            p.blockReason = "schema changed: stream `" + p.config.name + "` is no longer in the source";
            continue;
        }
        const std::string schemaNow = streamToJson(*found);
        std::optional<StreamInfo> before;
        if (stored.value() && !p.refreshing)
            if (auto info = streamFromJson(*stored.value()))
                before = info.value();
        SchemaVerdict verdict;
        SchemaChange change;
        if (before) {
            // The fields the stream depends on are judged by the schema it was configured with.
            auto old = resolveStream(*before, p.config);
            change = compareColumns(before->columns, found->columns,
                                    old ? keyFieldsOf(old.value()) : std::vector<std::string>{});
            verdict = decideSchemaChange(c.settings.schemaChangePolicy, p.config.mode, change);
        }
        if (verdict.action == SchemaVerdict::Action::Block) {
            p.blocked = true;
            p.blockReason = verdict.reason;
        } else {
            auto resolved = resolveStream(*found, p.config);
            if (!resolved)
                return resolved.error();
            p.resolved = std::move(resolved.value());
            if (!before || verdict.action == SchemaVerdict::Action::Adopt) {
                // A first sync, a refresh, a clear or an accepted change: the schema as it is now.
                if (before)
                    log.info("stream `" + p.config.name + "`: " + change.describe() + "; the table follows");
                SLUICE_TRY(connections.setStreamSchema(c.id, p.config.ns, p.config.name, schemaNow));
            } else if (verdict.action == SchemaVerdict::Action::KeepOld) {
                log.info("stream `" + p.config.name + "`: " + change.describe() +
                         "; ignored by the connection's policy, new fields are not stored");
                p.resolved.stream.columns = before->columns;
            }
        }
        SLUICE_TRY(connections.setBlockedReason(c.id, p.config.ns, p.config.name,
                                                p.blocked ? std::optional<std::string>(p.blockReason)
                                                          : std::nullopt));
    }
    if (c.settings.schemaChangePolicy == SchemaChangePolicy::PropagateFully) {
        ConnectionConfig updated = current;
        bool changed = false;
        for (const auto& d : discovered.value())
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
            const bool exists = std::any_of(discovered->begin(), discovered->end(),
                                            [&](const StreamInfo& d) { return d.name == s.name; });
            if (!exists && s.selected) {
                s.selected = false;
                changed = true;
                log.warn("stream `" + s.name + "` is no longer in the source; it was disabled");
            }
        }
        if (changed)
            SLUICE_TRY(connections.update(c.id, updated));
    }
    return {};
}

JobRunner::AttemptResult JobRunner::runAttempt(const ConnectionConfig& c, std::vector<StreamPlan>& plans,
                                               int64_t jobId, int attempt, JobLog& log) {
    AttemptResult result;
    StateRepository states(m_store.db());
    JobRepository jobs(m_store.db());

    auto destination = makeDestinationFor(c);
    if (!destination) {
        result.status = destination.error();
        return result;
    }
    Destination& dest = *destination.value();

    std::vector<StreamWritePlan> writePlans;
    std::vector<EngineSink::StreamTarget> targets;
    std::vector<size_t> targetPlan;
    ReadRequest request;
    request.checkpointInterval = c.settings.stateCheckpointInterval;
    std::vector<std::string> resumed;

    for (size_t i = 0; i < plans.size(); ++i) {
        StreamPlan& p = plans[i];
        if (p.blocked || m_done[i])
            continue;
        auto stored = states.state(c.id, p.config.ns, p.config.name);
        if (!stored) {
            result.status = stored.error();
            return result;
        }
        std::string state;
        int64_t seq = 0;
        if (stored.value() && stored.value()->generation == p.generation) {
            state = stored.value()->stateJson;
            seq = stored.value()->seq;
        } else if (stored.value()) {
            seq = stored.value()->seq;
        }
        auto cp = dest.lastCheckpoint(c.id, p.resolved.stream.ns, p.resolved.stream.name);
        if (!cp) {
            result.status = cp.error();
            return result;
        }
        if (cp.value() && cp.value()->generation == p.generation && cp.value()->seq > seq) {
            // The destination committed a checkpoint whose copy in Sluice's database was lost (a crash
            // between the two commits): the destination's is the truth.
            state = cp.value()->stateJson;
            seq = cp.value()->seq;
            (void)states.saveState(c.id, p.config.ns, p.config.name,
                                   StoredState{state, p.generation, seq, {}});
        }
        seq = std::max(seq, cp.value() ? cp.value()->seq : 0);

        writePlans.push_back({p.resolved, p.generation, p.minimumGeneration, jobId, p.clear});
        if (p.clear) {
            targets.push_back({writePlans.size() - 1, p.config.ns, p.config.name, p.generation, seq, {}});
            continue;
        }
        if (p.action != "sync" && !state.empty() && state != "{}")
            resumed.push_back(p.config.name + " namespace: " + (p.config.ns.empty() ? "null" : p.config.ns));
        targets.push_back({writePlans.size() - 1, p.config.ns, p.config.name, p.generation, seq, state,
                           p.resolved.stream.columns});
        targetPlan.push_back(i);
        request.streams.push_back({p.resolved, state, p.action != "sync"});
    }
    log.info("Number of Resumed Full Refresh Streams: {" + std::to_string(resumed.size()) + "}");
    for (const auto& r : resumed)
        log.info(" Resumed stream name: " + r);

    auto begun = dest.begin(c.id, writePlans);
    if (!begun) {
        result.status = begun.error();
        return result;
    }

    // Clears: the table stays, empty, in the new generation; no read.
    std::vector<EngineSink::StreamTarget> readTargets;
    size_t targetIndex = 0;
    for (size_t i = 0; i < plans.size(); ++i) {
        if (plans[i].blocked || m_done[i])
            continue;
        EngineSink::StreamTarget& t = targets[targetIndex++];
        if (!plans[i].clear) {
            readTargets.push_back(t);
            continue;
        }
        StreamBatch batch;
        batch.stream = t.destIndex;
        batch.checkpoint = DestinationCheckpoint{t.generation, t.seq + 1, ""};
        auto done = dest.completeStream(batch);
        if (!done) {
            result.status = done.error();
            return result;
        }
        // The destination has the clear; Sluice's database follows in one transaction (when it fails, the
        // clear stays pending and the next job clears again).
        (void)m_store.db().write("recording the clear of a stream", [&]() -> Status {
            SLUICE_TRY(states.saveState(c.id, t.ns, t.name, StoredState{"", t.generation, t.seq + 1, {}}));
            SLUICE_TRY(states.removePendingRefresh(c.id, t.ns, t.name));
            return jobs.setStreamStatus(jobId, t.ns, t.name, "succeeded");
        });
        m_done[i] = true;
        log.info("stream `" + plans[i].config.name +
                 "` cleared: its records and state are removed (generation " + std::to_string(t.generation) +
                 ")");
    }
    if (request.streams.empty())
        return result;

    auto globalState = states.state(c.id, "", "");
    if (globalState.ok() && globalState.value()) {
        request.globalStateJson = globalState.value()->stateJson;
        request.globalStateIsLegacy = globalState.value()->kind == kLegacyState;
    }

    auto source = makeSource(c.source.type, c.source.configJson);
    if (!source) {
        result.status = source.error();
        return result;
    }
    EngineSink sink(m_store, dest, log, c.id, jobId, attempt, readTargets, m_options,
                    [this, jobId] { return cancelled(jobId); });
    // A connector that prints nothing never reaches the sink: it is asked directly, and stopped.
    source.value()->setStopCheck([this, jobId] { return cancelled(jobId); });
    for (size_t i : targetPlan)
        (void)jobs.setStreamStatus(jobId, plans[i].config.ns, plans[i].config.name, "running");

    Status read = source.value()->read(request, sink);
    Status finished = sink.finish(read.ok());
    result.committed = sink.committed();

    std::string incomplete;
    for (size_t k = 0; k < targetPlan.size(); ++k) {
        StreamPlan& p = plans[targetPlan[k]];
        if (sink.completed(k)) {
            m_done[targetPlan[k]] = true;
            (void)m_store.db().write("recording a completed stream", [&]() -> Status {
                SLUICE_TRY(jobs.setStreamStatus(jobId, p.config.ns, p.config.name, "succeeded"));
                return p.refreshing ? states.removePendingRefresh(c.id, p.config.ns, p.config.name)
                                    : Status();
            });
            log.info("stream `" + p.config.name + "` completed: " + std::to_string(sink.committed(k)) +
                     " records committed in this attempt (generation " + std::to_string(p.generation) + ")");
        } else {
            incomplete += (incomplete.empty() ? "`" : ", `") + p.config.name + "`";
        }
    }
    if (!read.ok())
        result.status = read;
    else if (!finished.ok())
        result.status = finished;
    else if (!incomplete.empty())
        result.status = Error::transient("the source ended without completing stream(s) " + incomplete);
    return result;
}

Result<JobOutcome> JobRunner::run(const ConnectionConfig& c, const JobRequest& request) {
    auto targets = validateJobRequest(c, request);
    if (!targets)
        return targets.error();
    JobRepository jobs(m_store.db());
    const std::string refreshMode =
        request.type == JobType::Refresh ? std::string(toString(request.refreshKind)) : "";
    auto started = jobs.startJob(c.id, std::string(toString(request.type)), refreshMode);
    if (!started)
        return started.error();
    const int64_t jobId = started.value();
    Result<JobOutcome> outcome = Error::internal("the job did not run");
    Status failure;
    if (catchAll("running the job", failure, [&] { outcome = runJob(c, request, targets.value(), jobId); }))
        return outcome;
    // Thrown outside an attempt: the job still ends as failed, with the message, never left `running`.
    (void)jobs.finishJob(jobId, "failed", failure.error().message);
    JobOutcome failed;
    failed.jobId = jobId;
    failed.status = "failed";
    failed.error = failure.error();
    return failed;
}

Result<JobOutcome> JobRunner::runJob(const ConnectionConfig& c, const JobRequest& request,
                                     const std::vector<std::string>& targets, int64_t jobId) {
    JobRepository jobs(m_store.db());
    const std::string refreshMode =
        request.type == JobType::Refresh ? std::string(toString(request.refreshKind)) : "";
    JobOutcome outcome;
    outcome.jobId = jobId;
    JobLog log(jobs, jobId, m_options.observer);
    if (m_options.observer)
        m_options.observer->jobStarted(jobId);
    log.info(std::string(toString(request.type)) + " job " + std::to_string(jobId) + " of connection `" +
             c.name + "` started" + (refreshMode.empty() ? "" : " (refresh mode: " + refreshMode + ")"));

    auto finish = [&](const std::string& status, const Error& error) {
        outcome.status = status;
        outcome.error = error;
        (void)jobs.finishJob(jobId, status, status == "succeeded" ? std::string() : error.message);
        log.write(status == "succeeded" ? "INFO" : "ERROR",
                  "job " + status + (status == "succeeded" ? "" : ": " + error.message));
        return outcome;
    };

    auto plans = planJob(m_store.db(), c, request, targets, jobId);
    if (!plans)
        return finish("failed", plans.error());
    m_done.assign(plans->size(), false);
    for (const auto& p : plans.value()) {
        (void)jobs.saveStream(
            jobId,
            {p.config.ns, p.config.name, p.generation, p.minimumGeneration, p.action, 0, "pending", {}});
        log.info("stream `" + streamLabel(p) + "`: " + p.action + ", generation " +
                 std::to_string(p.generation) +
                 (p.minimumGeneration ? ", older generations removed when it completes" : ""));
    }

    bool prepared = false;
    int consecutive = 0;
    Error lastError = Error::internal("no attempt was made");
    for (int attempt = 1; attempt <= c.settings.retry.maxAttempts; ++attempt) {
        auto number = jobs.startAttempt(jobId);
        if (!number)
            return finish("failed", number.error());
        log.setAttempt(number.value());
        log.info("attempt " + std::to_string(number.value()) + " started");
        AttemptResult r;
        // A bug or a source's odd data that throws ends the attempt, never the thread or the process; what
        // was written unwinds with its transaction. Not retried: the same data would throw again.
        const bool unexpected = !catchAll("running the attempt", r.status, [&] {
            if (!prepared) {
                r.status = prepare(c, plans.value(), jobId, log);
                prepared = r.status.ok();
                if (prepared)
                    for (const auto& p : plans.value())
                        if (p.blocked) {
                            log.warn("stream `" + streamLabel(p) + "` is blocked: " + p.blockReason);
                            (void)jobs.setStreamStatus(jobId, p.config.ns, p.config.name, "blocked",
                                                       p.blockReason);
                        }
            }
            if (prepared)
                r = runAttempt(c, plans.value(), jobId, number.value(), log);
        });
        if (r.status.ok()) {
            (void)jobs.finishAttempt(jobId, number.value(), "succeeded", {});
            return finish("succeeded", {});
        }
        lastError = r.status.error();
        const bool isCancel = lastError.kind == ErrorKind::Cancelled || cancelled(jobId);
        (void)jobs.finishAttempt(jobId, number.value(), isCancel ? "cancelled" : "failed", lastError.message);
        log.error("attempt " + std::to_string(number.value()) + " failed: " + lastError.message);
        if (isCancel) {
            for (size_t i = 0; i < plans->size(); ++i)
                if (!plans.value()[i].blocked && !m_done[i])
                    (void)jobs.setStreamStatus(jobId, plans.value()[i].config.ns,
                                               plans.value()[i].config.name, "cancelled");
            return finish("cancelled", Error::cancelled());
        }
        const bool configError = lastError.kind == ErrorKind::Config ||
                                 lastError.kind == ErrorKind::Invalid || lastError.kind == ErrorKind::Refused;
        if (configError || unexpected)
            break; // a configuration error does not fix itself
        if (attempt == c.settings.retry.maxAttempts)
            break;
        if (r.committed > 0) {
            consecutive = 0;
            log.info("the attempt committed " + std::to_string(r.committed) + " records; retrying at once");
            continue;
        }
        if (++consecutive >= c.settings.retry.maxConsecutiveFailures) {
            log.error(std::to_string(consecutive) + " consecutive attempts committed nothing; giving up");
            break;
        }
        int wait = c.settings.retry.backoffSeconds;
        for (int k = 1; k < consecutive && wait < 300; ++k)
            wait *= 3;
        wait = std::min(wait, 300);
        if (wait > 0) {
            log.info("retrying in " + std::to_string(wait) + " s");
            if (!waitBackoff(wait, jobId))
                return finish("cancelled", Error::cancelled());
        }
    }
    for (size_t i = 0; i < plans->size(); ++i)
        if (!plans.value()[i].blocked && !m_done[i])
            (void)jobs.setStreamStatus(jobId, plans.value()[i].config.ns, plans.value()[i].config.name,
                                       "failed");
    return finish("failed", lastError);
}

} // namespace sluice::core
