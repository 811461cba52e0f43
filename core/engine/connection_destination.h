#pragma once

#include "config/connection_config.h"
#include "destinations/destination.h"

#include <memory>

namespace sluice::core {

// The destination of a connection, bound to it (table names are per connection). It lives above both
// layers it joins: destinations know nothing of connection files.
Result<std::unique_ptr<Destination>> makeDestinationFor(const ConnectionConfig& connection);

} // namespace sluice::core
