#pragma once

#include "config/connection_config.h"
#include "engine/job_types.h"
#include "sources/source.h"

namespace sluice::core {

class Store;

// A backfill checked against the source as it is now (SPEC §8, issue 14): the stream resolves to a cursor,
// the range's ends parse as the cursor's type (a date or timestamp when the saved cursor is one) and come
// in order, and no refresh of the stream is pending. Nothing is changed; the error says why not.
Result<CursorRange> backfillRange(Store& store, const ConnectionConfig& connection,
                                  const JobRequest& request);

// The saved cursor of a built-in source's state (CursorFilter's `cursor`), when it has one.
std::optional<Value> savedCursor(const std::string& stateJson);

} // namespace sluice::core
