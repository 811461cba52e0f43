#pragma once

#include "util/result.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sluice::core::cli {

// The parsed command line: positionals in order, options (repeatable ones keep every value), flags.
struct Args {
    std::vector<std::string> positional;
    std::map<std::string, std::vector<std::string>> options;
    std::vector<std::string> flags;

    bool flag(const std::string& name) const;
    std::optional<std::string> option(const std::string& name) const;
    std::vector<std::string> all(const std::string& name) const;
    // Positional i, or an Invalid error naming what is missing.
    Result<std::string> need(size_t i, const std::string& what) const;
};

Result<Args> parseArgs(int argc, const char* const* argv);

} // namespace sluice::core::cli
