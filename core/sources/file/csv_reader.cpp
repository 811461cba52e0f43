#include "sources/file/csv_reader.h"

#include "util/utf8.h"

#include <algorithm>
#include <cstring>
#include <set>

namespace sluice::core {

namespace {
const char* findByte(const char* b, const char* e, char c) {
    return b < e ? static_cast<const char*>(std::memchr(b, c, static_cast<size_t>(e - b))) : nullptr;
}

std::vector<std::string> uniqueNames(const std::vector<std::string_view>& fields) {
    std::vector<std::string> names;
    std::set<std::string> taken;
    for (size_t i = 0; i < fields.size(); ++i) {
        std::string base = fields[i].empty() ? "column_" + std::to_string(i + 1) : std::string(fields[i]);
        std::string name = base;
        for (int n = 2; taken.count(name); ++n)
            name = base + "_" + std::to_string(n);
        taken.insert(name);
        names.push_back(std::move(name));
    }
    return names;
}
} // namespace

CsvReader::CsvReader(size_t bufferSize) : m_file(bufferSize) {}

Error CsvReader::error(int64_t line, const std::string& what) const {
    return Error::transient(m_file.path() + ":" + std::to_string(line) + ": " + what);
}

Status CsvReader::open(const std::string& path) {
    m_header.clear();
    m_line = 1;
    SLUICE_TRY(m_file.open(path));
    SLUICE_TRY(m_file.skipBom());
    auto got = next();
    if (!got.ok())
        return got.error();
    if (!*got)
        return Error::transient(path + ": the file is empty; a CSV file needs a header row");
    // A name that is not UTF-8 (a header saved as Latin-1) gets U+FFFD for the bytes JSON cannot carry, as
    // the cells do: discovery and reading both see the names this way.
    std::vector<std::string> repaired;
    for (const auto& field : m_record.fields)
        repaired.push_back(toValidUtf8(field));
    m_header = uniqueNames(std::vector<std::string_view>(repaired.begin(), repaired.end()));
    return {};
}

Status CsvReader::seek(int64_t offset, int64_t line) {
    if (offset != m_file.position())
        SLUICE_TRY(m_file.seek(offset));
    m_line = line;
    return {};
}

Result<bool> CsvReader::next() {
    for (;;) {
        const char* b = m_file.begin();
        const char* e = m_file.end();
        const size_t avail = static_cast<size_t>(e - b);
        // A line break needs its second byte before we can tell whether it is a blank CRLF line.
        if (avail < 2 && !m_file.eof()) {
            SLUICE_TRY(m_file.more());
            continue;
        }
        if (avail == 0)
            return false;
        if (*b == '\n' || (*b == '\r' && (avail == 1 || b[1] == '\n'))) {
            m_file.consume(*b == '\n' || avail == 1 ? 1 : 2);
            ++m_line;
            continue;
        }
        size_t consumed = 0;
        int64_t lines = 0;
        const Parse r = parse(b, e, consumed, lines);
        if (r == Parse::NeedMore) {
            SLUICE_TRY(m_file.more());
            continue;
        }
        if (r == Parse::Failed)
            return m_error;
        m_record.offset = m_file.position();
        m_record.line = m_line;
        m_record.fields.clear();
        for (const Span& s : m_spans)
            m_record.fields.emplace_back((s.inScratch ? m_scratch.data() : b) + s.offset, s.size);
        m_file.consume(consumed);
        m_line += lines;
        if (!m_header.empty() && m_record.fields.size() > m_header.size())
            return error(m_record.line, "row has " + std::to_string(m_record.fields.size()) +
                                            " fields, the header has " + std::to_string(m_header.size()));
        return true;
    }
}

CsvReader::Parse CsvReader::parse(const char* begin, const char* end, size_t& consumed, int64_t& lines) {
    m_spans.clear();
    m_scratch.clear();
    const bool eof = m_file.eof();
    const char* nl = findByte(begin, end, '\n');
    // Every record ends at a line break or at the end of the file, so without either it cannot be whole.
    if (!nl && !eof)
        return Parse::NeedMore;
    const char* lineEnd = nl ? nl : end;
    const char* e = lineEnd > begin && lineEnd[-1] == '\r' ? lineEnd - 1 : lineEnd;
    // The common cases: fields between commas, quoted ones (text with commas) closed on the same line without
    // doubled quotes. Anything else (a line break or "" inside quotes, a malformed quote) takes parseSlow,
    // which sees the record from its start again.
    for (const char* p = begin;;) {
        if (p < e && *p == '"') {
            const char* q = findByte(p + 1, lineEnd, '"');
            // q < e: the '\r' that e leaves out is not a quote, so q + 1 <= e.
            if (!q || (q + 1 < e && q[1] != ',')) {
                m_spans.clear();
                return parseSlow(begin, end, consumed, lines);
            }
            m_spans.push_back({static_cast<size_t>(p + 1 - begin), static_cast<size_t>(q - p - 1), false});
            if (q + 1 == e)
                break;
            p = q + 2;
            continue;
        }
        const char* comma = findByte(p, e, ',');
        const char* fieldEnd = comma ? comma : e;
        m_spans.push_back({static_cast<size_t>(p - begin), static_cast<size_t>(fieldEnd - p), false});
        if (!comma)
            break;
        p = comma + 1;
    }
    m_record.raw = std::string_view(begin, static_cast<size_t>(e - begin));
    consumed = static_cast<size_t>(lineEnd - begin) + (nl ? 1 : 0);
    lines = nl ? 1 : 0;
    return Parse::Done;
}

CsvReader::Parse CsvReader::parseSlow(const char* begin, const char* end, size_t& consumed, int64_t& lines) {
    const bool eof = m_file.eof();
    int64_t newlines = 0;
    const char* p = begin;
    const char* recordEnd = nullptr;
    while (!recordEnd) {
        if (p < end && *p == '"') {
            const Parse r = parseQuoted(p, begin, end, newlines);
            if (r != Parse::Done)
                return r;
            if (p < end && *p == ',') {
                ++p;
                continue;
            }
            if (p == end && !eof)
                return Parse::NeedMore;
            if (p + 1 == end && *p == '\r' && !eof)
                return Parse::NeedMore;
            const bool crlf = p + 1 < end && p[0] == '\r' && p[1] == '\n';
            if (p < end && *p != '\n' && !crlf && !(*p == '\r' && p + 1 == end)) {
                m_error = error(m_line + newlines,
                                "field " + std::to_string(m_spans.size()) +
                                    " has text after its closing quote; a quote inside a quoted field "
                                    "must be written twice (\"\")");
                return Parse::Failed;
            }
            recordEnd = p;
            p += p == end ? 0 : (crlf ? 2 : 1);
            continue;
        }
        // A quote in the middle of an unquoted field (5" disk) is kept as text, as spreadsheets do.
        const char* start = p;
        while (p < end && *p != ',' && *p != '\n')
            ++p;
        if (p == end && !eof)
            return Parse::NeedMore;
        if (p < end && *p == ',') {
            m_spans.push_back({static_cast<size_t>(start - begin), static_cast<size_t>(p - start), false});
            ++p;
            continue;
        }
        const char* fieldEnd = p > start && p[-1] == '\r' ? p - 1 : p;
        m_spans.push_back({static_cast<size_t>(start - begin), static_cast<size_t>(fieldEnd - start), false});
        recordEnd = fieldEnd;
        p += p == end ? 0 : 1;
    }
    m_record.raw = std::string_view(begin, static_cast<size_t>(recordEnd - begin));
    consumed = static_cast<size_t>(p - begin);
    lines = newlines + (p > begin && p[-1] == '\n' ? 1 : 0);
    return Parse::Done;
}

CsvReader::Parse CsvReader::parseQuoted(const char*& p, const char* begin, const char* end,
                                        int64_t& newlines) {
    const bool eof = m_file.eof();
    const int64_t openLine = m_line + newlines;
    const char* start = ++p;
    const size_t scratchStart = m_scratch.size();
    bool copied = false;
    for (;;) {
        const char* q = findByte(p, end, '"');
        if (!q) {
            if (!eof)
                return Parse::NeedMore;
            m_error = error(openLine, "the quoted field opened on this line is never closed (the file ends "
                                      "before its closing quote)");
            return Parse::Failed;
        }
        newlines += std::count(p, q, '\n');
        if (q + 1 == end && !eof)
            return Parse::NeedMore; // the next byte tells a closing quote from a doubled one
        if (q + 1 < end && q[1] == '"') {
            // Doubled quotes are the only case where the value differs from the bytes: copy it once.
            copied = true;
            m_scratch.append(start, q + 1);
            p = start = q + 2;
            continue;
        }
        if (copied) {
            m_scratch.append(start, q);
            m_spans.push_back({scratchStart, m_scratch.size() - scratchStart, true});
        } else {
            m_spans.push_back({static_cast<size_t>(start - begin), static_cast<size_t>(q - start), false});
        }
        p = q + 1;
        return Parse::Done;
    }
}

} // namespace sluice::core
