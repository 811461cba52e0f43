#include "sources/airbyte/airbyte_source.h"
#include "sources/demo/demo_source.h"
#include "sources/file/file_source.h"
#include "sources/http/http_source.h"
#include "sources/postgres/postgres_source.h"
#include "sources/source.h"
#include "sources/sqlite/sqlite_source.h"

namespace sluice::core {

Result<std::unique_ptr<Source>> makeSource(const std::string& type, const std::string& configJson) {
    if (type == "demo")
        return makeDemoSource(configJson);
    if (type == "file")
        return makeFileSource(configJson);
    if (type == "sqlite")
        return makeSqliteSource(configJson);
    if (type == "postgres")
        return makePostgresSource(configJson);
    if (type == "http")
        return makeHttpSource(configJson);
    if (type == "airbyte")
        return makeAirbyteSource(configJson);
    return Error::config("source type `" + type + "` is not available in this build");
}

} // namespace sluice::core
