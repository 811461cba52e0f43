#pragma once

#include "util/result.h"

#include <exception>
#include <string>

namespace sluice::core {

// The edge of every thread that runs engine code (job workers, the engine thread's slots, the CLI): errors
// are values there, and exceptions never cross it. Runs `body`; when it throws (a bug, or a library such as
// nlohmann::json refusing a source's odd data), `failure` becomes an Internal error that says `while` what
// and quotes the exception, and the answer is false.
template <typename F> bool catchAll(const char* activity, Status& failure, F&& body) {
    try {
        body();
        return true;
    } catch (const std::exception& e) {
        failure = Error::internal(std::string("unexpected error while ") + activity + ": " + e.what());
    } catch (...) {
        failure =
            Error::internal(std::string("unexpected error while ") + activity + " (not a std::exception)");
    }
    return false;
}

} // namespace sluice::core
