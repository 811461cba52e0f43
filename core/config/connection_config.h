#pragma once

#include "catalog/field_path.h"
#include "catalog/lookback.h"
#include "catalog/sync_modes.h"
#include "mapping/stream_mapping.h"
#include "util/result.h"

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

namespace sluice::core {

struct ConfiguredStreamConfig {
    std::string name;
    std::string ns; // namespace; empty when the source has none
    bool selected = true;
    StreamMode mode;
    FieldPath cursorField;             // empty: source-defined or default cursor
    std::vector<FieldPath> primaryKey; // empty: source-defined key
    std::optional<Lookback> lookback;  // incremental only: re-read below the saved cursor
    MappingConfig mapping;             // `selected_fields` and `mappers`
};

struct RetryPolicy {
    int maxAttempts = 20;
    int maxConsecutiveFailures = 5;
    int backoffSeconds = 10;
};

struct Schedule {
    enum class Type { Manual, Interval, Cron };
    Type type = Type::Manual;
    int minutes = 0;
    std::string expression;
};

enum class SchemaChangePolicy { Block, PropagateColumns, PropagateFully, Ignore };
std::string_view toString(SchemaChangePolicy p);
std::optional<SchemaChangePolicy> parseSchemaChangePolicy(std::string_view s);

struct ConnectionSettings {
    int64_t stateCheckpointInterval = 10000;
    SchemaChangePolicy schemaChangePolicy = SchemaChangePolicy::Block;
    Schedule schedule;
    RetryPolicy retry;
    // Airbyte's stream prefix: prepended to every table name of the connection (final, history, staging), so
    // that two connections with streams of the same name can write into one destination.
    std::string prefix;
};

// Why a table prefix cannot be used ("" when it can): at most 63 bytes (PostgreSQL keeps no longer names),
// no control characters, not starting with `_airbyte_` (the names of Airbyte's and Sluice's own tables).
std::string tablePrefixProblem(const std::string& prefix);

// A connector's type and its configuration object, kept as JSON text so that headers stay light.
struct ConnectorConfig {
    std::string type;
    std::string configJson = "{}";
};

struct ConnectionConfig {
    int64_t id = 0; // 0 until stored
    std::string name;
    ConnectorConfig source;
    ConnectorConfig destination;
    std::vector<ConfiguredStreamConfig> streams;
    ConnectionSettings settings;
    // The Sluice home the connection is stored in (set when read from it): its id and folder. A destination
    // knows the connection as (home id, id), since every home numbers its connections from 1.
    std::string homeId, homePath;

    const ConfiguredStreamConfig* findStream(const std::string& name, const std::string& ns = {}) const;
};

// Reads and validates a connection file (SPEC §7). Relative paths in it become absolute, relative to the
// file. Every refusal names the file, the key and what was expected.
Result<ConnectionConfig> loadConnectionFile(const std::string& path);
// A configured stream's `selected_fields` and `mappers` (JSON object `s`, named `at` in messages) into
// `out.mapping`, refusing what the file itself says would take away or change `out`'s key or cursor.
Status parseStreamMapping(const nlohmann::json& s, const std::string& at, ConfiguredStreamConfig& out);
// The same from JSON text; `where` names the origin in messages, `baseDir` anchors relative paths.
Result<ConnectionConfig> parseConnectionJson(const std::string& text, const std::string& where,
                                             const std::string& baseDir);

// The connection in the file format; secret values are masked unless revealSecrets.
std::string connectionToJson(const ConnectionConfig& c, bool revealSecrets = false, int indent = 2);

// A lookback as the connection file writes it: "\"P3D\"" or "1000".
std::string lookbackToJson(const Lookback& lookback);

std::string scheduleToString(const Schedule& s); // "manual", "every 15 minutes", "cron */15 * * * *"

} // namespace sluice::core
