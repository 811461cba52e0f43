#include "engine/connection_destination.h"

namespace sluice::core {

Result<std::unique_ptr<Destination>> makeDestinationFor(const ConnectionConfig& connection) {
    auto dest = makeDestination(connection.destination.type, connection.destination.configJson);
    if (dest)
        dest.value()->bindConnection(connection.id);
    return dest;
}

} // namespace sluice::core
