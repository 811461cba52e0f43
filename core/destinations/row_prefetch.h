#pragma once

#include "destinations/generation_diff.h"

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace sluice::core {

// Runs a NextRow on a thread of its own, a few chunks of rows ahead of the one who takes them: a diff reads
// its two generations at once, on two cores, instead of one after the other. The reader must use nothing
// the taker's thread uses (its own SQLite connection). Its errors, and anything it throws, come out of
// next() in order, after the rows read before them.
class RowPrefetch {
public:
    explicit RowPrefetch(NextRow reader, size_t chunkRows = 256, size_t aheadChunks = 8);
    // Stops the reader (at its next row) and waits for its thread.
    ~RowPrefetch();
    RowPrefetch(const RowPrefetch&) = delete;
    RowPrefetch& operator=(const RowPrefetch&) = delete;

    Result<bool> next(std::vector<Value>& row);

private:
    using Chunk = std::vector<std::vector<Value>>;
    void run();
    // A chunk from the pool (its rows keep their buffers), or a new one.
    Chunk takeFree();

    NextRow m_reader;
    const size_t m_chunkRows;
    const size_t m_aheadChunks;

    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::deque<Chunk> m_ready;
    std::vector<Chunk> m_free;
    bool m_finished = false; // the reader gave its last row, or failed
    bool m_stop = false;
    std::optional<Error> m_error;

    // The taker's side, used by next() alone.
    Chunk m_current;
    size_t m_position = 0;

    std::thread m_thread; // last: it starts when everything above exists
};

} // namespace sluice::core
