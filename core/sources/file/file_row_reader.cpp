#include "sources/file/file_row_reader.h"

#include "catalog/text_repair.h"
#include "sources/file/csv_reader.h"
#include "sources/file/jsonl_reader.h"
#include "sources/file/jsonl_row_decoder.h"
#include "util/utf8.h"

#include <nlohmann/json.hpp>
#include <unordered_map>

namespace sluice::core {

std::string positionToJson(const FilePosition& p) {
    return R"({"offset":)" + std::to_string(p.offset) + R"(,"line":)" + std::to_string(p.line) + "}";
}

std::optional<FilePosition> positionFromJson(const std::string& text) {
    const auto j = nlohmann::json::parse(text, nullptr, false);
    if (!j.is_object() || !j.contains("offset") || !j["offset"].is_number_integer())
        return std::nullopt;
    FilePosition p;
    p.offset = j["offset"].get<int64_t>();
    if (j.contains("line") && j["line"].is_number_integer())
        p.line = j["line"].get<int64_t>();
    if (p.offset < 0 || p.line < 1)
        return std::nullopt;
    return p;
}

namespace {

// What CSV and JSONL rows have in common: the columns, their lookup by name and the typecast bookkeeping.
class ColumnRowReader : public RowReader {
public:
    explicit ColumnRowReader(std::vector<Column> columns) : m_columns(std::move(columns)) {
        for (size_t i = 0; i < m_columns.size(); ++i)
            m_index.emplace(m_columns[i].name, static_cast<int>(i));
    }

protected:
    int columnOf(const std::string& name) const {
        const auto it = m_index.find(name);
        return it == m_index.end() ? -1 : it->second;
    }
    // A row of NULLs, ready to be filled field by field.
    void reset(Row& row) const {
        row.values.assign(m_columns.size(), Value{});
        row.changes.clear();
        row.extractedAtMs = 0;
    }
    void nulled(Row& row, int column, const char* reason = "DESTINATION_TYPECAST_ERROR") const {
        row.values[column] = Value{};
        row.changes.push_back(FieldChange{m_columns[column].name, "NULLED", reason});
    }

    std::vector<Column> m_columns;

private:
    std::unordered_map<std::string, int> m_index;
};

// The parts that only forward to the format's reader (CsvReader or JsonlReader).
template <typename Reader> class FormatRowReader : public ColumnRowReader {
public:
    using ColumnRowReader::ColumnRowReader;

    Status seek(const FilePosition& p) override { return m_reader.seek(p.offset, p.line); }
    std::string_view raw() const override { return m_reader.record().raw; }
    FilePosition nextPosition() const override { return {m_reader.nextOffset(), m_reader.nextLine()}; }

protected:
    Reader m_reader;
};

class CsvRowReader : public FormatRowReader<CsvReader> {
public:
    using FormatRowReader::FormatRowReader;

    Status open(const std::string& path) override {
        SLUICE_TRY(m_reader.open(path));
        // Resolved once per file: a record is then an array walk, not a name lookup per cell.
        m_fieldColumn.clear();
        for (const auto& name : m_reader.header())
            m_fieldColumn.push_back(columnOf(name));
        return {};
    }
    Result<bool> next(Row& row) override {
        auto got = m_reader.next();
        if (!got.ok() || !*got)
            return got;
        reset(row);
        const auto& fields = m_reader.record().fields;
        for (size_t f = 0; f < fields.size(); ++f) {
            const int c = m_fieldColumn[f];
            if (c < 0 || fields[f].empty())
                continue;
            // Bytes that are not UTF-8 (a file saved in another encoding) are replaced, and the record says
            // so: JSON output and PostgreSQL refuse them, and the rest of the text is worth keeping.
            std::string_view cell = fields[f];
            const bool repaired = !isValidUtf8(cell);
            if (repaired) {
                m_repaired.assign(cell);
                repairUtf8(m_repaired);
                cell = m_repaired;
            }
            if (!parseAs(m_columns[c].type, cell, row.values[c]))
                nulled(row, c);
            else if (repaired)
                noteReplacedBytes(row, m_columns[c].name);
        }
        return true;
    }

private:
    std::vector<int> m_fieldColumn; // header index -> column index, -1 when the stream has no such column
    std::string m_repaired;
};

class JsonlRowReader : public FormatRowReader<JsonlReader> {
public:
    explicit JsonlRowReader(std::vector<Column> columns)
        : FormatRowReader(columns), m_decoder(std::move(columns)) {}

    Status open(const std::string& path) override { return m_reader.open(path); }

    Result<bool> next(Row& row) override {
        auto got = m_reader.nextLine();
        if (!got.ok() || !*got)
            return got;
        // simdjson first; what it refuses may hold bytes that are not UTF-8 (repaired, then tried again), and
        // the rest is nlohmann's, whose verdict and error messages are the reference.
        if (!decodeFast(row) && (!m_reader.repairText() || !decodeFast(row))) {
            reset(row);
            SLUICE_TRY(m_reader.parse(m_object));
            for (const auto& [key, value] : m_object.items()) {
                const int c = columnOf(key);
                if (c < 0)
                    continue;
                Value v = jsonToValue(value);
                if (coerceTo(m_columns[c].type, v))
                    row.values[c] = std::move(v);
                else
                    nulled(row, c);
            }
        }
        for (const auto& field : m_reader.record().replacedFields)
            if (const int c = columnOf(field); c >= 0)
                noteReplacedBytes(row, m_columns[c].name);
        return true;
    }

private:
    bool decodeFast(Row& row) {
        reset(row);
        return m_decoder.decode(m_reader.record().text, row);
    }

    JsonlRowDecoder m_decoder;
    nlohmann::ordered_json m_object;
};

} // namespace

std::unique_ptr<RowReader> makeRowReader(FileFormat format, std::vector<Column> columns) {
    if (format == FileFormat::Csv)
        return std::make_unique<CsvRowReader>(std::move(columns));
    return std::make_unique<JsonlRowReader>(std::move(columns));
}

} // namespace sluice::core
