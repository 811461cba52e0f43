#pragma once

#include "util/result.h"

#include <cerrno>
#include <cstring>
#include <string>
#include <string_view>
#include <unistd.h>
#include <vector>

namespace sluice::core {

// Splits a pipe's bytes into lines; the last partial line waits for more bytes.
class LineBuffer {
public:
    static constexpr size_t kReadChunk = 256 * 1024;

    // splitLong: a line longer than maxLine is handed over in pieces (else it is an error).
    LineBuffer(size_t maxLine, bool splitLong) : m_maxLine(maxLine), m_splitLong(splitLong) {}

    // Reads once from fd into the buffer: false at end of file (or a read error, treated the same).
    bool readFrom(int fd) {
        // The buffer only grows (no zero-filling of a fresh chunk on every read): a pipe read is ~64 KiB.
        if (m_buf.size() - m_len < kReadChunk)
            m_buf.resize(m_len + kReadChunk);
        ssize_t n;
        do {
            n = ::read(fd, m_buf.data() + m_len, kReadChunk);
        } while (n < 0 && errno == EINTR);
        m_len += size_t(n > 0 ? n : 0);
        return n > 0;
    }

    // Hands each complete line (without "\n" or "\r\n") to f; stops at f's first error.
    template <typename F> Status drain(F&& f) {
        size_t start = 0;
        while (true) {
            const char* base = m_buf.data();
            const void* nl = std::memchr(base + m_scanned, '\n', m_len - m_scanned);
            if (!nl)
                break;
            const size_t end = size_t(static_cast<const char*>(nl) - base);
            Status s = f(line(start, end));
            start = m_scanned = end + 1;
            if (!s.ok()) {
                consume(start);
                return s;
            }
        }
        m_scanned = m_len;
        if (m_len - start > m_maxLine) {
            if (!m_splitLong)
                return Error::transient("the connector printed a line longer than " +
                                        std::to_string(m_maxLine >> 20) + " MiB");
            Status s = f(line(start, m_len));
            start = m_len;
            if (!s.ok()) {
                consume(start);
                return s;
            }
        }
        consume(start);
        return {};
    }

    // At end of file: a last line without a newline is still a line.
    template <typename F> Status finish(F&& f) {
        if (m_len == 0)
            return {};
        Status s = f(line(0, m_len));
        m_len = 0;
        m_scanned = 0;
        return s;
    }

private:
    std::string_view line(size_t start, size_t end) const {
        if (end > start && m_buf[end - 1] == '\r')
            --end;
        return std::string_view(m_buf.data() + start, end - start);
    }
    void consume(size_t n) {
        std::memmove(m_buf.data(), m_buf.data() + n, m_len - n);
        m_len -= n;
        m_scanned -= n;
    }

    std::vector<char> m_buf;
    size_t m_len = 0;     // bytes of m_buf holding data
    size_t m_scanned = 0; // bytes before this hold no newline
    size_t m_maxLine;
    bool m_splitLong;
};

} // namespace sluice::core
