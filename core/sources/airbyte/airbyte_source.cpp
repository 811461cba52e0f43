#include "sources/airbyte/airbyte_source.h"

#include "connectors/spec_validation.h"
#include "protocol/airbyte_message.h"
#include "sources/airbyte/run_dir.h"
#include "util/cancel_scope.h"
#include "util/logging.h"

#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

namespace sluice::core {

using nlohmann::json;
using namespace airbyte;

namespace {
// A week: a limit beyond it is a typo, and seconds beyond 32 bits would overflow.
constexpr int64_t kMaxLimitSeconds = 7 * 24 * 3600;
} // namespace

AirbyteSource::AirbyteSource(const std::string& configJson) : m_sourceConfigJson(configJson) {
    json c = json::parse(configJson, nullptr, false);
    if (!c.is_object()) {
        m_configError = Error::config("the airbyte source configuration is not a JSON object");
        return;
    }
    auto cmd = c.find("command");
    if (auto image = c.find("image"); image != c.end() && !image->is_null()) {
        if (cmd != c.end() && !cmd->is_null()) {
            m_configError = Error::config("set either `command` or `image`, not both");
            return;
        }
        if (Status st = readImage(c); !st) {
            m_configError = st.error();
            return;
        }
    } else if (cmd == c.end() || !cmd->is_array() || cmd->empty()) {
        m_configError = Error::config("`command` must be a non-empty list of strings (the connector's argv), "
                                      "or `image` the connector image to run");
        return;
    }
    for (const auto& a : m_container ? json::array() : *cmd) {
        if (!a.is_string()) {
            m_configError = Error::config("`command` must be a list of strings");
            return;
        }
        m_command.push_back(a.get<std::string>());
    }
    auto conf = c.find("config");
    if (conf != c.end() && !conf->is_null() && !conf->is_object()) {
        m_configError = Error::config("`config` must be an object (the connector's own configuration)");
        return;
    }
    m_connectorConfigJson = conf != c.end() && conf->is_object() ? conf->dump() : "{}";
    for (auto [key, target] : {std::pair{"timeout_seconds", &m_timeoutSeconds},
                               std::pair{"heartbeat_timeout_seconds", &m_heartbeatSeconds}}) {
        auto v = c.find(key);
        if (v == c.end() || v->is_null())
            continue;
        if (!v->is_number_integer() || v->get<int64_t>() < 0 || v->get<int64_t>() > kMaxLimitSeconds) {
            m_configError = Error::config(std::string("`") + key +
                                          "` must be a whole number of seconds from 0 (no limit) to " +
                                          std::to_string(kMaxLimitSeconds));
            return;
        }
        *target = v->get<int>();
    }
}

Status AirbyteSource::readImage(const json& c) {
    std::string text[3];
    const char* keys[3] = {"image", "network", "container_engine"};
    for (int i = 0; i < 3; ++i) {
        auto v = c.find(keys[i]);
        if (v == c.end() || v->is_null())
            continue;
        if (!v->is_string() || v->get<std::string>().empty())
            return Error::config(std::string("`") + keys[i] + "` must be a non-empty string");
        text[i] = v->get<std::string>();
    }
    auto engine = findContainerEngine(text[2]);
    if (!engine)
        return engine.error();
    m_container = ContainerRun{*engine, text[0], text[1]};
    m_command = {*engine, "run", text[0]};
    return {};
}

std::vector<std::string> AirbyteSource::commandFor(const RunDir& dir) const {
    return m_container ? containerArgv(*m_container, dir.path()) : m_command;
}

std::optional<Error> AirbyteSource::engineFailure(const ChildProcessExit& exit) const {
    return m_container ? containerFailure(*m_container, exit) : std::nullopt;
}

struct AirbyteSource::ControlRun {
    ChildProcessExit exit;
    std::optional<TraceMessage> error;             // the first TRACE ERROR
    std::optional<ConnectionStatusMessage> status; // the last CONNECTION_STATUS
    std::optional<std::vector<std::string>> catalog;
    std::optional<std::string> spec;
};

Result<AirbyteSource::ControlRun> AirbyteSource::runControl(const std::string& verb, bool withConfig) {
    if (m_configError)
        return *m_configError;
    RunDir dir;
    if (!dir.ok())
        return Error::internal("cannot create a private temporary folder for the connector");
    ChildProcessOptions opts;
    opts.command = commandFor(dir);
    opts.args.push_back(verb);
    if (withConfig) {
        auto path = dir.write("config.json", m_connectorConfigJson);
        if (!path)
            return path.error();
        opts.args.insert(opts.args.end(), {"--config", *path});
    }
    opts.timeoutSeconds = m_timeoutSeconds;
    // A job's cancel, or a GUI task's Cancel (a connector that hangs in check), stops the run.
    opts.stopRequested = [jobStop = stopCheck(), task = CancelScope::current()] {
        return (task && task->load(std::memory_order_relaxed)) || (jobStop && jobStop());
    };
    opts.killGrace = m_killGrace;

    auto log = logger("source");
    log->info("airbyte: running `{}`",
              commandLineForDisplay(opts.command) + " " + commandLineForDisplay(opts.args));
    ControlRun run;
    auto onLine = [&](std::string_view line) -> Status {
        auto m = parseMessageLine(line);
        if (!m) {
            log->debug("airbyte {}: ignored output ({}): {}", verb, m.error().message, line.substr(0, 200));
            return {};
        }
        switch (m->type) {
        case MessageType::Log:
            log->log(m->log.level == LogLevel::Error  ? spdlog::level::err
                     : m->log.level == LogLevel::Warn ? spdlog::level::warn
                                                      : spdlog::level::debug,
                     "airbyte {}: {}", verb, m->log.message);
            break;
        case MessageType::Trace:
            if (m->trace.type == TraceType::Error && !run.error)
                run.error = m->trace;
            break;
        case MessageType::ConnectionStatus:
            run.status = m->connectionStatus;
            break;
        case MessageType::Catalog:
            run.catalog = std::move(m->catalogStreams);
            break;
        case MessageType::Spec:
            run.spec = std::move(m->specJson);
            break;
        case MessageType::Control:
            if (!m->control.connectorConfigJson.empty())
                return applyConnectorConfig(m->control.connectorConfigJson);
            break;
        default:
            break;
        }
        return {};
    };
    auto onStderr = [&](std::string_view line) { log->debug("airbyte {} stderr: {}", verb, line); };
    auto exit = runChildProcess(opts, onLine, onStderr);
    if (!exit)
        return exit.error();
    if (exit->stoppedBy != ChildStop::None)
        return stoppedError(verb, *exit);
    if (auto failed = engineFailure(*exit))
        return *failed;
    run.exit = std::move(*exit);
    return run;
}

Error AirbyteSource::stoppedError(const std::string& verb, const ChildProcessExit& exit) const {
    const std::string command = "connector `" + commandLineForDisplay(m_command) + " " + verb + "`";
    switch (exit.stoppedBy) {
    case ChildStop::Requested:
        return Error::cancelled();
    case ChildStop::Silence:
        return Error::transient(command + " printed nothing for " + std::to_string(m_heartbeatSeconds) +
                                " s (heartbeat_timeout_seconds) and was stopped");
    case ChildStop::Timeout:
    case ChildStop::None:
        break;
    }
    return Error::transient(command + " did not finish within " + std::to_string(m_timeoutSeconds) +
                            " s (timeout_seconds) and was stopped");
}

Error AirbyteSource::controlFailure(const std::string& verb, const ControlRun& run,
                                    const std::string& missing) const {
    if (run.error)
        return run.error->isConfigError() ? Error::config(run.error->message)
                                          : Error::transient(run.error->message);
    std::string msg = run.exit.succeeded() ? "connector `" + verb + "` printed no " + missing + " message"
                                           : "connector `" + verb + "` " + run.exit.describe();
    if (!run.exit.stderrTail.empty())
        msg += ": " + run.exit.stderrTail;
    return Error::transient(msg);
}

Result<std::optional<std::string>> AirbyteSource::cachedSpec(bool runSpec) {
    static std::mutex mutex;
    static std::map<std::vector<std::string>, std::string> specs;
    {
        std::lock_guard lock(mutex);
        if (auto it = specs.find(m_command); it != specs.end())
            return std::optional<std::string>(it->second);
    }
    if (!runSpec)
        return std::optional<std::string>();
    auto run = runControl("spec", false);
    if (!run)
        return run.error();
    if (!run->spec) {
        // A home-made command may speak only check, discover and read: it runs, unchecked.
        logger("source")->warn("connector `{}` printed no spec ({}); its configuration is not checked",
                               commandLineForDisplay(m_command),
                               controlFailure("spec", *run, "SPEC").message);
        return std::optional<std::string>();
    }
    std::lock_guard lock(mutex);
    specs[m_command] = *run->spec;
    return std::optional<std::string>(*run->spec);
}

Status AirbyteSource::validateConfig(bool runSpec) {
    if (m_configError)
        return *m_configError;
    if (m_validated)
        return {};
    auto spec = cachedSpec(runSpec);
    if (!spec)
        return spec.error();
    if (!*spec && !runSpec)
        return {};
    if (*spec) {
        const json schema = json::parse(**spec, nullptr, false);
        json config = json::parse(m_connectorConfigJson);
        SLUICE_TRY(validateAgainstSpec(schema, config, "source.config.config"));
        m_connectorConfigJson = config.dump();
        m_secretFields = specSecretPointers(schema, config);
    }
    m_validated = true;
    return {};
}

Result<std::vector<std::string>> AirbyteSource::secretFields() {
    SLUICE_TRY(validateConfig());
    return m_secretFields;
}

Result<std::string> AirbyteSource::spec() {
    auto run = runControl("spec", false);
    if (!run)
        return run.error();
    if (run->spec)
        return *run->spec;
    return controlFailure("spec", *run, "SPEC");
}

Status AirbyteSource::check() {
    SLUICE_TRY(validateConfig());
    auto run = runControl("check", true);
    if (!run)
        return run.error();
    if (run->status) {
        if (run->status->succeeded)
            return {};
        return Error::config(run->status->message.empty() ? "the connector's check failed"
                                                          : run->status->message);
    }
    return controlFailure("check", *run, "CONNECTION_STATUS");
}

Result<std::vector<StreamInfo>> AirbyteSource::discover() {
    SLUICE_TRY(validateConfig());
    auto run = runControl("discover", true);
    if (!run)
        return run.error();
    if (!run->catalog)
        return controlFailure("discover", *run, "CATALOG");
    std::vector<StreamInfo> streams;
    for (const auto& s : *run->catalog) {
        auto info = streamFromJson(s);
        if (!info)
            return Error::transient("connector `discover`: " + info.error().message);
        streams.push_back(std::move(*info));
    }
    return streams;
}

std::unique_ptr<Source> makeAirbyteSource(const std::string& configJson) {
    return std::make_unique<AirbyteSource>(configJson);
}

} // namespace sluice::core
