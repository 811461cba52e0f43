// The JSONL reader on any file, with tiny buffers, and the row reader that types the values: lines that are
// not UTF-8 are repaired, lines nested too deep refused, and rows hold only what checkRow allows.
#include "fuzz_input_file.h"
#include "fuzz_row_checks.h"
#include "sources/file/file_row_reader.h"
#include "sources/file/jsonl_reader.h"
#include "sources/file/schema_inference.h"

#include <nlohmann/json.hpp>

using namespace sluice::core;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    sluice::fuzz::InputFile file(data, size);
    if (!file.ok())
        return 0;
    for (size_t buffer : {size_t(5), size_t(1) << 16}) {
        JsonlReader reader(buffer);
        if (!reader.open(file.path()))
            continue;
        nlohmann::ordered_json object;
        for (int i = 0; i < 10000; ++i) {
            auto more = reader.nextLine();
            if (!more || !*more)
                break;
            if (!reader.parse(object)) {
                if (!reader.repairText())
                    continue;
                if (!isValidUtf8(reader.record().text))
                    __builtin_trap();
                if (!reader.parse(object))
                    continue;
            }
            for (const auto& [key, value] : object.items())
                (void)jsonToValue(value).toJson();
        }
    }
    // Discovery: column names are UTF-8 however the file's keys were written.
    if (auto columns = inferJsonlColumns(file.path()))
        for (const auto& c : *columns)
            if (!isValidUtf8(c.name))
                __builtin_trap();
    auto rows = makeRowReader(FileFormat::Jsonl, {{"id", ColumnType::Integer},
                                                  {"name", ColumnType::String},
                                                  {"flag", ColumnType::Boolean},
                                                  {"doc", ColumnType::Json}});
    if (rows->open(file.path())) {
        Row row;
        for (int i = 0; i < 10000; ++i) {
            auto more = rows->next(row);
            if (!more || !*more)
                break;
            sluice::fuzz::checkRow(row);
        }
    }
    return 0;
}
