#include "sources/demo/demo_source.h"
#include "sources/postgres/postgres_source.h"
#include "sources/source.h"

namespace sluice::core {

Result<std::unique_ptr<Source>> makeSource(const std::string& type, const std::string& configJson) {
    if (type == "demo")
        return makeDemoSource(configJson);
    if (type == "postgres")
        return makePostgresSource(configJson);
    return Error::config("source type `" + type + "` is not available in this build");
}

} // namespace sluice::core
