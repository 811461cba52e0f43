#include "resources.h"

#include <QtGlobal>

// Q_INIT_RESOURCE must be used outside of any namespace.
static void initSluiceResources() {
    Q_INIT_RESOURCE(sluice);
}

namespace sluice::ui {

void initResources() {
    static const bool done = (initSluiceResources(), true);
    (void)done;
}

} // namespace sluice::ui
