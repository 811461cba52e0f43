#pragma once

#include "util/result.h"

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::core {

// A file read in large blocks into one growable buffer. The CSV and JSONL readers parse straight out of the
// buffer, so a record costs no copy and no per-line stream call; a record longer than the buffer makes it
// grow instead of being split.
class BufferedFile {
public:
    explicit BufferedFile(size_t bufferSize = size_t(1) << 20);
    ~BufferedFile();
    BufferedFile(const BufferedFile&) = delete;
    BufferedFile& operator=(const BufferedFile&) = delete;

    // Errors are Transient ("file source: cannot read PATH: reason"): files on shares come and go.
    Status open(const std::string& path);
    // Continues at a byte offset saved in a state; drops what is buffered.
    Status seek(int64_t offset);

    const std::string& path() const { return m_path; }
    // The unconsumed buffered bytes. Pointers stay valid until the next more() or seek().
    const char* begin() const { return m_buf.data() + m_pos; }
    const char* end() const { return m_buf.data() + m_len; }
    bool eof() const { return m_eof; }
    // File offset of begin().
    int64_t position() const { return m_base + static_cast<int64_t>(m_pos); }
    void consume(size_t n) { m_pos += n; }

    // Appends the next block after the unconsumed bytes (moving them to the front first); sets eof() when
    // the file has nothing more.
    Status more();

    // The next line without its "\n" or "\r\n"; false at the end of the file. A last line without a
    // terminator counts. `offset` receives where the line starts.
    Result<bool> nextLine(std::string_view& line, int64_t& offset);

    // Skips a UTF-8 byte order mark at the very start of the file (editors on Windows write one).
    Status skipBom();

private:
    Error readError(const std::string& reason) const;

    std::FILE* m_file = nullptr;
    std::string m_path;
    std::vector<char> m_buf;
    size_t m_pos = 0;   // first unconsumed byte
    size_t m_len = 0;   // bytes of m_buf holding data
    int64_t m_base = 0; // file offset of m_buf[0]
    bool m_eof = false;
};

} // namespace sluice::core
