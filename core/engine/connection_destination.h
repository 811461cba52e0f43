#pragma once

#include "config/connection_config.h"
#include "destinations/destination.h"

#include <memory>

namespace sluice::core {

// These join a connection to its destination, so they live above both layers: destinations know nothing of
// connection files.

// The destination of a connection, bound to it (tables belong to connections).
Result<std::unique_ptr<Destination>> makeDestinationFor(const ConnectionConfig& connection);
// Who the connection is in a destination: its home, id, name and table prefix.
DestinationOwner destinationOwner(const ConnectionConfig& connection);
// For a deleted connection: releases the tables it owns in its destination (Destination::releaseTables).
// When the destination cannot be reached the error says the tables stay claimed and how to release them.
Result<int64_t> releaseDestinationTables(const ConnectionConfig& connection);

} // namespace sluice::core
