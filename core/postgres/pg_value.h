#pragma once

#include "catalog/value.h"

#include <string>
#include <string_view>

namespace sluice::core {

// Values in PostgreSQL's text format, both ways.

// A non-NULL cell's text as a Value of `type`; text that does not parse as the type stays text (the caller
// decides whether the type accepts it).
Value valueFromPgText(ColumnType type, std::string_view text);

// Whether PostgreSQL accepts the value in a column of `type` as it is: the kind matches the type, text is
// valid UTF-8 without NUL bytes, JSON parses and has no \u0000 (jsonb refuses both).
bool pgAccepts(ColumnType type, const Value& v);

// Appends the value as one field of COPY's text format (\N for NULL, backslash escapes).
void appendCopyField(std::string& out, const Value& v);
void appendCopyText(std::string& out, std::string_view text);

} // namespace sluice::core
