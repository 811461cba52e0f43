#pragma once

#include "catalog/value.h"
#include "sources/file/buffered_file.h"
#include "util/result.h"

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::core {

// One JSONL record: where it is and its bytes. `raw` stays valid until the next call to next() or seek().
struct JsonlRecord {
    int64_t offset = 0;    // byte offset of the line's first byte
    int64_t line = 0;      // 1-based line number
    std::string_view raw;  // the line without its terminator (for hashing)
    std::string_view text; // what is parsed: `raw`, or its repaired copy after JsonlReader::repairText()
    // Top-level keys whose key or value held bytes that are not UTF-8 (set by repairText()).
    std::vector<std::string> replacedFields;
};

// Reads one JSON object per line; blank lines are skipped. Objects keep their key order (ordered_json)
// because discovery lists columns in the order they first appear. Errors name FILE:LINE and are Transient;
// so is a record nested deeper than kMaxJsonDepth (json_text.h), refused before anything is built.
class JsonlReader {
public:
    explicit JsonlReader(size_t bufferSize = size_t(1) << 20);

    Status open(const std::string& path);
    // Continues at a record boundary saved earlier (offset and line of the next record).
    Status seek(int64_t offset, int64_t line);

    // Parses the next record into `object`; false at the end of the file.
    Result<bool> next(nlohmann::ordered_json& object);
    // The next non-blank line into record(), unparsed; false at the end of the file. parse() then parses it.
    Result<bool> nextLine();
    Status parse(nlohmann::ordered_json& object) const;
    // Makes record().text well-formed UTF-8 (U+FFFD for each ill-formed sequence) and lists the fields that
    // held such bytes in replacedFields; false when the line was well-formed. Parsers validate UTF-8 anyway,
    // so callers ask for this only when one refused the line: a valid line pays nothing for it.
    bool repairText();
    const JsonlRecord& record() const { return m_record; }

    // Where the record after the current one starts: what a checkpoint saves.
    int64_t nextOffset() const { return m_file.position(); }
    int64_t nextLine() const { return m_line; }

private:
    BufferedFile m_file;
    JsonlRecord m_record;
    std::string m_repaired; // record().text when repairText() replaced bytes
    int64_t m_line = 1;
};

// The kind of Value a JSON value becomes (without building it: discovery only counts kinds).
Value::Kind jsonKind(const nlohmann::ordered_json& v);
// The Value of a JSON value: numbers stay integer or real, objects and arrays become Json text.
Value jsonToValue(const nlohmann::ordered_json& v);

} // namespace sluice::core
