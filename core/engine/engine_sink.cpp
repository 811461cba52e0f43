#include "engine/engine_sink.h"

#include "catalog/text_repair.h"
#include "engine/job_log.h"
#include "store/job_repository.h"
#include "store/state_repository.h"
#include "store/store.h"
#include "util/fault_injection.h"
#include "util/time_util.h"

#include <utility>

namespace sluice::core {

namespace {
int64_t countReread(const std::vector<Row>& rows, size_t n) {
    int64_t count = 0;
    for (size_t i = 0; i < n && i < rows.size(); ++i)
        count += rows[i].reread ? 1 : 0;
    return count;
}
} // namespace

EngineSink::EngineSink(Store& store, Destination& destination, JobLog& log, int64_t connectionId,
                       int64_t jobId, int attempt, std::vector<StreamTarget> targets,
                       const JobOptions& options, std::function<bool()> cancelled)
    : m_store(store), m_destination(destination), m_log(log), m_connectionId(connectionId), m_jobId(jobId),
      m_attempt(attempt), m_options(options), m_cancelled(std::move(cancelled)),
      m_lastCancelCheck(std::chrono::steady_clock::now()) {
    for (auto& t : targets) {
        Buffer b;
        b.target = std::move(t);
        m_streams.push_back(std::move(b));
    }
    for (const auto& b : m_streams)
        announce(b, StreamPhase::Waiting);
}

void EngineSink::announce(const Buffer& b, StreamPhase phase) {
    if (m_options.observer)
        m_options.observer->streamPhase(m_jobId, b.target.name, phase);
}

void EngineSink::markRunning(Buffer& b) {
    b.running = true;
    announce(b, StreamPhase::Running);
}

Status EngineSink::checkCancel() {
    if (m_cancelled && m_cancelled())
        return Error::cancelled();
    return {};
}

Status EngineSink::record(size_t stream, Row&& row) {
    if (stream >= m_streams.size())
        return Error::internal("record for an unknown stream index");
    Buffer& b = m_streams[stream];
    if (b.complete)
        return Error::transient("the source sent a record for stream `" + b.target.name +
                                "` after completing it");
    if (!b.running) [[unlikely]]
        markRunning(b);
    if (b.pendingState)
        SLUICE_TRY(flush({stream}, true));
    if (row.extractedAtMs == 0)
        row.extractedAtMs = nowMillis();
    // The built-in sources repair text before their cursors see it; this is the guarantee for every source
    // that no byte that is not UTF-8 reaches a destination (PostgreSQL refuses it, JSON cannot carry it).
    repairRowText(row, b.target.columns);
    // A row the stream's filter drops stays with the source, which fills it again with its next record.
    if (b.target.mapping && !b.target.mapping->apply(row))
        return {};
    b.rows.push_back(std::move(row));
    if (!m_spare.empty()) {
        row = std::move(m_spare.back());
        m_spare.pop_back();
    }
    row.reread = false; // a reused row must not carry the mark into another stream's record
    if (++m_buffered >= m_options.maxBufferedRows) {
        // A source that never checkpoints still has its rows written (at-least-once: they may come again).
        std::vector<size_t> all;
        for (size_t i = 0; i < m_streams.size(); ++i)
            all.push_back(i);
        SLUICE_TRY(flush(all, false));
    }
    return {};
}

Status EngineSink::state(size_t stream, const std::string& stateJson) {
    if (stream >= m_streams.size())
        return Error::internal("state for an unknown stream index");
    Buffer& b = m_streams[stream];
    b.pendingState = b.target.keepState ? b.target.lastState : stateJson;
    b.coveredRows = b.rows.size();
    // Cancellation is honoured at checkpoints: what came before this state is committed first.
    if (m_cancelled && m_cancelled()) {
        SLUICE_TRY(flush({stream}, true));
        SLUICE_TRY(drain());
        return Error::cancelled();
    }
    return {};
}

Status EngineSink::globalState(const std::string& sharedStateJson) {
    return connectionState(sharedStateJson, kGlobalState);
}

Status EngineSink::legacyState(const std::string& dataJson) {
    return connectionState(dataJson, kLegacyState);
}

Status EngineSink::connectionState(const std::string& stateJson, const char* kind) {
    m_pendingGlobal = PendingGlobal{stateJson, kind};
    std::vector<size_t> all;
    for (size_t i = 0; i < m_streams.size(); ++i)
        all.push_back(i);
    SLUICE_TRY(flush(all, false));
    if (auto cancelled = checkCancel(); !cancelled) {
        SLUICE_TRY(drain());
        return cancelled;
    }
    return {};
}

Status EngineSink::streamComplete(size_t stream) {
    if (stream >= m_streams.size())
        return Error::internal("completion of an unknown stream index");
    Buffer& b = m_streams[stream];
    if (b.complete)
        return {};
    SLUICE_TRY(drain());
    StreamBatch batch;
    batch.stream = b.target.destIndex;
    batch.rows = std::move(b.rows);
    const std::string finalState = b.pendingState ? *b.pendingState : b.target.lastState;
    batch.checkpoint = DestinationCheckpoint{b.target.generation, b.target.seq + 1, finalState};
    const size_t n = batch.rows.size();
    const int64_t reread = countReread(batch.rows, n);
    b.rows.clear();
    // The rows go down with a failed transaction: the final state must never be stored without them.
    b.pendingState.reset();
    b.coveredRows = 0;
    m_buffered -= std::min(m_buffered, n);
    SLUICE_TRY(m_destination.completeStream(batch));
    b.complete = true;
    faultPoint("after-stream-complete");
    SLUICE_TRY(afterCommit({{stream, n, reread, finalState}}, std::exchange(m_pendingGlobal, std::nullopt)));
    announce(b, StreamPhase::Done);
    return {};
}

void EngineSink::log(LogLevel level, const std::string& message) {
    const char* l = level == LogLevel::Error   ? "ERROR"
                    : level == LogLevel::Warn  ? "WARN"
                    : level == LogLevel::Debug ? "DEBUG"
                                               : "INFO";
    m_log.write(l, message, "source");
}

void EngineSink::estimate(size_t stream, int64_t records) {
    if (stream >= m_streams.size() || m_streams[stream].estimate == records)
        return;
    m_streams[stream].estimate = records;
    if (!m_streams[stream].running)
        markRunning(m_streams[stream]);
    if (m_options.observer)
        m_options.observer->streamProgress(m_jobId, m_streams[stream].target.name,
                                           m_streams[stream].committed, records);
    report(stream);
}

void EngineSink::estimateBytes(size_t stream, int64_t bytes) {
    if (stream >= m_streams.size() || m_streams[stream].bytesEstimate == bytes)
        return;
    m_streams[stream].bytesEstimate = bytes;
    report(stream);
}

void EngineSink::streamStatus(size_t stream, const std::string& status) {
    // A connector may say RUNNING again and again: only a change is written.
    if (stream >= m_streams.size() || m_streams[stream].connectorStatus == status)
        return;
    m_streams[stream].connectorStatus = status;
    report(stream);
}

void EngineSink::report(size_t stream) {
    const Buffer& b = m_streams[stream];
    // For display only: a failed write is worth a warning, never the read.
    m_log.warnIfFailed(JobRepository(m_store.db())
                           .setStreamReport(m_jobId, b.target.ns, b.target.name, b.connectorStatus,
                                            b.estimate, b.bytesEstimate),
                       "recording what the source reports on stream `" + b.target.name + "`");
    if (m_options.observer)
        m_options.observer->streamReported(m_jobId, b.target.name, b.connectorStatus, b.bytesEstimate);
}

Status EngineSink::flush(const std::vector<size_t>& streams, bool onlyCovered) {
    SLUICE_TRY(drain());
    InFlight next;
    for (size_t i : streams) {
        Buffer& b = m_streams[i];
        if (b.complete)
            continue;
        const size_t take = onlyCovered ? b.coveredRows : b.rows.size();
        if (take == 0 && !b.pendingState)
            continue;
        StreamBatch batch;
        batch.stream = b.target.destIndex;
        if (take == b.rows.size()) {
            batch.rows = std::move(b.rows);
            b.rows.clear();
        } else {
            batch.rows.assign(std::make_move_iterator(b.rows.begin()),
                              std::make_move_iterator(b.rows.begin() + static_cast<long>(take)));
            b.rows.erase(b.rows.begin(), b.rows.begin() + static_cast<long>(take));
        }
        // Every row before the state is in this batch, so the state's claim holds (rows after it may repeat).
        if (b.pendingState)
            batch.checkpoint = DestinationCheckpoint{b.target.generation, b.target.seq + 1, *b.pendingState};
        m_buffered -= std::min(m_buffered, take);
        b.coveredRows = 0;
        next.written.push_back({i, take, countReread(batch.rows, take), std::exchange(b.pendingState, {})});
        next.batches.push_back(std::move(batch));
    }
    if (next.batches.empty())
        return {};
    next.global = std::exchange(m_pendingGlobal, std::nullopt);
    m_inFlight = std::move(next);
    m_writer.start([this] { return m_destination.write(m_inFlight->batches); });
    return {};
}

Status EngineSink::drain() {
    if (m_writeFailed)
        return *m_writeFailed;
    if (!m_inFlight)
        return {};
    Status written;
    try {
        written = m_writer.wait();
    } catch (...) {
        m_writeFailed = Error::internal("the write of a batch was interrupted by an unexpected error");
        m_inFlight.reset();
        throw;
    }
    InFlight done = std::move(*m_inFlight);
    m_inFlight.reset();
    if (!written) {
        m_writeFailed = written.error();
        return written;
    }
    for (auto& batch : done.batches)
        recycle(batch.rows);
    faultPoint("after-destination-commit");
    return afterCommit(done.written, done.global);
}

Status EngineSink::afterCommit(const std::vector<Written>& written,
                               const std::optional<PendingGlobal>& global) {
    StateRepository states(m_store.db());
    JobRepository jobs(m_store.db());
    int64_t total = 0;
    for (const auto& w : written)
        total += static_cast<int64_t>(w.rows);
    // The transaction may run more than once: the buffers change only once it committed.
    SLUICE_TRY(m_store.db().write("saving the state of job " + std::to_string(m_jobId), [&]() -> Status {
        for (const auto& w : written) {
            const Buffer& b = m_streams[w.stream];
            if (w.state)
                SLUICE_TRY(
                    states.saveState(m_connectionId, b.target.ns, b.target.name,
                                     StoredState{*w.state, b.target.generation, b.target.seq + 1, {}}));
            if (w.rows)
                SLUICE_TRY(jobs.addStreamCommitted(m_jobId, b.target.ns, b.target.name,
                                                   static_cast<int64_t>(w.rows), w.reread));
        }
        if (global) {
            auto prev = states.state(m_connectionId, "", "");
            const int64_t seq = prev.ok() && prev.value() ? prev.value()->seq + 1 : 1;
            SLUICE_TRY(states.saveState(m_connectionId, "", "",
                                        StoredState{global->stateJson, 0, seq, {}, global->kind}));
        }
        if (total)
            SLUICE_TRY(jobs.addCommitted(m_jobId, m_attempt, total));
        faultPoint("during-state-save");
        return {};
    }));
    for (const auto& w : written) {
        Buffer& b = m_streams[w.stream];
        if (w.state) {
            b.target.seq += 1;
            b.target.lastState = *w.state;
        }
        b.committed += static_cast<int64_t>(w.rows);
        b.reread += w.reread;
    }
    m_committedTotal += total;
    if (m_options.observer)
        for (const auto& w : written)
            m_options.observer->streamProgress(m_jobId, m_streams[w.stream].target.name,
                                               m_streams[w.stream].committed, m_streams[w.stream].estimate);
    return {};
}

void EngineSink::recycle(std::vector<Row>& rows) {
    for (size_t i = 0; i < rows.size() && m_spare.size() < rows.size(); ++i)
        m_spare.push_back(std::move(rows[i]));
}

Status EngineSink::finish(bool readSucceeded) {
    std::vector<size_t> all;
    for (size_t i = 0; i < m_streams.size(); ++i)
        all.push_back(i);
    SLUICE_TRY(flush(all, !readSucceeded));
    return drain();
}

} // namespace sluice::core
