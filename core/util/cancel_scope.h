#pragma once

#include <atomic>

namespace sluice::core {

// The cancel request of the task running on this thread, seen by code deep inside it without being passed
// through every call: the SQLite connections the thread opens stop their statements (SQLITE_INTERRUPT) once
// it is set, and the connector processes it starts are stopped. One scope per thread at a time; the flag
// must outlive the scope. Threads without a scope (jobs, the engine thread) are never interrupted this way.
class CancelScope {
public:
    explicit CancelScope(const std::atomic<bool>* flag);
    ~CancelScope();
    CancelScope(const CancelScope&) = delete;
    CancelScope& operator=(const CancelScope&) = delete;

    // The flag of this thread's scope; null outside one.
    static const std::atomic<bool>* current();
    static bool requested() {
        const auto* f = current();
        return f && f->load(std::memory_order_relaxed);
    }

private:
    const std::atomic<bool>* m_previous;
};

} // namespace sluice::core
