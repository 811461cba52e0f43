#pragma once

namespace sluice::core {

// How serious a connector's or a source's log line is (Airbyte's LOG levels folded to four).
enum class LogLevel { Debug, Info, Warn, Error };

} // namespace sluice::core
