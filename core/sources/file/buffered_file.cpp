#include "sources/file/buffered_file.h"

#include <cerrno>
#include <cstring>

namespace sluice::core {

namespace {
int seek64(std::FILE* f, int64_t offset) {
#ifdef _WIN32
    return _fseeki64(f, offset, SEEK_SET);
#else
    return fseeko(f, static_cast<off_t>(offset), SEEK_SET);
#endif
}
} // namespace

BufferedFile::BufferedFile(size_t bufferSize) : m_buf(bufferSize < 16 ? 16 : bufferSize) {}

BufferedFile::~BufferedFile() {
    if (m_file)
        std::fclose(m_file);
}

Error BufferedFile::readError(const std::string& reason) const {
    return Error::transient("file source: cannot read " + m_path + ": " + reason);
}

Status BufferedFile::open(const std::string& path) {
    if (m_file)
        std::fclose(m_file);
    m_path = path;
    m_pos = m_len = 0;
    m_base = 0;
    m_eof = false;
    m_file = std::fopen(path.c_str(), "rb");
    if (!m_file)
        return readError(std::strerror(errno));
    // Our own buffer is the only one: stdio's would be a second copy of every byte.
    std::setvbuf(m_file, nullptr, _IONBF, 0);
    return {};
}

Status BufferedFile::seek(int64_t offset) {
    if (!m_file)
        return readError("the file is not open");
    if (seek64(m_file, offset) != 0)
        return readError(std::strerror(errno));
    m_pos = m_len = 0;
    m_base = offset;
    m_eof = false;
    return {};
}

Status BufferedFile::more() {
    if (!m_file)
        return readError("the file is not open");
    if (m_eof)
        return {};
    if (m_pos > 0) {
        std::memmove(m_buf.data(), m_buf.data() + m_pos, m_len - m_pos);
        m_len -= m_pos;
        m_base += static_cast<int64_t>(m_pos);
        m_pos = 0;
    }
    if (m_len == m_buf.size())
        m_buf.resize(m_buf.size() * 2);
    const size_t n = std::fread(m_buf.data() + m_len, 1, m_buf.size() - m_len, m_file);
    if (n == 0) {
        if (std::ferror(m_file))
            return readError(std::strerror(errno));
        m_eof = true;
    }
    m_len += n;
    return {};
}

Result<bool> BufferedFile::nextLine(std::string_view& line, int64_t& offset) {
    size_t scanned = 0; // bytes already known to hold no newline, so a refill does not rescan them
    for (;;) {
        const char* b = begin();
        const size_t avail = static_cast<size_t>(end() - b);
        const void* nl = avail > scanned ? std::memchr(b + scanned, '\n', avail - scanned) : nullptr;
        if (nl || (m_eof && avail > 0)) {
            const char* e = nl ? static_cast<const char*>(nl) : end();
            offset = position();
            consume(static_cast<size_t>(e - b) + (nl ? 1 : 0));
            if (e > b && e[-1] == '\r')
                --e;
            line = std::string_view(b, static_cast<size_t>(e - b));
            return true;
        }
        if (m_eof)
            return false;
        scanned = avail;
        SLUICE_TRY(more());
    }
}

Status BufferedFile::skipBom() {
    while (!m_eof && end() - begin() < 3)
        SLUICE_TRY(more());
    if (position() == 0 && end() - begin() >= 3 && std::memcmp(begin(), "\xEF\xBB\xBF", 3) == 0)
        consume(3);
    return {};
}

} // namespace sluice::core
