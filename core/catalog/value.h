#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::core {

// Column types of destination tables (SPEC: integer, real, text, boolean as integer, nested as JSON text).
enum class ColumnType : uint8_t { String, Integer, Number, Boolean, Json };
const char* toString(ColumnType t);
const char* jsonSchemaType(ColumnType t); // "string", "integer", "number", "boolean", "object"

// One cell of a record on the hot path: no JSON DOM per record.
struct Value {
    enum class Kind : uint8_t { Null, Int, Real, Bool, Text, Json };
    Kind kind = Kind::Null;
    int64_t i = 0;  // Int, Bool (0/1)
    double d = 0;   // Real
    std::string s;  // Text, or Json as serialized text

    static Value null() { return {}; }
    static Value integer(int64_t v) { return {Kind::Int, v, 0, {}}; }
    static Value real(double v) { return {Kind::Real, 0, v, {}}; }
    static Value boolean(bool v) { return {Kind::Bool, v ? 1 : 0, 0, {}}; }
    static Value text(std::string v) { return {Kind::Text, 0, 0, std::move(v)}; }
    static Value json(std::string serialized) { return {Kind::Json, 0, 0, std::move(serialized)}; }

    // Makes this a Text value in place: a reused Value keeps its buffer when it is large enough, so that
    // reading a file into recycled rows allocates nothing per cell (and a fresh one gets an exact fit).
    void assignText(std::string_view v) {
        kind = Kind::Text;
        i = 0;
        d = 0;
        if (s.capacity() >= v.size())
            s.assign(v);
        else
            s = std::string(v);
    }

    bool isNull() const { return kind == Kind::Null; }
    bool operator==(const Value& o) const;
    // Total order used for cursors: NULL < numbers (by value) < text < json; bools as numbers.
    int compare(const Value& o) const;
    // A JSON rendering of the value (numbers bare, text quoted, json as is).
    std::string toJson() const;
    // Text for display and CSV export (no quotes).
    std::string toDisplay() const;
};

// "a value that cannot be stored as its declared type is stored as NULL and listed" (SPEC §3).
struct FieldChange {
    std::string field;
    std::string change = "NULLED";
    std::string reason = "DESTINATION_TYPECAST_ERROR";
};

// One record of a stream: values in the order of the stream's columns.
struct Row {
    std::vector<Value> values;
    std::vector<FieldChange> changes;
    int64_t extractedAtMs = 0; // set by the engine when it reads the record
    // Read again within the stream's lookback (delivered by an earlier sync); the engine counts these.
    bool reread = false;
};

// Converts a textual value (CSV cell) to a column's type; nullopt when it does not fit.
bool parseAs(ColumnType type, std::string_view text, Value& out);
// Makes `v` fit the column type (e.g. "12" into an integer column); false when impossible.
bool coerceTo(ColumnType type, Value& v);

} // namespace sluice::core
