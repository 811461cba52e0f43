#pragma once

#include <spdlog/fwd.h>

#include <functional>
#include <memory>
#include <string>

namespace sluice::core {

// Sets up the rotating log file in <home>/logs and the console sink (stderr, warnings and up unless verbose).
void initLogging(const std::string& home, bool verboseConsole = false);

// A named logger per subsystem ("store", "engine", "source", "destination", "cli", "ui", "scheduler").
std::shared_ptr<spdlog::logger> logger(const std::string& name);

// Logs one line through a named logger without spdlog's headers (for code that does not otherwise need them,
// like the GUI). `level`: "debug", "info", "warn" or "error".
void logLine(const std::string& loggerName, const std::string& level, const std::string& message);

// The level of every logger: "debug", "info", "warn" or "error" (the GUI's preference).
void setLogLevel(const std::string& level);

// Any value registered here is replaced by ********** in every log line, file or GUI.
void registerSecret(const std::string& value);
std::string redactSecrets(std::string text);

// Receives every log line (after redaction); the GUI's log view installs one.
using LogListener = std::function<void(const std::string& loggerName, int level, const std::string& message)>;
void setLogListener(LogListener listener);

} // namespace sluice::core
