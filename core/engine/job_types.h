#pragma once

#include "catalog/stream.h"
#include "catalog/sync_modes.h"
#include "config/connection_config.h"
#include "sources/source.h"
#include "store/job_status.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace sluice::core {

enum class JobType { Sync, Refresh, Clear, Backfill };
std::string_view toString(JobType t);

// Who started a job, kept in the job's row so the jobs list can say it. The scheduler counts as `schedule`
// in whichever process runs it (the desktop app or a headless one).
enum class JobTrigger { Unknown, Gui, Schedule, Cli };
std::string_view toString(JobTrigger t); // "" (unknown), "gui", "schedule", "cli"

struct JobRequest {
    JobType type = JobType::Sync;
    RefreshKind refreshKind = RefreshKind::Retain; // for Refresh
    std::vector<std::string> streams;              // empty means every selected stream
    JobTrigger trigger = JobTrigger::Unknown;
    // Backfill (one stream): the cursor range, as the user wrote it; parsed as the cursor's type before the
    // job starts. No `to`: up to the current end.
    std::string backfillFrom;
    std::optional<std::string> backfillTo;
};

// How one configured stream takes part in a job.
struct StreamPlan {
    ConfiguredStreamConfig config;
    ResolvedStream resolved; // filled once the source was discovered
    int64_t generation = 0;
    int64_t minimumGeneration = 0;
    StreamAction action = StreamAction::Sync;
    bool clear = false;
    bool refreshing = false; // a refresh (or clear) of this stream is pending until it succeeds
    bool blocked = false;
    std::string blockReason;
    std::optional<CursorRange> backfill; // the range a backfill re-imports; the state stays as it was
};

struct JobOutcome {
    int64_t jobId = 0;
    JobStatus status = JobStatus::Failed; // succeeded, failed or cancelled
    Error error;                          // when not succeeded
};

// Where a stream of a running job is: announced waiting when the attempt begins, running from its first
// record or estimate, done once the source completed it and its last rows are committed.
enum class StreamPhase { Waiting, Running, Done };
std::string_view toString(StreamPhase p);

// Live progress of a running job, for the GUI. Called on the job's thread.
class JobObserver {
public:
    virtual ~JobObserver() = default;
    virtual void jobStarted(int64_t jobId) { (void)jobId; }
    virtual void logLine(int64_t jobId, const std::string& level, const std::string& message) {
        (void)jobId, (void)level, (void)message;
    }
    virtual void streamProgress(int64_t jobId, const std::string& stream, int64_t committed,
                                int64_t estimate) {
        (void)jobId, (void)stream, (void)committed, (void)estimate;
    }
    virtual void streamPhase(int64_t jobId, const std::string& stream, StreamPhase phase) {
        (void)jobId, (void)stream, (void)phase;
    }
    // What the source said of a stream: its own status ("COMPLETE"...; empty: none yet) and the bytes it
    // expects (-1: unknown).
    virtual void streamReported(int64_t jobId, const std::string& stream, const std::string& connectorStatus,
                                int64_t bytesEstimated) {
        (void)jobId, (void)stream, (void)connectorStatus, (void)bytesEstimated;
    }
};

// Tuning knobs and hooks the CLI, the GUI and tests set.
struct JobOptions {
    JobObserver* observer = nullptr;
    const std::atomic<bool>* cancelFlag = nullptr; // in-process cancel (the GUI); the store flag works too
    // Waits between attempts; tests replace it to avoid real sleeps. Returns false when cancelled meanwhile.
    std::function<bool(int seconds)> backoffWait;
    // Rows buffered before a write without a state (a connector that never checkpoints). Two such batches
    // are alive at once, one being written while the next fills: 50,000 rows of ten fields are ~60 MB.
    size_t maxBufferedRows = 50000;
};

} // namespace sluice::core
