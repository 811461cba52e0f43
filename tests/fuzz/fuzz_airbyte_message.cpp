// The Airbyte protocol line parser and the record decoder (simdjson fast path, nlohmann slow path) on any
// line a connector could print: bytes that are not UTF-8 and deep nesting included (fuzz_row_checks.h).
#include "fuzz_row_checks.h"
#include "protocol/airbyte_message.h"
#include "protocol/record_decoder.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

using namespace sluice::core;
using namespace sluice::core::airbyte;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view line(reinterpret_cast<const char*>(data), size);
    auto message = parseMessageLine(line);
    if (message && message->type == MessageType::State) {
        // What a state turns into when it is passed back to the connector.
        StreamStateEntry e{message->state.stream.stream, message->state.stream.stateJson};
        (void)stateFileJson({e},
                            message->state.sharedStateJson == "null" ? "" : message->state.sharedStateJson);
        (void)stateFileFromMessages({message->state.json});
    }
    if (message && message->type == MessageType::Catalog)
        for (const auto& stream : message->catalogStreams)
            if (auto info = streamFromJson(stream))
                (void)streamToJson(*info); // what discovery stores of a connector's catalog
    static RecordDecoder decoder({{"users",
                                   "",
                                   {{"id", ColumnType::Integer},
                                    {"name", ColumnType::String},
                                    {"score", ColumnType::Number},
                                    {"active", ColumnType::Boolean},
                                    {"meta", ColumnType::Json}}},
                                  {"users", "other", {{"id", ColumnType::String}}}});
    DecodedLine out;
    decoder.decode(line, out);
    if (out.kind == DecodedLine::Kind::Record)
        sluice::fuzz::checkRow(out.row);
    return 0;
}
