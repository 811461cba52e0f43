#include "destinations/row_prefetch.h"

#include "util/catch_all.h"

namespace sluice::core {

RowPrefetch::RowPrefetch(NextRow reader, size_t chunkRows, size_t aheadChunks)
    : m_reader(std::move(reader)), m_chunkRows(chunkRows ? chunkRows : 1),
      m_aheadChunks(aheadChunks ? aheadChunks : 1), m_thread([this] { run(); }) {}

RowPrefetch::~RowPrefetch() {
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_changed.notify_all();
    m_thread.join();
}

RowPrefetch::Chunk RowPrefetch::takeFree() {
    std::lock_guard lock(m_mutex);
    if (m_free.empty())
        return {};
    Chunk c = std::move(m_free.back());
    m_free.pop_back();
    return c;
}

void RowPrefetch::run() {
    Status failure;
    Chunk chunk;
    size_t filled = 0;
    // Hands the filled rows over (waiting for room); false when the taker is gone.
    auto handOver = [&]() {
        chunk.resize(filled);
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [&] { return m_stop || m_ready.size() < m_aheadChunks; });
        if (m_stop)
            return false;
        if (filled)
            m_ready.push_back(std::move(chunk));
        chunk.clear();
        filled = 0;
        lock.unlock();
        m_changed.notify_all();
        return true;
    };
    bool more = true;
    bool taken = true;
    catchAll("reading rows ahead", failure, [&] {
        while (more && taken) {
            chunk = takeFree();
            chunk.resize(m_chunkRows);
            while (filled < m_chunkRows) {
                auto r = m_reader(chunk[filled]);
                if (!r) {
                    failure = r.error();
                    more = false;
                    break;
                }
                if (!r.value()) {
                    more = false;
                    break;
                }
                ++filled;
            }
            taken = handOver();
        }
    });
    if (filled && taken) // the reader threw: the rows before it still count
        taken = handOver();
    {
        std::lock_guard lock(m_mutex);
        if (!failure)
            m_error = failure.error();
        m_finished = true;
    }
    m_changed.notify_all();
}

Result<bool> RowPrefetch::next(std::vector<Value>& row) {
    if (m_position == m_current.size()) {
        std::unique_lock lock(m_mutex);
        if (!m_current.empty())
            m_free.push_back(std::move(m_current));
        m_current.clear();
        m_position = 0;
        m_changed.wait(lock, [&] { return !m_ready.empty() || m_finished; });
        if (m_ready.empty()) {
            if (m_error)
                return *m_error;
            return false;
        }
        m_current = std::move(m_ready.front());
        m_ready.pop_front();
        lock.unlock();
        m_changed.notify_all();
    }
    row.swap(m_current[m_position++]);
    return true;
}

} // namespace sluice::core
