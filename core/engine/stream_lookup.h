#pragma once

#include "catalog/stream.h"
#include "config/connection_config.h"
#include "util/sqlite_db.h"

namespace sluice::core {

// The stream as it was last synced (columns, source-defined cursor and key), without asking the source:
// inspection and the GUI use it so that they work while the source is unreachable.
Result<ResolvedStream> storedStream(Database& store, const ConnectionConfig& connection, const std::string& name);

} // namespace sluice::core
