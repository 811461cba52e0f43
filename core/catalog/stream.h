#pragma once

#include "catalog/field_path.h"
#include "catalog/lookback.h"
#include "catalog/sync_modes.h"
#include "catalog/value.h"
#include "util/result.h"

#include <optional>
#include <string>
#include <vector>

namespace sluice::core {

struct Column {
    std::string name;
    ColumnType type = ColumnType::String;
    bool operator==(const Column&) const = default;
};

// A stream as a source discovers it (Airbyte's AirbyteStream).
struct StreamInfo {
    std::string name;
    std::string ns;              // namespace; empty when none
    std::vector<Column> columns; // top-level properties of the schema, in a stable order
    std::vector<SyncMode> supportedSyncModes{SyncMode::FullRefresh, SyncMode::Incremental};
    bool sourceDefinedCursor = false;
    FieldPath defaultCursorField; // the cursor itself when sourceDefinedCursor
    std::vector<FieldPath> sourceDefinedPrimaryKey;
    bool isResumable = false; // full refresh can resume from a synthetic cursor

    int columnIndex(const std::string& column) const; // -1 when absent
    bool supports(SyncMode m) const;
};

// JSON Schema text for the columns ({"type":"object","properties":{...}}), nullable types as Airbyte writes.
std::string columnsToJsonSchema(const std::vector<Column>& columns);
// Columns of a JSON Schema's top-level properties; unions and unknown types become Json.
std::vector<Column> columnsFromJsonSchema(const std::string& schemaText);

// Airbyte-protocol JSON of a discovered stream, and back.
std::string streamToJson(const StreamInfo& s);
Result<StreamInfo> streamFromJson(const std::string& text);

// What a configured stream resolves to once the source's catalog is known (SPEC §2 precedence rules).
struct ResolvedStream {
    StreamInfo stream;
    StreamMode mode;
    FieldPath cursorField;             // empty when the mode needs none
    std::vector<FieldPath> primaryKey; // empty when the mode needs none
    std::optional<Lookback> lookback;  // incremental streams only (checked against the cursor's type)
};

} // namespace sluice::core
