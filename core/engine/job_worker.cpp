#include "engine/job_worker.h"

#include "engine/job_runner.h"
#include "store/store.h"
#include "util/catch_all.h"
#include "util/logging.h"

#include <spdlog/spdlog.h>

namespace sluice::core {

namespace {
// Lines kept for the GUI between two collections; a source that logs faster loses the excess here only
// (every line is still in the job's log in Sluice's database).
constexpr size_t kMaxPendingLines = 2000;
} // namespace

class JobWorker::Observer : public JobObserver {
public:
    explicit Observer(JobWorker& worker) : m_worker(worker) {}

    void jobStarted(int64_t jobId) override {
        std::lock_guard lock(m_worker.m_mutex);
        m_worker.m_jobId = jobId;
    }
    void logLine(int64_t jobId, const std::string& level, const std::string& message) override {
        std::lock_guard lock(m_worker.m_mutex);
        if (m_worker.m_lines.size() < kMaxPendingLines)
            m_worker.m_lines.push_back({jobId, level, message});
    }
    void streamProgress(int64_t jobId, const std::string& stream, int64_t committed,
                        int64_t estimate) override {
        (void)jobId;
        std::lock_guard lock(m_worker.m_mutex);
        m_worker.m_progressChanged = true;
        StreamCount& s = entry(stream);
        s.committed = committed;
        if (estimate >= 0)
            s.estimate = estimate;
    }
    void streamPhase(int64_t jobId, const std::string& stream, StreamPhase phase) override {
        (void)jobId;
        std::lock_guard lock(m_worker.m_mutex);
        m_worker.m_progressChanged = true;
        StreamCount& s = entry(stream);
        s.phase = phase;
        if (phase == StreamPhase::Waiting)
            s.committed = 0; // a new attempt counts its own records
    }
    void streamReported(int64_t jobId, const std::string& stream, const std::string& connectorStatus,
                        int64_t bytesEstimated) override {
        (void)jobId;
        std::lock_guard lock(m_worker.m_mutex);
        m_worker.m_progressChanged = true;
        StreamCount& s = entry(stream);
        s.connectorStatus = connectorStatus;
        s.bytesEstimate = bytesEstimated;
    }

private:
    // The stream's count, created in the order streams are announced (m_mutex held).
    StreamCount& entry(const std::string& stream) {
        for (auto& s : m_worker.m_streams)
            if (s.stream == stream)
                return s;
        m_worker.m_streams.push_back({stream, 0, -1, StreamPhase::Waiting});
        return m_worker.m_streams.back();
    }

    JobWorker& m_worker;
};

JobWorker::JobWorker(std::string home, ConnectionConfig connection, JobRequest request)
    : m_home(std::move(home)), m_connection(std::move(connection)), m_request(std::move(request)),
      m_observer(std::make_unique<Observer>(*this)), m_thread([this] { run(); }) {}

JobWorker::~JobWorker() {
    m_cancel = true;
    if (m_thread.joinable())
        m_thread.join();
}

void JobWorker::run() {
    Result<JobOutcome> outcome = Error::internal("the job did not run");
    // Nothing may leave this thread by an exception (std::terminate would end the GUI): JobRunner turns
    // what a job throws into a failed job, and this catches what is left.
    Status failure;
    const bool ran = catchAll("running a job", failure, [&] {
        auto store = Store::openInHome(m_home);
        if (!store) {
            outcome = store.error();
            return;
        }
        JobOptions options;
        options.observer = m_observer.get();
        options.cancelFlag = &m_cancel;
        JobRunner runner(store.value(), options);
        outcome = runner.run(m_connection, m_request);
    });
    if (!ran)
        outcome = failure.error();
    if (!outcome)
        logger("engine")->warn("job of connection `{}` not run: {}", m_connection.name,
                               outcome.error().message);
    std::lock_guard lock(m_mutex);
    m_outcome = std::move(outcome);
    m_finished = true;
}

JobWorker::Snapshot JobWorker::take() {
    std::lock_guard lock(m_mutex);
    Snapshot s;
    s.jobId = m_jobId;
    s.streams = m_streams;
    s.progressChanged = m_progressChanged;
    m_progressChanged = false;
    s.lines.swap(m_lines);
    s.finished = m_finished;
    if (m_finished)
        s.outcome = m_outcome;
    return s;
}

} // namespace sluice::core
