#pragma once

#include "sources/airbyte/child_process.h"
#include "sources/airbyte/container_run.h"
#include "sources/source.h"

#include <chrono>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

namespace sluice::core {

class RunDir;

// Any command that speaks the Airbyte protocol, run as a child process the way the Airbyte platform runs a
// connector image: `<command...> spec | check --config C | discover --config C |
// read --config C --catalog K [--state S]`, with the files in a private temporary folder (0700: the config
// holds secrets) that is removed afterwards. stdout is the protocol; stderr goes to the log.
//
// Configuration (SPEC §7): {"command": [argv...], "config": {the connector's own configuration},
// "timeout_seconds": N (the longest a `spec`, `check` or `discover` may take; default 600, 0: no limit),
// "heartbeat_timeout_seconds": N (the longest a `read` may print nothing on stdout; default 1800, 0: no
// limit)}. Either limit stops the connector with a Transient error, so a job retries the read.
// Instead of `command`, "image": "airbyte/source-faker:6.2.1" runs a connector image with docker or podman
// (container_run.h; "network": passed as --network, "container_engine": "docker" or "podman" to choose).
// A CONTROL CONNECTOR_CONFIG the connector prints in check, discover or read replaces `config` at once and
// goes to the config handler (Source::setConfigHandler), which keeps it for the next run.
class AirbyteSource : public Source {
public:
    static constexpr int kDefaultTimeoutSeconds = 600;
    static constexpr int kDefaultHeartbeatSeconds = 1800;

    explicit AirbyteSource(const std::string& configJson);

    Status check() override;
    Result<std::vector<StreamInfo>> discover() override;
    Status read(const ReadRequest& request, RecordSink& sink) override;

    // The connector's `connectionSpecification` (a JSON Schema) as JSON text.
    Result<std::string> spec();

    // JSON pointers into `config` of the values the connector's spec marks `airbyte_secret` (runs `spec`
    // once per process and command). Empty when the connector prints no spec.
    Result<std::vector<std::string>> secretFields();

    // How long a stopped connector gets between SIGTERM and SIGKILL (default kConnectorKillGrace).
    void setKillGrace(std::chrono::milliseconds grace) { m_killGrace = grace; }

private:
    // The outcome of `spec`, `check` or `discover`: messages of interest and how the process ended.
    struct ControlRun;
    Result<ControlRun> runControl(const std::string& verb, bool withConfig);
    Error controlFailure(const std::string& verb, const ControlRun& run, const std::string& missing) const;
    // The error for a run that was stopped early (a limit, a cancel), naming the command and the setting.
    Error stoppedError(const std::string& verb, const ChildProcessExit& exit) const;
    // Before check and discover: `config` checked against the connector's spec, its defaults filled in
    // (once per instance). A connector that prints no spec is run unchecked, with a warning. A read only
    // uses a spec already known (a job discovers first): it never runs an extra command.
    Status validateConfig(bool runSpec = true);
    // The spec of m_command, remembered per process; with !runSpec only what is remembered.
    Result<std::optional<std::string>> cachedSpec(bool runSpec);
    // A CONTROL CONNECTOR_CONFIG (airbyte_control.cpp): the connector's new configuration is used from now
    // on and reported to the config handler, with the keys that changed.
    Status applyConnectorConfig(const std::string& connectorConfigJson);
    // `image`, `network` and `container_engine` of the configuration (see container_run.h).
    Status readImage(const nlohmann::json& config);

    // The argv that runs the connector with `dir` as its folder (an image mounts it).
    std::vector<std::string> commandFor(const RunDir& dir) const;
    // A failure of the container engine itself, when the connector is an image.
    std::optional<Error> engineFailure(const ChildProcessExit& exit) const;

    std::vector<std::string> m_command; // with an image: `<engine> run <image>`, what messages show
    std::optional<ContainerRun> m_container;
    std::string m_sourceConfigJson;    // the whole source configuration; never logged either
    std::string m_connectorConfigJson; // never logged: it holds the connector's secrets
    int m_timeoutSeconds = kDefaultTimeoutSeconds;
    int m_heartbeatSeconds = kDefaultHeartbeatSeconds;
    std::chrono::milliseconds m_killGrace = kConnectorKillGrace;
    std::optional<Error> m_configError; // a configuration that cannot be used, reported by every call
    bool m_validated = false;
    std::vector<std::string> m_secretFields;
};

// The factory makeSource uses for type "airbyte"; a bad configuration surfaces as a Config error from the
// first call rather than here, so the signature stays that of the other built-in sources.
std::unique_ptr<Source> makeAirbyteSource(const std::string& configJson);

} // namespace sluice::core
