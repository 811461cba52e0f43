#include "util/fault_injection.h"

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unistd.h>

namespace sluice::core {

namespace {
struct FaultSpec {
    std::string name;
    long hitsLeft = 0;
};

FaultSpec* spec() {
    static FaultSpec* s = [] {
        const char* env = std::getenv("SLUICE_FAULT");
        if (!env || !std::strchr(env, ':'))
            return static_cast<FaultSpec*>(nullptr);
        auto* f = new FaultSpec;
        const char* colon = std::strchr(env, ':');
        f->name.assign(env, colon);
        f->hitsLeft = std::strtol(colon + 1, nullptr, 10);
        return f;
    }();
    return s;
}
} // namespace

void faultPoint(const char* name) {
    FaultSpec* s = spec();
    if (!s || s->name != name)
        return;
    if (--s->hitsLeft <= 0)
        ::kill(::getpid(), SIGKILL);
}

} // namespace sluice::core
