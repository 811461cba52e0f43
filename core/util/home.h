#pragma once

#include "util/result.h"

#include <optional>
#include <string>

namespace sluice::core {

// Where Sluice keeps its own database and logs: --home, else $SLUICE_HOME, else ~/.local/share/sluice.
// The folder is created with user-only permissions.
Result<std::string> resolveHome(const std::optional<std::string>& fromCommandLine);

std::string storePath(const std::string& home); // <home>/sluice.db
std::string logDir(const std::string& home);    // <home>/logs

} // namespace sluice::core
