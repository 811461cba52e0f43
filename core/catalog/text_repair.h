#pragma once

#include "catalog/stream.h"
#include "catalog/value.h"

#include <string>
#include <vector>

namespace sluice::core {

// Text from a source that is not UTF-8 (a Latin-1 file, raw bytes in a SQLite TEXT cell, a connector
// that writes bytes) is kept, with U+FFFD in place of each ill-formed sequence (repairUtf8), and the record
// says so in _airbyte_meta: `{"field": f, "change": "TRUNCATED", "reason": "SOURCE_SERIALIZATION_ERROR"}`.
// TRUNCATED is the Airbyte change for a value kept with part of it lost; NULLED would claim nothing is kept.
FieldChange replacedBytesChange(std::string field);

// Repairs a Text or Json value in place; true when it held bytes that are not UTF-8.
bool repairText(Value& v);

// Lists the replacement in `row` unless the field already has a change: a NULLED value kept none of its
// bytes.
void noteReplacedBytes(Row& row, const std::string& field);

// Repairs every Text and Json value of a row whose values follow `columns`, noting each repaired field.
// Cheap when nothing needs repair (one validating pass over the text).
void repairRowText(Row& row, const std::vector<Column>& columns);

} // namespace sluice::core
