#include "engine/job_attempt.h"

#include "destinations/destination.h"
#include "engine/connection_destination.h"
#include "engine/job_log.h"
#include "sources/source.h"
#include "store/job_repository.h"
#include "store/state_repository.h"
#include "store/store.h"

#include <algorithm>

namespace sluice::core {

JobAttempt::JobAttempt(Store& store, const JobOptions& options, const ConnectionConfig& connection,
                       std::vector<StreamPlan>& plans, std::vector<bool>& done, int64_t jobId, int number,
                       JobLog& log, std::function<bool()> cancelled)
    : m_store(store), m_options(options), m_connection(connection), m_plans(plans), m_done(done),
      m_jobId(jobId), m_number(number), m_log(log), m_cancelled(std::move(cancelled)) {}

JobAttempt::Outcome JobAttempt::run() {
    auto destination = makeDestinationFor(m_connection);
    if (!destination)
        return {destination.error()};
    Destination& dest = *destination.value();

    Targets targets;
    if (Status collected = collectTargets(dest, targets); !collected)
        return {collected};
    logResumed(targets);
    if (Status begun = dest.begin(m_connection.id, targets.writePlans); !begun)
        return {begun};
    if (Status cleared = runClears(dest, targets); !cleared)
        return {cleared};
    if (targets.request.streams.empty())
        return {};
    return readStreams(dest, targets);
}

Result<JobAttempt::ResumePoint> JobAttempt::resumePoint(Destination& dest, const StreamPlan& p) {
    StateRepository states(m_store.db());
    auto stored = states.state(m_connection.id, p.config.ns, p.config.name);
    if (!stored)
        return stored.error();
    ResumePoint at;
    if (stored.value()) {
        at.seq = stored.value()->seq;
        if (stored.value()->generation == p.generation)
            at.state = stored.value()->stateJson;
    }
    auto cp = dest.lastCheckpoint(m_connection.id, p.resolved.stream.ns, p.resolved.stream.name);
    if (!cp)
        return cp.error();
    if (cp.value() && cp.value()->generation == p.generation && cp.value()->seq > at.seq) {
        // The destination committed a checkpoint whose copy in Sluice's database was lost (a crash between
        // the two commits): the destination's is the truth. This attempt reads from it either way; a failed
        // copy only means the next attempt finds the same gap.
        at.state = cp.value()->stateJson;
        at.seq = cp.value()->seq;
        m_log.warnIfFailed(states.saveState(m_connection.id, p.config.ns, p.config.name,
                                            StoredState{at.state, p.generation, at.seq, {}}),
                           "storing the destination's checkpoint of stream `" + p.config.name + "`");
    }
    at.seq = std::max(at.seq, cp.value() ? cp.value()->seq : 0);
    return at;
}

Status JobAttempt::collectTargets(Destination& dest, Targets& t) {
    t.request.checkpointInterval = m_connection.settings.stateCheckpointInterval;
    for (size_t i = 0; i < m_plans.size(); ++i) {
        const StreamPlan& p = m_plans[i];
        if (p.blocked || m_done[i])
            continue;
        auto at = resumePoint(dest, p);
        if (!at)
            return at.error();
        // The table has the mapped columns; the source reads its own (prepare checked the mapping).
        auto mapping = mappingFor(p.resolved, p.config.mapping);
        if (!mapping && !p.clear)
            return mapping.error();
        ResolvedStream written = p.resolved;
        std::shared_ptr<StreamMapping> mapper;
        if (mapping) {
            written.stream.columns = mapping->columns();
            if (!mapping->identity())
                mapper = std::make_shared<StreamMapping>(std::move(mapping.value()));
        }
        t.writePlans.push_back({written, p.generation, p.minimumGeneration, m_jobId, p.clear});
        const size_t destIndex = t.writePlans.size() - 1;
        if (p.clear) {
            t.clears.push_back({destIndex, p.config.ns, p.config.name, p.generation, at->seq, {}});
            t.clearPlans.push_back(i);
            continue;
        }
        t.reads.push_back({destIndex, p.config.ns, p.config.name, p.generation, at->seq, at->state,
                           p.resolved.stream.columns, p.backfill.has_value(), mapper});
        t.readPlans.push_back(i);
        // A refreshed or cleared stream starts over: it is left out of a LEGACY state passed back.
        t.request.streams.push_back({p.resolved, at->state, p.action != StreamAction::Sync, p.backfill});
    }
    return {};
}

void JobAttempt::logResumed(const Targets& t) {
    // Airbyte's wording (SPEC §5): a stream that is not a plain sync and has a state resumes a full refresh.
    std::vector<std::string> resumed;
    for (size_t k = 0; k < t.reads.size(); ++k) {
        const StreamPlan& p = m_plans[t.readPlans[k]];
        const std::string& state = t.reads[k].lastState;
        // A backfill's state is the stream's own, kept as it was: it does not resume a read.
        if (p.action != StreamAction::Sync && p.action != StreamAction::Backfill && !state.empty() &&
            state != "{}")
            resumed.push_back(p.config.name + " namespace: " + (p.config.ns.empty() ? "null" : p.config.ns));
    }
    m_log.info("Number of Resumed Full Refresh Streams: {" + std::to_string(resumed.size()) + "}");
    for (const auto& r : resumed)
        m_log.info(" Resumed stream name: " + r);
}

Status JobAttempt::runClears(Destination& dest, const Targets& t) {
    // A clear keeps the table, empty, in the new generation; nothing is read.
    StateRepository states(m_store.db());
    JobRepository jobs(m_store.db());
    for (size_t k = 0; k < t.clears.size(); ++k) {
        const EngineSink::StreamTarget& target = t.clears[k];
        StreamBatch batch;
        batch.stream = target.destIndex;
        batch.checkpoint = DestinationCheckpoint{target.generation, target.seq + 1, ""};
        SLUICE_TRY(dest.completeStream(batch));
        // The destination has the clear; Sluice's database follows in one transaction. When that fails the
        // clear stays pending and the next job clears again, so the attempt goes on.
        m_log.warnIfFailed(
            m_store.db().write(
                "recording the clear of a stream",
                [&]() -> Status {
                    SLUICE_TRY(states.saveState(m_connection.id, target.ns, target.name,
                                                StoredState{"", target.generation, target.seq + 1, {}}));
                    SLUICE_TRY(states.removePendingRefresh(m_connection.id, target.ns, target.name));
                    return jobs.setStreamStatus(m_jobId, target.ns, target.name, JobStreamStatus::Succeeded);
                }),
            "recording the clear of stream `" + target.name + "`");
        m_done[t.clearPlans[k]] = true;
        m_log.info("stream `" + target.name + "` cleared: its records and state are removed (generation " +
                   std::to_string(target.generation) + ")");
    }
    return {};
}

JobAttempt::Outcome JobAttempt::readStreams(Destination& dest, const Targets& t) {
    StateRepository states(m_store.db());
    JobRepository jobs(m_store.db());
    ReadRequest request = t.request;
    auto globalState = states.state(m_connection.id, "", "");
    if (globalState.ok() && globalState.value()) {
        request.globalStateJson = globalState.value()->stateJson;
        request.globalStateIsLegacy = globalState.value()->kind == kLegacyState;
    }

    auto source = makeSource(m_connection.source.type, m_connection.source.configJson);
    if (!source)
        return {source.error()};
    EngineSink sink(m_store, dest, m_log, m_connection.id, m_jobId, m_number, t.reads, m_options,
                    m_cancelled);
    // A connector that prints nothing never reaches the sink: it is asked directly, and stopped.
    source.value()->setStopCheck(m_cancelled);
    source.value()->setConfigHandler(m_configHandler);
    for (size_t i : t.readPlans)
        m_log.warnIfFailed(jobs.setStreamStatus(m_jobId, m_plans[i].config.ns, m_plans[i].config.name,
                                                JobStreamStatus::Running),
                           "marking stream `" + m_plans[i].config.name + "` running");

    Status read = source.value()->read(request, sink);
    Status finished = sink.finish(read.ok());
    Outcome outcome;
    outcome.committed = sink.committed();
    const std::string incomplete = recordCompleted(sink, t);
    if (!read.ok())
        outcome.status = read;
    else if (!finished.ok())
        outcome.status = finished;
    else if (!incomplete.empty())
        outcome.status = Error::transient("the source ended without completing stream(s) " + incomplete);
    return outcome;
}

std::string JobAttempt::recordCompleted(const EngineSink& sink, const Targets& t) {
    StateRepository states(m_store.db());
    JobRepository jobs(m_store.db());
    std::string incomplete;
    for (size_t k = 0; k < t.readPlans.size(); ++k) {
        const StreamPlan& p = m_plans[t.readPlans[k]];
        if (!sink.completed(k)) {
            incomplete += (incomplete.empty() ? "`" : ", `") + p.config.name + "`";
            continue;
        }
        m_done[t.readPlans[k]] = true;
        // The data and its state are committed already; a pending refresh left behind is finished again by
        // the next job, so a failure here is reported, not fatal.
        m_log.warnIfFailed(
            m_store.db().write("recording a completed stream",
                               [&]() -> Status {
                                   SLUICE_TRY(jobs.setStreamStatus(m_jobId, p.config.ns, p.config.name,
                                                                   JobStreamStatus::Succeeded));
                                   return p.refreshing ? states.removePendingRefresh(
                                                             m_connection.id, p.config.ns, p.config.name)
                                                       : Status();
                               }),
            "recording the completion of stream `" + p.config.name + "`");
        m_log.info("stream `" + p.config.name + "` completed: " + std::to_string(sink.committed(k)) +
                   " records committed in this attempt (generation " + std::to_string(p.generation) + ")");
        if (sink.reread(k) > 0)
            m_log.info("stream `" + p.config.name + "`: re-read " + std::to_string(sink.reread(k)) +
                       " records within the lookback (" + p.resolved.lookback->describe() + ")");
    }
    return incomplete;
}

} // namespace sluice::core
