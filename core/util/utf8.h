#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::core {

// Whether `text` is well-formed UTF-8 (RFC 3629, Unicode table 3-7: no overlong forms, no surrogates,
// nothing above U+10FFFF). U+0000 is a character like any other here: whether a NUL byte may be stored is
// the caller's rule (PostgreSQL's text and jsonb refuse it; SQLite and JSON carry it).
bool isValidUtf8(std::string_view text);

// Makes `text` well-formed UTF-8 in place: each ill-formed sequence becomes U+FFFD, one per maximal subpart
// (Unicode §3.9, the rule of the WHATWG decoder and Python's "replace"), so well-formed text stays byte for
// byte and the result is never longer than three times the input. True when anything was replaced;
// `replacedAt` (when given) receives the byte offset in the result of each U+FFFD inserted, ascending.
//
// Text from sources that is not UTF-8 (a file saved as Latin-1, a TEXT cell holding raw bytes) is stored
// this way with a change entry in _airbyte_meta (utf8ReplacedChange), because JSON output, PostgreSQL and
// nlohmann::json::dump all refuse anything else.
bool repairUtf8(std::string& text, std::vector<size_t>* replacedAt = nullptr);

// A well-formed copy of `text` (repairUtf8's rule): for names and messages shown to a user or put in JSON.
std::string toValidUtf8(std::string_view text);

} // namespace sluice::core
