#include "util/fault_injection.h"

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <unistd.h>

namespace sluice::core {

namespace {
struct FaultSpec {
    std::string name;
    long hitsLeft = 0;
    bool throws = false;
};

FaultSpec* spec() {
    static FaultSpec* s = [] {
        const char* env = std::getenv("SLUICE_FAULT");
        if (!env || !std::strchr(env, ':'))
            return static_cast<FaultSpec*>(nullptr);
        auto* f = new FaultSpec;
        const char* colon = std::strchr(env, ':');
        f->name.assign(env, colon);
        char* end = nullptr;
        f->hitsLeft = std::strtol(colon + 1, &end, 10);
        f->throws = end && std::strcmp(end, ":throw") == 0;
        return f;
    }();
    return s;
}
} // namespace

void faultPoint(const char* name) {
    FaultSpec* s = spec();
    if (!s || s->name != name)
        return;
    if (--s->hitsLeft != 0)
        return;
    if (s->throws)
        throw std::runtime_error(std::string("fault injected at ") + name);
    ::kill(::getpid(), SIGKILL);
}

} // namespace sluice::core
