#pragma once

#include "catalog/stream.h"
#include "catalog/value.h"
#include "util/result.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::core {

enum class FileFormat { Csv, Jsonl };

// Where a read of a file continues: the next record's byte offset and its line (for error messages).
struct FilePosition {
    int64_t offset = 0;
    int64_t line = 1;
};
// {"offset": N, "line": L}: the "position" of the file source's states.
std::string positionToJson(const FilePosition& p);
// nullopt when the text is not such an object (a state from elsewhere: start over).
std::optional<FilePosition> positionFromJson(const std::string& json);

// Reads a file's records as rows of a stream's columns, whatever the file's format. Fields are matched to
// columns by name: fields the stream does not have are dropped, columns the file lacks are NULL, and a
// value that does not fit its column is NULL with a FieldChange (a typo in row 90,000 must not stop a
// sync of a million rows).
class RowReader {
public:
    virtual ~RowReader() = default;
    virtual Status open(const std::string& path) = 0;
    virtual Status seek(const FilePosition& position) = 0;
    // Fills `row` with the next record; false at the end of the file.
    virtual Result<bool> next(Row& row) = 0;
    // The current record's bytes, for CursorFilter's hashes; valid until the next call.
    virtual std::string_view raw() const = 0;
    virtual FilePosition nextPosition() const = 0;
};

std::unique_ptr<RowReader> makeRowReader(FileFormat format, std::vector<Column> columns);

} // namespace sluice::core
