#include "cli/cli_signals.h"

#include <csignal>
#include <iterator>

namespace sluice::core::cli {

namespace {

std::atomic<bool> g_stop{false};
std::atomic<int> g_signal{0};
static_assert(std::atomic<bool>::is_always_lock_free && std::atomic<int>::is_always_lock_free,
              "a signal handler may only touch lock-free atomics");

constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP};
struct sigaction g_previous[sizeof kSignals / sizeof kSignals[0]];

extern "C" void onStopSignal(int sig) {
    if (g_stop.exchange(true)) {
        // The second one: the user does not want to wait for the connector to stop.
        std::signal(sig, SIG_DFL);
        std::raise(sig);
        return;
    }
    g_signal.store(sig);
}

} // namespace

StopOnSignals::StopOnSignals() {
    g_stop.store(false);
    g_signal.store(0);
    struct sigaction sa {};
    sa.sa_handler = onStopSignal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART; // other blocking calls (SQLite's I/O) carry on; poll() wakes up anyway
    for (size_t i = 0; i < std::size(kSignals); ++i) {
        ::sigaction(kSignals[i], nullptr, &g_previous[i]);
        // An ignored signal stays ignored: `nohup sluicectl sync` must not be cancelled by a hangup.
        if (g_previous[i].sa_handler != SIG_IGN)
            ::sigaction(kSignals[i], &sa, nullptr);
    }
}

StopOnSignals::~StopOnSignals() {
    for (size_t i = 0; i < std::size(kSignals); ++i)
        ::sigaction(kSignals[i], &g_previous[i], nullptr);
}

const std::atomic<bool>& StopOnSignals::flag() const {
    return g_stop;
}

int StopOnSignals::signalNumber() const {
    return g_signal.load();
}

} // namespace sluice::core::cli
