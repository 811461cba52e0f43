#include "engine/write_behind.h"

#include "util/cancel_scope.h"

#include <utility>

namespace sluice::core {

WriteBehind::~WriteBehind() {
    if (!m_thread.joinable())
        return;
    {
        std::unique_lock lock(m_mutex);
        // A write still running finishes first: the destination it uses is destroyed after this sink.
        m_wake.wait(lock, [&] { return !m_write; });
        m_stop = true;
    }
    m_wake.notify_all();
    m_thread.join();
}

void WriteBehind::start(std::function<Status()> write) {
    {
        std::lock_guard lock(m_mutex);
        m_write = std::move(write);
        m_result.reset();
        m_exception = nullptr;
        m_cancel = CancelScope::current();
    }
    m_busy = true;
    if (!m_thread.joinable())
        m_thread = std::thread([this] { loop(); });
    m_wake.notify_all();
}

Status WriteBehind::wait() {
    if (!m_busy)
        return {};
    std::unique_lock lock(m_mutex);
    m_wake.wait(lock, [&] { return m_result.has_value() || m_exception; });
    m_busy = false;
    if (m_exception)
        std::rethrow_exception(std::exchange(m_exception, nullptr));
    Status result = std::move(*m_result);
    m_result.reset();
    return result;
}

void WriteBehind::loop() {
    std::unique_lock lock(m_mutex);
    for (;;) {
        m_wake.wait(lock, [&] { return m_stop || m_write; });
        if (!m_write)
            return;
        std::function<Status()> write = m_write;
        const std::atomic<bool>* cancel = m_cancel;
        lock.unlock();
        std::optional<Status> result;
        std::exception_ptr exception;
        try {
            const CancelScope scope(cancel);
            result = write();
        } catch (...) {
            exception = std::current_exception();
        }
        lock.lock();
        m_result = std::move(result);
        m_exception = exception;
        m_write = nullptr;
        m_wake.notify_all();
    }
}

} // namespace sluice::core
