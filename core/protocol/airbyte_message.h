#pragma once

#include "catalog/stream.h"
#include "util/log_level.h"
#include "util/result.h"

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

// The messages an Airbyte-protocol connector prints on stdout, one JSON object per line.
// Control messages are parsed into plain structs; JSON sub-documents that Sluice passes on without
// interpreting (states, schemas, record data) are kept as compact JSON text so they round-trip unchanged.
namespace sluice::core::airbyte {

enum class MessageType { Record, State, Log, Trace, Catalog, Spec, ConnectionStatus, Control, Unknown };
const char* toString(MessageType t);

struct StreamDescriptor {
    std::string name;
    std::string ns; // namespace; empty when none
    bool operator==(const StreamDescriptor&) const = default;
};

struct RecordMessage {
    StreamDescriptor stream;
    std::string dataJson;  // the `data` object as JSON text
    int64_t emittedAt = 0; // milliseconds since the epoch, as the connector wrote it
};

enum class StateType { Stream, Global, Legacy };

// One stream's part of a STREAM or GLOBAL state.
struct StreamStateEntry {
    StreamDescriptor stream;
    std::string stateJson; // `stream_state` as JSON text; "null" when the connector sent none
};

struct StateMessage {
    StateType type = StateType::Legacy;
    std::string json;                      // the whole AirbyteStateMessage, for passing back unchanged
    StreamStateEntry stream;               // STREAM
    std::string sharedStateJson;           // GLOBAL: `shared_state` ("null" when absent)
    std::vector<StreamStateEntry> streams; // GLOBAL: `stream_states`
    std::string legacyDataJson;            // LEGACY: `data`
};

struct LogMessage {
    LogLevel level = LogLevel::Info;
    std::string message;
};

enum class TraceType { Error, StreamStatus, Estimate, Other };
enum class StreamStatus { Started, Running, Complete, Incomplete, Unknown };

struct TraceMessage {
    TraceType type = TraceType::Other;
    // ERROR
    std::string message;
    std::string internalMessage;
    std::string failureType; // "config_error", "system_error", "transient_error"; empty when not given
    // STREAM_STATUS and ESTIMATE
    StreamDescriptor stream;
    StreamStatus status = StreamStatus::Unknown;
    bool perStream = true;     // ESTIMATE of type STREAM (false: SYNC, the whole sync)
    int64_t rowEstimate = -1;  // -1 when not given
    int64_t byteEstimate = -1; // -1 when not given

    bool isConfigError() const { return failureType == "config_error"; }
};

struct ConnectionStatusMessage {
    bool succeeded = false;
    std::string message;
};

// CONTROL: the connector changed something the platform keeps for it. Only CONNECTOR_CONFIG (its own
// configuration, e.g. a rotated single-use token) is acted on; other control types leave connectorConfig
// empty.
struct ControlMessage {
    std::string type;                // "CONNECTOR_CONFIG", or what a later protocol adds
    std::string connectorConfigJson; // CONNECTOR_CONFIG: `connectorConfig.config`, the whole new config
};

// A tagged struct rather than a variant: control messages are rare and this keeps callers simple.
// Only the member that matches `type` is filled.
struct Message {
    MessageType type = MessageType::Unknown;
    std::string typeName; // the `type` as written; how callers name an Unknown message
    RecordMessage record;
    StateMessage state;
    LogMessage log;
    TraceMessage trace;
    std::vector<std::string> catalogStreams; // CATALOG: each AirbyteStream as JSON text
    std::string specJson;                    // SPEC: `connectionSpecification` as JSON text
    ConnectionStatusMessage connectionStatus;
    ControlMessage control;
};

// Parses one stdout line. Errors (ErrorKind::Invalid) start with "not JSON" when the line is not JSON
// at all, and say what is missing when it is JSON but not a valid message. Unknown types are not errors.
// Bytes that are not UTF-8 are replaced by U+FFFD first; a line nested deeper than kMaxJsonDepth
// (json_text.h) is an error and never parsed.
Result<Message> parseMessageLine(std::string_view line);

LogLevel logLevelFromString(std::string_view level); // FATAL/ERROR/WARN/INFO/DEBUG/TRACE
StreamStatus streamStatusFromString(std::string_view status);
const char* toString(StreamStatus status); // "STARTED", ...; "UNKNOWN"

// The same for a message already parsed (the record decoder's slow path).
Result<Message> messageFromJson(const nlohmann::json& j);
// A JSON value of a record's `data` as a cell value, before coercion to the column type.
Value valueFromJson(const nlohmann::json& v);

// What Sluice writes for a connector: the configured catalog and the state file of `read`.

// A ConfiguredAirbyteCatalog as JSON text: per stream its AirbyteStream (json_schema from the columns),
// sync_mode, destination_sync_mode, cursor_field, primary_key, and generation_id, minimum_generation_id
// and sync_id as 0 (Sluice tracks generations itself; connectors only pass these through).
std::string configuredCatalogJson(const std::vector<ResolvedStream>& streams);

// The `--state` file as the platform passes it: a JSON array of AirbyteStateMessages.
// Without a shared state: one STREAM state per entry. With one (a GLOBAL source): a single GLOBAL state
// whose `stream_states` are the entries. Each state text must be JSON (an Invalid error names the stream).
Result<std::string> stateFileJson(const std::vector<StreamStateEntry>& streamStates,
                                  const std::string& sharedStateJson = {});

// The `--state` file of a connector that wrote LEGACY states: the `data` object itself, as older CDKs read
// it. Top-level keys named in `dropKeys` (streams read from their start) are left out when `data` is an
// object; an Invalid error when the stored text is not JSON.
Result<std::string> legacyStateFileJson(const std::string& dataJson,
                                        const std::vector<std::string>& dropKeys);

// The `--state` file from whole state messages kept as the connector emitted them (StateMessage::json).
std::string stateFileFromMessages(const std::vector<std::string>& stateMessagesJson);

} // namespace sluice::core::airbyte
