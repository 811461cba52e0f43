#pragma once
// What every row a reader makes must hold, whatever the input: text that reaches a table is well-formed
// UTF-8 (JSON output and PostgreSQL refuse anything else), JSON cells nest no deeper than Sluice's limit and
// parse, and every change names a column and is one of the changes Sluice writes.
#include "catalog/value.h"
#include "util/json_text.h"
#include "util/utf8.h"

#include <nlohmann/json.hpp>

namespace sluice::fuzz {

inline void checkRow(const core::Row& row) {
    for (const core::Value& v : row.values) {
        if ((v.kind == core::Value::Kind::Text || v.kind == core::Value::Kind::Json) &&
            !core::isValidUtf8(v.s))
            __builtin_trap();
        if (v.kind == core::Value::Kind::Json && (core::jsonTooDeep(v.s) || !nlohmann::json::accept(v.s)))
            __builtin_trap();
        (void)v.toJson();
    }
    for (const auto& c : row.changes) {
        if (!core::isValidUtf8(c.field))
            __builtin_trap();
        const bool known = (c.change == "NULLED" && c.reason == "DESTINATION_TYPECAST_ERROR") ||
                           (c.change == "TRUNCATED" && c.reason == "SOURCE_SERIALIZATION_ERROR");
        if (!known)
            __builtin_trap();
    }
}

} // namespace sluice::fuzz
