#include "sources/airbyte/airbyte_source.h"

#include "protocol/airbyte_message.h"
#include "sources/airbyte/child_process.h"
#include "util/cancel_scope.h"
#include "util/logging.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

namespace sluice::core {

using nlohmann::json;
using namespace airbyte;

AirbyteSource::AirbyteSource(const std::string& configJson) {
    json c = json::parse(configJson, nullptr, false);
    if (!c.is_object()) {
        m_configError = Error::config("the airbyte source configuration is not a JSON object");
        return;
    }
    auto cmd = c.find("command");
    if (cmd == c.end() || !cmd->is_array() || cmd->empty()) {
        m_configError = Error::config("`command` must be a non-empty list of strings (the connector's argv)");
        return;
    }
    for (const auto& a : *cmd) {
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
    auto timeout = c.find("timeout_seconds");
    if (timeout != c.end() && !timeout->is_null()) {
        if (!timeout->is_number_integer() || timeout->get<int64_t>() < 0 ||
            timeout->get<int64_t>() > INT32_MAX) {
            m_configError = Error::config("`timeout_seconds` must be a whole number of seconds, 0 or more");
            return;
        }
        m_timeoutSeconds = timeout->get<int>();
    }
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
    opts.command = m_command;
    opts.args.push_back(verb);
    if (withConfig) {
        auto path = dir.write("config.json", m_connectorConfigJson);
        if (!path)
            return path.error();
        opts.args.insert(opts.args.end(), {"--config", *path});
    }
    opts.timeoutSeconds = m_timeoutSeconds;
    opts.killGrace = m_killGrace;
    opts.cancel = CancelScope::current(); // a GUI task's Cancel stops a connector that hangs in check

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
        default:
            break;
        }
        return {};
    };
    auto onStderr = [&](std::string_view line) { log->debug("airbyte {} stderr: {}", verb, line); };
    auto exit = runChildProcess(opts, onLine, onStderr);
    if (!exit)
        return exit.error();
    run.exit = std::move(*exit);
    return run;
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

Result<std::string> AirbyteSource::spec() {
    auto run = runControl("spec", false);
    if (!run)
        return run.error();
    if (run->spec)
        return *run->spec;
    return controlFailure("spec", *run, "SPEC");
}

Status AirbyteSource::check() {
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
