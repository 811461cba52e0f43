#include "destinations/destination.h"
#include "destinations/postgres/postgres_destination.h"
#include "destinations/sqlite/sqlite_destination.h"

namespace sluice::core {

Result<std::unique_ptr<Destination>> makeDestination(const std::string& type, const std::string& configJson) {
    if (type == "sqlite")
        return makeSqliteDestination(configJson);
    if (type == "postgres")
        return makePostgresDestination(configJson);
    return Error::config("destination type `" + type + "` is not available in this build");
}

Result<std::unique_ptr<Destination>> makeDestinationFor(const ConnectionConfig& connection) {
    auto dest = makeDestination(connection.destination.type, connection.destination.configJson);
    if (dest)
        dest.value()->bindConnection(connection.id);
    return dest;
}

} // namespace sluice::core
