#pragma once

// For .cpp files that parse with simdjson only: it keeps simdjson.h out of every other header.

#include "catalog/value.h"
#include "util/json_text.h"

#include <cstdint>
#include <simdjson.h>

namespace sluice::core {

// A DOM parser that refuses what nests deeper than kMaxJsonDepth (simdjson's own default is 1024), so that
// its verdict on depth is the one of the nlohmann paths that take over the lines it refuses.
inline void limitDepth(simdjson::dom::parser& parser) {
    // Should this small allocation fail, parse() allocates again, with simdjson's own depth.
    const auto error = parser.allocate(simdjson::dom::MINIMAL_DOCUMENT_CAPACITY, kMaxJsonDepth);
    (void)error;
}

// A scalar JSON value into `out` in place, so that a reused row's strings keep their buffers (no allocation
// per field). The rules are jsonToValue's: integers stay integers up to INT64_MAX and become real numbers
// above it. False for an array or an object, which each caller renders its own way.
inline bool readJsonScalar(simdjson::dom::element el, Value& out) {
    using T = simdjson::dom::element_type;
    out.i = 0;
    out.d = 0;
    switch (el.type()) {
    case T::STRING:
        out.assignText(std::string_view(el));
        return true;
    case T::INT64:
        out.kind = Value::Kind::Int;
        out.i = int64_t(el);
        break;
    case T::UINT64:
        if (const uint64_t u = uint64_t(el); u <= uint64_t(INT64_MAX)) {
            out.kind = Value::Kind::Int;
            out.i = int64_t(u);
        } else {
            out.kind = Value::Kind::Real;
            out.d = double(u);
        }
        break;
    case T::DOUBLE:
        out.kind = Value::Kind::Real;
        out.d = double(el);
        break;
    case T::BOOL:
        out.kind = Value::Kind::Bool;
        out.i = bool(el) ? 1 : 0;
        break;
    case T::NULL_VALUE:
        out.kind = Value::Kind::Null;
        break;
    case T::ARRAY:
    case T::OBJECT:
        return false;
    }
    out.s.clear();
    return true;
}

} // namespace sluice::core
