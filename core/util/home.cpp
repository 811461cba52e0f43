#include "util/home.h"

#include <QStandardPaths>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <sys/stat.h>
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
        // mkdir with 0700 rather than chmod afterwards: the folder is never open to others, even briefly.
        fs::create_directories(p.parent_path(), ec);
        if (::mkdir(p.c_str(), S_IRWXU) != 0 && errno != EEXIST)
            return Error::invalid("cannot create home folder " + p.string() + ": " + std::strerror(errno));
    }
    // Logs name connections, files and hosts: readable by the user only, like the home itself. A read-only
    // home still lets the user work (logs then go to stderr only).
    (void)::mkdir((p / "logs").c_str(), S_IRWXU);
    return p.string();
}

std::string storePath(const std::string& home) { return (fs::path(home) / "sluice.db").string(); }
std::string logDir(const std::string& home) { return (fs::path(home) / "logs").string(); }

} // namespace sluice::core
