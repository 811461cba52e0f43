#pragma once

#include "sources/airbyte/child_process.h"
#include "util/result.h"

#include <optional>
#include <string>
#include <vector>

namespace sluice::core {

// A connector image run the way the Airbyte platform runs one: `<engine> run --rm -i [--network N]
// -v DIR:DIR IMAGE <verb> --config DIR/config.json ...`, the run's private folder mounted at the same path,
// so the file arguments need no translation.
struct ContainerRun {
    std::string engine;  // the docker or podman executable
    std::string image;   // "airbyte/source-faker:6.2.1"
    std::string network; // passed as --network; empty: the engine's default
};

// The engine to run images with: `preferred` ("docker" or "podman") when set, else podman (it needs no
// daemon), else docker, found on PATH. A Config error that says what to install when there is none.
Result<std::string> findContainerEngine(const std::string& preferred);

// The argv that runs the image with `runDir` mounted; the verb and its arguments follow.
std::vector<std::string> containerArgv(const ContainerRun& run, const std::string& runDir);

// What the engine itself reports (exit 125: it could not create the container, e.g. the image is missing or
// the daemon is down; 126/127: the image's entrypoint cannot run), as a Config error naming the image and
// with the engine's words; nullopt for an exit of the connector inside.
std::optional<Error> containerFailure(const ContainerRun& run, const ChildProcessExit& exit);

} // namespace sluice::core
