#pragma once

#include "destinations/destination.h"
#include "engine/job_types.h"
#include "engine/write_behind.h"
#include "mapping/stream_mapping.h"
#include "sources/source.h"

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sluice::core {

class JobLog;
class Store;

// Receives what a source reads and makes it durable: rows are buffered per stream and written to the
// destination together with the checkpoint that covers them; only after that commit is the state stored in
// Sluice's database (at-least-once, SPEC §5). A state is written lazily, when the next record arrives or the
// stream completes, so that a stream's final rows, final state and swap share one transaction.
// A batch is written on a thread of its own while the source reads the next one; its state is stored once
// the write committed, before anything else touches the destination. After a failed write nothing more is
// written: a later state would claim the rows that went down with it.
class EngineSink : public RecordSink {
public:
    struct StreamTarget {
        size_t destIndex = 0; // index of the stream's plan in Destination::begin()
        std::string ns, name;
        int64_t generation = 0;
        int64_t seq = 0; // last checkpoint sequence; each new checkpoint takes seq + 1
        std::string lastState;
        std::vector<Column> columns; // what the rows' values are, in order (names for _airbyte_meta)
        // A backfill: the stream's state stays `lastState` whatever the source emits, so the rows are
        // committed with checkpoints that leave the state as it was.
        bool keepState = false;
        // Selected fields and mappers, applied to each row before it is buffered (null: none).
        std::shared_ptr<StreamMapping> mapping;
    };

    EngineSink(Store& store, Destination& destination, JobLog& log, int64_t connectionId, int64_t jobId,
               int attempt, std::vector<StreamTarget> targets, const JobOptions& options,
               std::function<bool()> cancelled);

    Status record(size_t stream, Row&& row) override;
    Status state(size_t stream, const std::string& stateJson) override;
    Status globalState(const std::string& sharedStateJson) override;
    Status legacyState(const std::string& dataJson) override;
    Status streamComplete(size_t stream) override;
    void log(LogLevel level, const std::string& message) override;
    void estimate(size_t stream, int64_t records) override;
    void estimateBytes(size_t stream, int64_t bytes) override;
    void streamStatus(size_t stream, const std::string& status) override;

    // Commits every row covered by a received state; rows after the last state are dropped on failure.
    Status finish(bool readSucceeded);

    bool completed(size_t stream) const { return m_streams[stream].complete; }
    int64_t committed() const { return m_committedTotal; }
    int64_t committed(size_t stream) const { return m_streams[stream].committed; }
    // Of those, the records read again within the stream's lookback.
    int64_t reread(size_t stream) const { return m_streams[stream].reread; }

private:
    struct Buffer {
        StreamTarget target;
        std::vector<Row> rows;
        std::optional<std::string> pendingState;
        size_t coveredRows = 0; // rows[0, coveredRows) are covered by pendingState
        bool complete = false;
        bool running = false; // announced running to the observer
        int64_t committed = 0;
        int64_t reread = 0;
        int64_t estimate = -1;
        int64_t bytesEstimate = -1;
        std::string connectorStatus;
    };

    void announce(const Buffer& b, StreamPhase phase);
    void markRunning(Buffer& b);

    // Hands the streams' buffered rows (only those a state covers, if `onlyCovered`) to the writer thread,
    // after the write before them has committed.
    Status flush(const std::vector<size_t>& streams, bool onlyCovered);
    // Waits for the write in flight and stores what it committed.
    Status drain();
    // Keeps written rows for reuse: record() hands one back to the source, whose next row then fills
    // buffers that already have capacity instead of allocating a vector and strings per record.
    void recycle(std::vector<Row>& rows);
    // `written`: (stream, rows, of which re-read) of each committed batch.
    struct Written {
        size_t stream = 0;
        size_t rows = 0;
        int64_t reread = 0;
        std::optional<std::string> state; // the stream's state the batch's checkpoint carries
    };
    struct PendingGlobal {
        std::string stateJson;
        std::string kind;
    };
    struct InFlight {
        std::vector<StreamBatch> batches;
        std::vector<Written> written;
        std::optional<PendingGlobal> global;
    };
    Status afterCommit(const std::vector<Written>& written, const std::optional<PendingGlobal>& global);
    Status checkCancel();
    // Keeps what the source said of a stream (status, estimates) in the job and tells the observer.
    void report(size_t stream);
    // A connection-wide checkpoint (GLOBAL or LEGACY, see StoredState::kind): commits every buffered row.
    Status connectionState(const std::string& stateJson, const char* kind);

    Store& m_store;
    Destination& m_destination;
    JobLog& m_log;
    int64_t m_connectionId, m_jobId;
    int m_attempt;
    JobOptions m_options;
    std::function<bool()> m_cancelled;
    std::vector<Buffer> m_streams;
    size_t m_buffered = 0;
    std::vector<Row> m_spare; // never more than one flushed batch
    int64_t m_committedTotal = 0;
    std::optional<PendingGlobal> m_pendingGlobal;
    std::optional<InFlight> m_inFlight;
    std::optional<Error> m_writeFailed;
    std::chrono::steady_clock::time_point m_lastCancelCheck;
    WriteBehind m_writer; // last: it finishes the write in flight before the members it uses go
};

} // namespace sluice::core
