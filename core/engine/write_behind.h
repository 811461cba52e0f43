#pragma once

#include "util/result.h"

#include <atomic>
#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

namespace sluice::core {

// One destination write at a time on a thread of its own, so that the source reads the next batch while
// the previous one is written: two cores, two stages. The caller hands a write over with start() and
// collects its status with wait() before it touches the destination again; an exception thrown by the
// write is rethrown by wait(), in the caller's thread, where it would have surfaced without this class.
class WriteBehind {
public:
    WriteBehind() = default;
    ~WriteBehind();
    WriteBehind(const WriteBehind&) = delete;
    WriteBehind& operator=(const WriteBehind&) = delete;

    // Runs `write` on the writer thread; only when nothing runs (busy() is false).
    void start(std::function<Status()> write);
    bool busy() const { return m_busy; }
    // The status of the write handed over last (an empty status when none runs); rethrows its exception.
    Status wait();

private:
    void loop();

    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::function<Status()> m_write;
    std::optional<Status> m_result;
    std::exception_ptr m_exception;
    // The caller's cancel flag: the write's connections are interrupted as the caller's are.
    const std::atomic<bool>* m_cancel = nullptr;
    bool m_busy = false; // touched by the caller only
    bool m_stop = false;
    std::thread m_thread;
};

} // namespace sluice::core
