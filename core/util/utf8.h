#pragma once

#include <string_view>

namespace sluice::core {

// Whether `text` is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF).
// Text from files is checked before it becomes a column name, a stream name or a text value: JSON output and
// PostgreSQL refuse anything else, so it must be refused where its origin (file, line) is still known.
bool isValidUtf8(std::string_view text);

} // namespace sluice::core
