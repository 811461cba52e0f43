// The CSV reader on any file: tiny buffers make every record cross refills; then the row reader types the
// cells of three columns.
#include "fuzz_input_file.h"
#include "fuzz_row_checks.h"
#include "sources/file/csv_reader.h"
#include "sources/file/file_row_reader.h"

using namespace sluice::core;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    sluice::fuzz::InputFile file(data, size);
    if (!file.ok())
        return 0;
    for (size_t buffer : {size_t(7), size_t(64), size_t(1) << 16}) {
        CsvReader reader(buffer);
        if (!reader.open(file.path()))
            continue;
        for (int i = 0; i < 10000; ++i) {
            auto more = reader.next();
            if (!more || !*more)
                break;
            if (reader.record().fields.size() > reader.header().size())
                __builtin_trap(); // the reader promises never more fields than the header
        }
    }
    auto rows = makeRowReader(
        FileFormat::Csv,
        {{"id", ColumnType::Integer}, {"name", ColumnType::String}, {"at", ColumnType::Number}});
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
