// AirbyteSource::read: the `read` command's stdout mapped onto a RecordSink.
#include "protocol/airbyte_message.h"
#include "protocol/record_decoder.h"
#include "sources/airbyte/airbyte_source.h"
#include "sources/airbyte/run_dir.h"

namespace sluice::core {

using namespace airbyte;

namespace {

std::string streamLabel(const StreamDescriptor& d) {
    return d.ns.empty() ? "`" + d.name + "`" : "`" + d.name + "` (namespace `" + d.ns + "`)";
}

std::string clip(std::string_view s, size_t n = 200) {
    return std::string(s.substr(0, n));
}

bool startsLikeMessage(std::string_view line) {
    const size_t first = line.find_first_not_of(" \t");
    return first != std::string_view::npos && line[first] == '{';
}

// One read: decodes each stdout line and forwards it to the sink, remembering what the end needs to know.
class ReadSession {
public:
    using ConfigHandler = std::function<Status(const std::string& connectorConfigJson)>;

    ReadSession(const ReadRequest& request, RecordSink& sink, ConfigHandler onConfig)
        : m_sink(sink), m_decoder(decoderStreams(request)), m_onConfig(std::move(onConfig)) {
        m_touched.assign(request.streams.size(), false);
        m_completed.assign(request.streams.size(), false);
    }

    // Connectors print chatter on stdout, which is logged and skipped. But a line that starts like a message
    // and is not valid JSON (cut short, or not UTF-8), or a RECORD or STATE that is not valid, may be a
    // record or a checkpoint: skipping it would lose data silently, so the attempt fails, naming the line.
    Status onLine(std::string_view line) {
        ++m_lineNo;
        m_decoder.decode(line, m_line);
        switch (m_line.kind) {
        case DecodedLine::Kind::Record:
            m_touched[m_line.stream] = true;
            return m_sink.record(m_line.stream, std::move(m_line.row));
        case DecodedLine::Kind::UndeclaredRecord:
            return Error::transient("connector emitted a record for stream " +
                                    streamLabel(m_line.message.record.stream) +
                                    ", which is not in the configured catalog");
        case DecodedLine::Kind::NotJson:
            if (startsLikeMessage(line))
                return Error::transient("connector output line " + std::to_string(m_lineNo) +
                                        " is not valid JSON (cut short, or not UTF-8): " + clip(line));
            m_sink.log(LogLevel::Warn, "connector printed a line that is not JSON: " + clip(line));
            return {};
        case DecodedLine::Kind::TooDeep:
            return Error::transient("connector output line " + std::to_string(m_lineNo) + " " + m_line.error);
        case DecodedLine::Kind::Malformed:
            if (m_line.error.rfind("malformed RECORD", 0) == 0 ||
                m_line.error.rfind("malformed STATE", 0) == 0)
                return Error::transient("connector output line " + std::to_string(m_lineNo) + ": " +
                                        m_line.error + ": " + clip(line));
            m_sink.log(LogLevel::Warn, "connector printed a " + m_line.error + ": " + clip(line));
            return {};
        case DecodedLine::Kind::Message:
            break;
        }
        return onMessage(m_line.message);
    }

    void onStderr(std::string_view line) {
        m_sink.log(LogLevel::Info, "connector stderr: " + std::string(line));
    }

    // After the process ended by itself: the read's verdict.
    Status finish(const ChildProcessExit& exit) {
        if (m_traceError)
            return m_traceError->isConfigError() ? Error::config(m_traceError->message)
                                                 : Error::transient(m_traceError->message);
        if (!exit.succeeded())
            return Error::transient("connector " + exit.describe() +
                                    (exit.stderrTail.empty() ? std::string() : ": " + exit.stderrTail));
        // Connectors older than stream statuses say "done" by exiting 0: what they touched is complete.
        for (size_t i = 0; i < m_touched.size(); ++i)
            if (m_touched[i] && !m_completed[i])
                SLUICE_TRY(complete(i));
        return {};
    }

private:
    static std::vector<DecoderStream> decoderStreams(const ReadRequest& request) {
        std::vector<DecoderStream> out;
        for (const auto& s : request.streams)
            out.push_back({s.stream.stream.name, s.stream.stream.ns, s.stream.stream.columns});
        return out;
    }

    // The declared stream of a descriptor; -1 (with a warning) when the connector names another one.
    int indexOf(const StreamDescriptor& d, const char* what) {
        const int i = m_decoder.streamIndex(d.name, d.ns);
        if (i < 0)
            m_sink.log(LogLevel::Warn, std::string("ignored a ") + what + " for stream " + streamLabel(d) +
                                           ", which is not in the configured catalog");
        return i;
    }

    Status streamState(const StreamStateEntry& e) {
        const int i = indexOf(e.stream, "state");
        if (i < 0)
            return {};
        m_touched[size_t(i)] = true;
        return m_sink.state(size_t(i), e.stateJson);
    }

    Status complete(size_t i) {
        m_completed[i] = true;
        return m_sink.streamComplete(i);
    }

    Status onMessage(const Message& m) {
        switch (m.type) {
        case MessageType::State:
            return onState(m.state);
        case MessageType::Log:
            m_sink.log(m.log.level, m.log.message);
            return {};
        case MessageType::Trace:
            return onTrace(m.trace);
        case MessageType::Control:
            // Kept before the next line is read: a connector that fails later has spent the old token.
            return m.control.connectorConfigJson.empty() ? Status()
                                                         : m_onConfig(m.control.connectorConfigJson);
        default:
            return {}; // CATALOG, SPEC, CONNECTION_STATUS, unknown: nothing to do during a read
        }
    }

