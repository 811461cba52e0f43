#pragma once

#include "config/connection_config.h"
#include "engine/job_types.h"
#include "util/result.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace sluice::core {

// Runs one job on a thread of its own, with its own connection to Sluice's database (one SQLite connection
// per thread). Progress and log lines are kept here and collected by the engine a few times a second, so a
// fast job cannot flood the GUI with events: that collection is the throttle.
class JobWorker {
public:
    struct StreamCount {
        std::string stream;
        int64_t committed = 0;
        int64_t estimate = -1;
        StreamPhase phase = StreamPhase::Waiting;
        int64_t bytesEstimate = -1;
        std::string connectorStatus; // the source's own STREAM_STATUS; empty: none
    };
    struct Line {
        int64_t jobId = 0;
        std::string level, message;
    };
    // What happened since the last take().
    struct Snapshot {
        int64_t jobId = 0; // 0 until the job exists in Sluice's database
        std::vector<StreamCount> streams;
        bool progressChanged = false;
        std::vector<Line> lines;
        bool finished = false;
        std::optional<Result<JobOutcome>> outcome; // set once finished
    };

    JobWorker(std::string home, ConnectionConfig connection, JobRequest request);
    // Cancels the job and waits for it: a connector still running is stopped (SIGTERM, then SIGKILL).
    ~JobWorker();
    JobWorker(const JobWorker&) = delete;
    JobWorker& operator=(const JobWorker&) = delete;

    const ConnectionConfig& connection() const { return m_connection; }
    const JobRequest& request() const { return m_request; }
    void cancel() { m_cancel = true; }
    bool cancelRequested() const { return m_cancel; }
    Snapshot take();

private:
    class Observer;
    void run();

    std::string m_home;
    ConnectionConfig m_connection;
    JobRequest m_request;
    std::atomic<bool> m_cancel{false};
    std::unique_ptr<Observer> m_observer;

    std::mutex m_mutex; // guards everything below
    int64_t m_jobId = 0;
    std::vector<StreamCount> m_streams;
    bool m_progressChanged = false;
    std::vector<Line> m_lines;
    bool m_finished = false;
    std::optional<Result<JobOutcome>> m_outcome;

    std::thread m_thread; // last: starts once everything above exists
};

} // namespace sluice::core
