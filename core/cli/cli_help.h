#pragma once

#include <string>

namespace sluice::core::cli {

// The usage text: printed by --help and turned into the man page, so the two never disagree.
const std::string& usageText();

} // namespace sluice::core::cli
