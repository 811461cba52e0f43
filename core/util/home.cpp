#include "util/home.h"

#include <QStandardPaths>

#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace sluice::core {

namespace fs = std::filesystem;

Result<std::string> resolveHome(const std::optional<std::string>& fromCommandLine) {
    std::string home;
    if (fromCommandLine && !fromCommandLine->empty()) {
        home = *fromCommandLine;
    } else if (const char* env = std::getenv("SLUICE_HOME"); env && *env) {
        home = env;
    } else {
        home = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation).toStdString() + "/sluice";
    }
    std::error_code ec;
    fs::path p = fs::absolute(home, ec);
    if (ec)
        return Error::invalid("home folder " + home + ": " + ec.message());
    if (fs::exists(p, ec) && !fs::is_directory(p, ec))
        return Error::invalid("home folder " + p.string() + " exists but is not a folder");
    if (!fs::exists(p, ec)) {
        fs::create_directories(p, ec);
        if (ec)
            return Error::invalid("cannot create home folder " + p.string() + ": " + ec.message());
        fs::permissions(p, fs::perms::owner_all, fs::perm_options::replace, ec);
    }
    fs::create_directories(p / "logs", ec);
    return p.string();
}

std::string storePath(const std::string& home) { return (fs::path(home) / "sluice.db").string(); }
std::string logDir(const std::string& home) { return (fs::path(home) / "logs").string(); }

} // namespace sluice::core
