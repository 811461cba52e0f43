#pragma once

#include "catalog/stream.h"
#include "catalog/value.h"

#include <memory>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice::core {

// Maps one JSONL line straight onto a row of the stream's columns with simdjson: no nlohmann DOM (~20x the
// cost per line) and no allocation per field once a reused row's strings have capacity. simdjson's DOM parser
// is used, not On-Demand: it is dispatched at run time to the CPU's SIMD kernels (Debian's On-Demand is
// compiled for the generic CPU and measured slower here), and it validates the whole line as nlohmann does.
// The rules are jsonToValue's and coerceTo's: fields that are not columns are dropped (but still validated),
// a value that does not fit its column is NULL plus a FieldChange, the last of repeated keys wins.
//
// It only vouches for what it fully understands: invalid JSON, a line that is not an object, integers
// beyond 64 bits and the like make decode() return false, and the caller parses the line with nlohmann,
// whose results and error messages stay the reference.
class JsonlRowDecoder {
public:
    explicit JsonlRowDecoder(std::vector<Column> columns);
    ~JsonlRowDecoder();
    JsonlRowDecoder(const JsonlRowDecoder&) = delete;
    JsonlRowDecoder& operator=(const JsonlRowDecoder&) = delete;

    // `row` comes in with one NULL value per column and no changes; on false its content is unspecified.
    bool decode(std::string_view line, Row& row);

    // For discovery: the line's fields in order with the kind of Value each would be (jsonKind's rules).
    // The same vouching applies, and a line that repeats a key is left to nlohmann too (its object keeps the
    // first position and the last value). Keys stay valid until the next call.
    bool fieldKinds(std::string_view line, std::vector<std::pair<std::string_view, Value::Kind>>& out);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace sluice::core
