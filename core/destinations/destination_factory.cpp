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

} // namespace sluice::core
