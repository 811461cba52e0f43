#pragma once

#include "util/result.h"

#include <string>

namespace sluice::core {

// A private folder (mode 0700) for one run of a connector: its config file holds secrets. Removed with
// this object, so no configuration is left behind in the temporary folder.
class RunDir {
public:
    RunDir();
    ~RunDir();
    RunDir(const RunDir&) = delete;
    RunDir& operator=(const RunDir&) = delete;

    bool ok() const { return !m_path.empty(); }
    const std::string& path() const { return m_path; }
    // Writes a file readable by the owner only (0600); returns its path.
    Result<std::string> write(const std::string& name, const std::string& content) const;

private:
    std::string m_path;
};

} // namespace sluice::core
