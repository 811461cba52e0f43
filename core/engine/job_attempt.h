#pragma once

#include "engine/engine_sink.h"
#include "engine/job_types.h"

#include <functional>
#include <string>
#include <vector>

namespace sluice::core {

class Destination;
class JobLog;
class Store;

// One attempt of a job: every stream not finished earlier in the job resumes from its last checkpoint, the
// streams being cleared are cleared without a read, the others are read through one EngineSink, and the
// streams that completed are recorded. Runs on the job's thread; JobRunner makes one per attempt.
class JobAttempt {
public:
    struct Outcome {
        Status status;
        int64_t committed = 0; // records committed in this attempt (what the retry rule looks at)
    };

    // `done` marks the streams finished earlier in this job; the attempt sets it for the ones it finishes.
    JobAttempt(Store& store, const JobOptions& options, const ConnectionConfig& connection,
               std::vector<StreamPlan>& plans, std::vector<bool>& done, int64_t jobId, int number,
               JobLog& log, std::function<bool()> cancelled);

    Outcome run();
    // Where the source's own configuration changes go (see keepSourceConfig).
    void setConfigHandler(SourceConfigHandler handler) { m_configHandler = std::move(handler); }

private:
    // What this attempt writes (every unfinished stream) and, of that, what it reads (the streams not
    // cleared).
    struct Targets {
        std::vector<StreamWritePlan> writePlans;
        std::vector<EngineSink::StreamTarget> clears;
        std::vector<size_t> clearPlans; // the plan of each clear
        std::vector<EngineSink::StreamTarget> reads;
        std::vector<size_t> readPlans; // the plan of each read
        ReadRequest request;
    };
    struct ResumePoint {
        std::string state; // empty: the stream starts over
        int64_t seq = 0;
    };

    Status collectTargets(Destination& destination, Targets& targets);
    Result<ResumePoint> resumePoint(Destination& destination, const StreamPlan& plan);
    void logResumed(const Targets& targets);
    Status runClears(Destination& destination, const Targets& targets);
    Outcome readStreams(Destination& destination, const Targets& targets);
    // Marks the streams the sink completed as done; returns the names of the others ("`a`, `b`").
    std::string recordCompleted(const EngineSink& sink, const Targets& targets);

    Store& m_store;
    const JobOptions& m_options;
    const ConnectionConfig& m_connection;
    std::vector<StreamPlan>& m_plans;
    std::vector<bool>& m_done;
    int64_t m_jobId;
    int m_number;
    JobLog& m_log;
    std::function<bool()> m_cancelled;
    SourceConfigHandler m_configHandler;
};

} // namespace sluice::core
