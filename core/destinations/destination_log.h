#pragma once

#include "destinations/destination.h"
#include "destinations/table_layout.h"

#include <string>

namespace sluice::core {

// What a user debugging a failed job finds in sluice.log under the "destination" logger: which tables each
// stream of a connection writes (and claims), and every write that failed, with the destination named.
// Messages name files, schemas and tables only; connection settings (passwords) never reach them.

// At info: stream `x` of connection N, generation G, writes into <table> (final table <final>).
void logStreamTables(const std::string& where, int64_t connectionId, const StreamWritePlan& plan,
                     const TableLayout& layout, WriteTarget target);
// At info: the stream's new generation replaced the final table (or, for a clear, emptied it).
void logSwappedIn(const std::string& where, const StreamWritePlan& plan, const TableLayout& layout);
// At warn when `status` failed, naming `what` was done; returns `status` unchanged.
Status warnIfFailed(const std::string& where, const std::string& what, Status status);

} // namespace sluice::core
