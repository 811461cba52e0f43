#pragma once

#include "destinations/destination.h"

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace sluice::core {

// One generation's winning rows of a stream, by primary key (see rowKey), values in the stream's column
// order.
using KeyedRows = std::map<std::string, std::vector<Value>>;

// The map key of a row: its key columns' values, so rows of two generations match by primary key.
std::string rowKey(const std::vector<Value>& values, const std::vector<int>& keyColumns);

// What every destination reports for `diff`: rows only in `after` (added), only in `before` (removed), rows
// of both whose fields differ (changed, with the key and each differing field), and rows whose
// `_ab_cdc_deleted_at` is set in `after` and was not in `before` (deleted: a soft delete is not a change).
GenerationDiff diffGenerations(const StreamInfo& stream, const std::vector<int>& keyColumns,
                               const KeyedRows& before, const KeyedRows& after);
// The same with each generation's rows read by `load`.
using GenerationLoader = std::function<Result<KeyedRows>(int64_t generation)>;
Result<GenerationDiff> diffGenerations(const StreamInfo& stream, const std::vector<int>& keyColumns,
                                       int64_t from, int64_t to, const GenerationLoader& load);

} // namespace sluice::core
