#include "sources/airbyte/container_run.h"

#include <cstdlib>
#include <filesystem>
#include <unistd.h>

namespace sluice::core {

namespace {
std::string onPath(const std::string& name) {
    const char* path = std::getenv("PATH");
    std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
    size_t start = 0;
    while (start <= dirs.size()) {
        const size_t end = std::min(dirs.find(':', start), dirs.size());
        const std::string dir = dirs.substr(start, end - start);
        const std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
        if (::access(candidate.c_str(), X_OK) == 0 && !std::filesystem::is_directory(candidate))
            return candidate;
        start = end + 1;
    }
    return {};
}

std::string engineName(const std::string& engine) {
    return std::filesystem::path(engine).filename().string();
}
} // namespace

Result<std::string> findContainerEngine(const std::string& preferred) {
    if (!preferred.empty()) {
        if (preferred != "docker" && preferred != "podman")
            return Error::config("`container_engine` must be \"docker\" or \"podman\", found \"" + preferred +
                                 "\"");
        std::string found = onPath(preferred);
        if (found.empty())
            return Error::config("the source's `image` is to run with " + preferred +
                                 " (`container_engine`), " +
                                 "which is not on PATH; install it (Debian: `apt-get install " +
                                 (preferred == "podman" ? "podman" : "docker.io") + "`)");
        return found;
    }
    for (const char* name : {"podman", "docker"})
        if (std::string found = onPath(name); !found.empty())
            return found;
    return Error::config(
        "the source's `image` runs with docker or podman, and neither is on PATH; install one "
        "(Debian: `apt-get install podman`), or run the connector with `command`");
}

std::vector<std::string> containerArgv(const ContainerRun& run, const std::string& runDir) {
    std::vector<std::string> argv{run.engine, "run", "--rm", "-i"};
    if (!run.network.empty())
        argv.insert(argv.end(), {"--network", run.network});
    argv.insert(argv.end(), {"-v", runDir + ":" + runDir, run.image});
    return argv;
}

std::optional<Error> containerFailure(const ContainerRun& run, const ChildProcessExit& exit) {
    if (exit.stoppedBy != ChildStop::None || exit.signal != 0 || exit.exitCode < 125 || exit.exitCode > 127)
        return std::nullopt;
    const std::string words = exit.stderrTail.empty() ? exit.describe() : exit.stderrTail;
    return Error::config(engineName(run.engine) + " could not run the image `" + run.image + "`: " + words);
}

} // namespace sluice::core
