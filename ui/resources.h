#pragma once

namespace sluice::ui {

// Registers the icons compiled into the (static) UI library; the linker would drop them otherwise.
void initResources();

} // namespace sluice::ui
