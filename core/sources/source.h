#pragma once

#include "catalog/stream.h"
#include "util/log_level.h"
#include "util/result.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sluice::core {

// A backfill's cursor range, inclusive at both ends; no `to`: up to the current end.
struct CursorRange {
    Value from;
    std::optional<Value> to;
};

// What a source reads for one stream: the resolved configuration and the state to resume from.
struct StreamReadSpec {
    ResolvedStream stream;
    std::string
        stateJson; // the stream's last stored state (Airbyte STREAM state's stream_state); empty: none
    // The stream is read from its start (a refresh or a full refresh): a LEGACY state's entry of the same
    // name is left out of what the source gets back.
    bool fromStart = false;
    // A backfill: only the records with a cursor in this range, whatever the state says (the engine keeps
    // the stream's state as it was). Only sources that filter by cursor (CursorFilter) are given one.
    std::optional<CursorRange> backfill;
};

struct ReadRequest {
    std::vector<StreamReadSpec> streams;
    std::string globalStateJson;        // for sources that keep GLOBAL state; empty: none
    bool globalStateIsLegacy = false;   // globalStateJson is a LEGACY state's `data`, not a `shared_state`
    int64_t checkpointInterval = 10000; // emit a state at least every N records of a stream
};

// Where a source delivers what it reads. Returning an error from any call stops the read: the source must
// return that error from read() promptly (cancellation and destination failures arrive this way).
class RecordSink {
public:
    virtual ~RecordSink() = default;
    // `stream` is the index in ReadRequest::streams; the row's values follow that stream's columns.
    // On return `row` may hold a spent row (whatever values) whose buffers the source can reuse for its next
    // record: a source that reuses it must set every value, the changes and extractedAtMs.
    virtual Status record(size_t stream, Row&& row) = 0;
    // A checkpoint: everything emitted for the stream before it is covered by this state.
    virtual Status state(size_t stream, const std::string& stateJson) = 0;
    // GLOBAL state (for sources that track all streams together); per-stream states may come with it.
    virtual Status globalState(const std::string& sharedStateJson) {
        (void)sharedStateJson;
        return {};
    }
    // A LEGACY state (older connectors): one opaque `data` object for the whole connection, covering
    // everything emitted before it, to be passed back exactly so.
    virtual Status legacyState(const std::string& dataJson) {
        (void)dataJson;
        return {};
    }
    // The stream has been read to its end (its final state was emitted before).
    virtual Status streamComplete(size_t stream) = 0;
    virtual void log(LogLevel level, const std::string& message) {
        (void)level;
        (void)message;
    }
    // How many records the source expects to emit for the stream in this read, when it knows.
    virtual void estimate(size_t stream, int64_t records) {
        (void)stream;
        (void)records;
    }
    // How many bytes the source expects to emit for the stream in this read, when it knows.
    virtual void estimateBytes(size_t stream, int64_t bytes) {
        (void)stream;
        (void)bytes;
    }
    // The source's own word on how far the stream is (Airbyte's STREAM_STATUS: "STARTED", "RUNNING",
    // "COMPLETE", "INCOMPLETE"), for display: streamComplete() is what makes a stream complete.
    virtual void streamStatus(size_t stream, const std::string& status) {
        (void)stream;
        (void)status;
    }
};

// A source that changed its own configuration while it ran (a connector's CONTROL CONNECTOR_CONFIG, a
// rotated OAuth2 refresh token): what the next run must use. Values are secrets as much as the
// configuration's are; the keys alone may be shown.
struct SourceConfigUpdate {
    std::string configJson; // the whole new source configuration (the `source.config` object)
    std::vector<std::string>
        changed; // JSON pointers into it of the values that changed ("/config/api_token")
};
// Stores an update before the source goes on; an error stops the call that reported it.
using SourceConfigHandler = std::function<Status(const SourceConfigUpdate&)>;

// A source connector. One instance per job attempt, used from one thread.
class Source {
public:
    virtual ~Source() = default;
    // Tests the configuration against the real system; the message says what to fix.
    virtual Status check() = 0;
    virtual Result<std::vector<StreamInfo>> discover() = 0;
    virtual Status read(const ReadRequest& request, RecordSink& sink) = 0;

    // How a call that waits on something silent (a connector process printing nothing) learns of a cancel:
    // such sources ask this a few times a second and end the call with a Cancelled error. The others see
    // a cancel through their sink, at their next record or checkpoint.
    void setStopCheck(std::function<bool()> stopRequested) { m_stopRequested = std::move(stopRequested); }
    // Who keeps a configuration the source changed. Without one an update lives only as long as the source.
    void setConfigHandler(SourceConfigHandler handler) { m_configHandler = std::move(handler); }

protected:
    const std::function<bool()>& stopCheck() const { return m_stopRequested; }
    Status reportConfigUpdate(const SourceConfigUpdate& update) const {
        return m_configHandler ? m_configHandler(update) : Status();
    }

private:
    std::function<bool()> m_stopRequested;
    SourceConfigHandler m_configHandler;
};

// Builds the source for a type and its configuration JSON (already validated against its spec).
Result<std::unique_ptr<Source>> makeSource(const std::string& type, const std::string& configJson);

} // namespace sluice::core
