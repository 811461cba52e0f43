#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace sluice::core {

using SystemClock = std::chrono::system_clock;

// UTC ISO-8601 with milliseconds: "2026-11-21T18:30:00.123Z".
std::string isoUtc(SystemClock::time_point t);
std::string nowIso();
int64_t nowMillis();

} // namespace sluice::core
