#pragma once

#include "catalog/stream.h"
#include "catalog/value.h"
#include "protocol/airbyte_message.h"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

// The hot path of an Airbyte read: a connector's stdout lines to rows.
namespace sluice::core::airbyte {

// A stream records are mapped to: its identity and the columns a row has, in order.
struct DecoderStream {
    std::string name;
    std::string ns;
    std::vector<Column> columns;
};

struct DecodedLine {
    enum class Kind {
        Record,           // `stream` and `row` are set (and `message` too when the slow path decoded it)
        UndeclaredRecord, // a RECORD of a stream that is not declared: `message.record.stream` names it
        Message,          // any other message: `message`
        NotJson,          // the line is not JSON: `error`
        Malformed,        // JSON, but not a valid message: `error` says why
        TooDeep,          // nested deeper than kMaxJsonDepth: `error`; never parsed, whatever it is
    };
    Kind kind = Kind::NotJson;
    size_t stream = 0;
    Row row;
    Message message;
    std::string error;
};

// Decodes lines one by one. A RECORD line is parsed once (simdjson, no intermediate DOM of our own) and its
// `data` fields go straight into the declared stream's column Values: coerced to the column type, a value
// that does not fit is NULL plus a FieldChange, fields that are not columns are dropped, missing ones NULL.
// Other lines are parsed with parseMessageLine. Lines simdjson refuses but nlohmann accepts (integers
// beyond 64 bits) take the slow path and still decode. A line with bytes that are not UTF-8 is decoded with
// U+FFFD in their place, and each column whose field held one gets a replacedBytesChange (text_repair.h).
// Not thread-safe: one decoder per read.
class RecordDecoder {
public:
    explicit RecordDecoder(std::vector<DecoderStream> streams);
    ~RecordDecoder();
    RecordDecoder(const RecordDecoder&) = delete;
    RecordDecoder& operator=(const RecordDecoder&) = delete;

    // `out` is overwritten; reusing it across lines saves allocations of the message members.
    void decode(std::string_view line, DecodedLine& out);

    // The declared stream a (name, namespace) from the connector means; -1 when none. A namespace missing
    // on one side matches when the name alone is unambiguous (connectors differ in whether they echo it).
    int streamIndex(std::string_view name, std::string_view ns) const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace sluice::core::airbyte