    Status onState(const StateMessage& s) {
        switch (s.type) {
        case StateType::Stream:
            return streamState(s.stream);
        case StateType::Global:
            // The per-stream parts first: the sink commits them with the shared part, as one checkpoint.
            for (const auto& e : s.streams)
                SLUICE_TRY(streamState(e));
            return m_sink.globalState(s.sharedStateJson);
        case StateType::Legacy:
            // One state for the whole connection: every stream has been checkpointed, even one that read
            // nothing new (it must complete, not fail the job as never reached).
            m_touched.assign(m_touched.size(), true);
            return m_sink.legacyState(s.legacyDataJson);
        }
        return {};
    }

    Status onTrace(const TraceMessage& t) {
        switch (t.type) {
        case TraceType::Error:
            // The connector usually exits right after; what it still prints (states) is kept.
            m_sink.log(LogLevel::Error,
                       "connector error: " + t.message +
                           (t.internalMessage.empty() ? "" : " (" + t.internalMessage + ")"));
            if (!m_traceError)
                m_traceError = t;
            return {};
        case TraceType::StreamStatus: {
            if (t.status == StreamStatus::Incomplete)
                m_sink.log(LogLevel::Warn,
                           "connector reports stream " + streamLabel(t.stream) + " as incomplete");
            const int i = indexOf(t.stream, "stream status");
            if (i < 0)
                return {};
            if (t.status != StreamStatus::Unknown)
                m_sink.streamStatus(size_t(i), toString(t.status));
            if (t.status != StreamStatus::Complete)
                return {};
            return m_completed[size_t(i)] ? Status{} : complete(size_t(i));
        }
        case TraceType::Estimate: {
            if (!t.perStream || (t.rowEstimate < 0 && t.byteEstimate < 0))
                return {};
            const int i = indexOf(t.stream, "estimate");
            if (i >= 0 && t.rowEstimate >= 0)
                m_sink.estimate(size_t(i), t.rowEstimate);
            if (i >= 0 && t.byteEstimate >= 0)
                m_sink.estimateBytes(size_t(i), t.byteEstimate);
            return {};
        }
        case TraceType::Other:
            break;
        }
        return {};
    }

    RecordSink& m_sink;
    RecordDecoder m_decoder;
    ConfigHandler m_onConfig;
    DecodedLine m_line;            // reused across lines
    std::vector<bool> m_touched;   // records or states came through
    std::vector<bool> m_completed; // streamComplete was called
    std::optional<TraceMessage> m_traceError;
    int64_t m_lineNo = 0; // stdout lines so far, for messages
};

// The --state file for the request, in the shape the connector wrote its states; empty when there is
// nothing to resume from.
Result<std::string> stateFileFor(const ReadRequest& request) {
    if (request.globalStateIsLegacy && !request.globalStateJson.empty()) {
        std::vector<std::string> fromStart;
        for (const auto& s : request.streams)
            if (s.fromStart)
                fromStart.push_back(s.stream.stream.name);
        auto file = legacyStateFileJson(request.globalStateJson, fromStart);
        if (!file)
            return Error::internal(file.error().message);
        return *file;
    }
    std::vector<StreamStateEntry> states;
    for (const auto& s : request.streams)
        if (!s.stateJson.empty())
            states.push_back({{s.stream.stream.name, s.stream.stream.ns}, s.stateJson});
    if (states.empty() && request.globalStateJson.empty())
        return std::string();
    auto file = stateFileJson(states, request.globalStateJson);
    if (!file)
        return Error::internal(file.error().message);
    return *file;
}

} // namespace

Status AirbyteSource::read(const ReadRequest& request, RecordSink& sink) {
    SLUICE_TRY(validateConfig(/*runSpec=*/false));
    RunDir dir;
    if (!dir.ok())
        return Error::internal("cannot create a private temporary folder for the connector");
    std::vector<ResolvedStream> streams;
    for (const auto& s : request.streams)
        streams.push_back(s.stream);
    auto config = dir.write("config.json", m_connectorConfigJson);
    if (!config)
        return config.error();
    auto catalog = dir.write("catalog.json", configuredCatalogJson(streams));
    if (!catalog)
        return catalog.error();
    auto state = stateFileFor(request);
    if (!state)
        return state.error();

    ChildProcessOptions opts;
    opts.command = commandFor(dir);
    opts.args.insert(opts.args.end(), {"read", "--config", *config, "--catalog", *catalog});
    if (!state->empty()) {
        auto statePath = dir.write("state.json", *state);
        if (!statePath)
            return statePath.error();
        opts.args.insert(opts.args.end(), {"--state", *statePath});
    }
    // A read may rightly take hours: what is limited is how long it may stay silent.
    opts.silenceTimeoutSeconds = m_heartbeatSeconds;
    opts.stopRequested = stopCheck();
    opts.killGrace = m_killGrace;
    sink.log(LogLevel::Info, "running `" + commandLineForDisplay(opts.command) + " " +
                                 commandLineForDisplay(opts.args) + "`");

    ReadSession session(request, sink,
                        [this](const std::string& config) { return applyConnectorConfig(config); });
    auto exit = runChildProcess(
        opts, [&](std::string_view line) { return session.onLine(line); },
        [&](std::string_view line) { session.onStderr(line); });
    if (!exit)
        return exit.error();
    if (exit->stoppedBy != ChildStop::None)
        return stoppedError("read", *exit);
    if (auto failed = engineFailure(*exit))
        return *failed;
    return session.finish(*exit);
}

} // namespace sluice::core
