// The JSONL reader on any file, with tiny buffers, and the row reader that types the values.
#include "fuzz_input_file.h"
#include "sources/file/file_row_reader.h"
#include "sources/file/jsonl_reader.h"

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
            auto more = reader.next(object);
            if (!more || !*more)
                break;
            for (const auto& [key, value] : object.items())
                (void)jsonToValue(value).toJson();
        }
    }
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
        }
    }
    return 0;
}
