#pragma once

#include "sources/file/buffered_file.h"
#include "util/result.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::core {

// One CSV record as the reader hands it out. The views point into the reader's buffers and stay valid
// only until the next call to next() or seek(): copying every field would cost more than parsing it.
struct CsvRecord {
    int64_t offset = 0;                   // byte offset of the record's first byte
    int64_t line = 0;                     // 1-based line number where the record starts
    std::string_view raw;                 // the record's bytes without its line terminator (for hashing)
    std::vector<std::string_view> fields; // unquoted values; never more than the header has
};

// An RFC 4180 reader: a header row, quoted fields with doubled quotes, commas and line breaks inside
// quotes, CRLF or LF, an optional UTF-8 BOM, a last line with or without a terminator. Blank lines are
// skipped (spreadsheets leave them at the end). Errors name FILE:LINE and are Transient.
class CsvReader {
public:
    explicit CsvReader(size_t bufferSize = size_t(1) << 20);

    // Opens the file and reads its header row.
    Status open(const std::string& path);
    // Continues at a record boundary saved earlier (offset and line of the next record).
    Status seek(int64_t offset, int64_t line);

    // Column names of the header: blanks become "column_N", repeats get "_2", "_3"... so that every
    // field can be mapped by name.
    const std::vector<std::string>& header() const { return m_header; }

    // Reads the next record into record(); false at the end of the file.
    Result<bool> next();
    const CsvRecord& record() const { return m_record; }

    // Where the record after the current one starts: what a checkpoint saves.
    int64_t nextOffset() const { return m_file.position(); }
    int64_t nextLine() const { return m_line; }

private:
    enum class Parse { Done, NeedMore, Failed };
    // A field is either a slice of the buffer or, when it had doubled quotes, a slice of m_scratch.
    struct Span {
        size_t offset;
        size_t size;
        bool inScratch;
    };

    // Parses the record at `begin`; on Done, `consumed` covers its terminator and `lines` the line breaks.
    Parse parse(const char* begin, const char* end, size_t& consumed, int64_t& lines);
    Parse parseSlow(const char* begin, const char* end, size_t& consumed, int64_t& lines);
    Parse parseQuoted(const char*& p, const char* begin, const char* end, int64_t& newlines);
    Error error(int64_t line, const std::string& what) const;

    BufferedFile m_file;
    std::vector<std::string> m_header;
    CsvRecord m_record;
    std::vector<Span> m_spans;
    std::string m_scratch;
    Error m_error;
    int64_t m_line = 1;
};

} // namespace sluice::core
