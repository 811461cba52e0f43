// Must compile when built as part of the catalog layer: util sits below catalog (the control for
// upward_include).
#include "catalog/stream.h"
#include "util/result.h"

int layerProbe() {
    return 0;
}
