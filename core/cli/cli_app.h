#pragma once

#include <iosfwd>

namespace sluice::core::cli {

// The whole of sluicectl: parses argv, opens the home and runs one command. Returns the exit status.
int runCli(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

} // namespace sluice::core::cli
