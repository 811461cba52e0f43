#pragma once

#include "destinations/destination.h"

#include <functional>
#include <string>
#include <vector>

namespace sluice::core {

// Orders two rows by their key columns with Value::compare, which is SQLite's order for the values a
// column holds (NULL first, numbers by value, text by bytes).
int compareKeys(const std::vector<Value>& a, const std::vector<Value>& b, const std::vector<int>& keyColumns);

// Gives the next row of one generation, values in the stream's column order; false when there are none.
// Rows come in key order (compareKeys), one per key: the generation's winner.
using NextRow = std::function<Result<bool>(std::vector<Value>& row)>;

// What every destination reports for `diff`: rows only in `after` (added), only in `before` (removed), rows
// of both whose fields differ (changed, with the key and each differing field), and rows whose
// `_ab_cdc_deleted_at` is set in `after` and was not in `before` (deleted: a soft delete is not a change).
// The two generations are merged as they are read, so neither is held in memory; rows out of key order are
// an error, not a wrong answer.
Result<GenerationDiff> diffOrdered(const StreamInfo& stream, const std::vector<int>& keyColumns,
                                   const NextRow& before, const NextRow& after);

// The same for a destination that loads each generation's winners whole, in any order (`load`).
using GenerationLoader = std::function<Result<std::vector<std::vector<Value>>>(int64_t generation)>;
Result<GenerationDiff> diffGenerations(const StreamInfo& stream, const std::vector<int>& keyColumns,
                                       int64_t from, int64_t to, const GenerationLoader& load);

} // namespace sluice::core
