#pragma once

#include "catalog/value.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace sluice::core {

// COPY's binary format (FORMAT binary): the server reads integers, doubles and timestamps as they are
// instead of parsing their text, and text needs no escapes. Multi-byte integers are big-endian.
// A COPY starts with the header, then each row is its field count and its fields, and ends with the trailer.
void appendBinaryCopyHeader(std::string& out);
void appendBinaryCopyTrailer(std::string& out);
void appendBinaryRowStart(std::string& out, int fields);

// One field, in the binary form of the column type the value's kind is stored as (pgAccepts): Int as
// bigint, Real as double precision, Bool as boolean, Text as text, Json as jsonb; Null as a NULL field.
void appendBinaryField(std::string& out, const Value& v);
void appendBinaryText(std::string& out, std::string_view text);
void appendBinaryBigint(std::string& out, int64_t v);
void appendBinaryJsonb(std::string& out, std::string_view json);
// A timestamptz from milliseconds since the Unix epoch.
void appendBinaryTimestamptz(std::string& out, int64_t unixMillis);

} // namespace sluice::core
