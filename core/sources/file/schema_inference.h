#pragma once

#include "catalog/stream.h"
#include "catalog/value.h"
#include "util/result.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace sluice::core {

// Discovery looks at this many records per file: enough to see the types, fast on large files.
inline constexpr size_t kInferenceRecords = 10000;

// The kinds of values seen in one column, and the narrowest column type that holds them all:
// integer < number; boolean, json and string on their own; any other mix is string. Nulls do not vote,
// and a column that only ever held nulls is string.
class TypeVote {
public:
    void add(Value::Kind kind);
    bool sawText() const { return m_seen & bit(Value::Kind::Text); }
    ColumnType type() const;

private:
    static uint8_t bit(Value::Kind k) { return static_cast<uint8_t>(1u << static_cast<unsigned>(k)); }
    uint8_t m_seen = 0;
};

// The kind a CSV cell would have: Int, Real, Bool or Text; an empty cell is Null.
Value::Kind classifyCell(std::string_view cell);

// Columns of a CSV file: header order, typed by the first `limit` records.
Result<std::vector<Column>> inferCsvColumns(const std::string& path, size_t limit = kInferenceRecords);
// Columns of a JSONL file: top-level keys in order of first appearance, typed by the first `limit` records.
Result<std::vector<Column>> inferJsonlColumns(const std::string& path, size_t limit = kInferenceRecords);

} // namespace sluice::core
