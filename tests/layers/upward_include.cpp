// Must NOT compile when built as part of the catalog layer: config sits above catalog (core/CMakeLists.txt).
#include "config/connection_config.h"

int layerProbe() {
    return 0;
}
