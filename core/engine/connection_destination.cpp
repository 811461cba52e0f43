#include "engine/connection_destination.h"

namespace sluice::core {

DestinationOwner destinationOwner(const ConnectionConfig& connection) {
    DestinationOwner owner;
    owner.connectionId = connection.id;
    owner.homeId = connection.homeId;
    owner.homePath = connection.homePath;
    owner.name = connection.name;
    owner.prefix = connection.settings.prefix;
    return owner;
}

Result<std::unique_ptr<Destination>> makeDestinationFor(const ConnectionConfig& connection) {
    auto dest = makeDestination(connection.destination.type, connection.destination.configJson);
    if (dest)
        dest.value()->bindConnection(destinationOwner(connection));
    return dest;
}

Result<int64_t> releaseDestinationTables(const ConnectionConfig& connection) {
    auto dest = makeDestinationFor(connection);
    auto released = dest ? dest.value()->releaseTables() : Result<int64_t>(dest.error());
    if (released)
        return released;
    return Error{released.error().kind,
                 "the tables of connection `" + connection.name + "` in its destination stay claimed (" +
                     released.error().message + "); to release them, delete the rows whose owner is '" +
                     destinationOwner(connection).key() + "' from _airbyte_sluice_tables there"};
}

} // namespace sluice::core
