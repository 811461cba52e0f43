#pragma once

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Scans of JSON text that need no parser: how deep it nests, and which member an invalid byte is in.
namespace sluice::core {

// The deepest nesting Sluice accepts in JSON it reads (connector output lines, JSONL records, HTTP pages,
// connection and state files, JSON cells): 1000 arrays or objects, the default limit of Jackson
// (StreamReadConstraints), with which Airbyte's own platform reads connector output. A whole JSONL record
// `{"a": 1}` is depth 1. The limit is checked before a DOM is built because nlohmann's dump(), copy and
// comparison recurse once per level: a record nested 100,000 deep overflowed the stack (SIGSEGV).
constexpr size_t kMaxJsonDepth = 1000;

// The deepest nesting of arrays and objects in `text` (brackets outside strings; the text need not be valid
// JSON). Stops scanning once the depth exceeds `limit`, returning limit + 1.
size_t jsonNestingDepth(std::string_view text, size_t limit = kMaxJsonDepth);
inline bool jsonTooDeep(std::string_view text) {
    return jsonNestingDepth(text) > kMaxJsonDepth;
}
// What a refusal says: "nested deeper than 1000 levels (Sluice's limit for JSON)".
std::string jsonTooDeepText();

// JSON text that had bytes that are not UTF-8, repaired (repairUtf8), and the members that held them.
struct RepairedJson {
    std::string text;
    // Keys (unescaped, repaired) of the members of the object at `path` whose key or value held a replaced
    // byte, in order of appearance, without repeats. A byte outside every string is in no member (the text
    // is not JSON then anyway).
    std::vector<std::string> fields;
};

// nullopt when `text` is well-formed UTF-8. `path` names the object whose members are reported: {} for the
// top-level object (a JSONL record), {"record", "data"} for an Airbyte RECORD message's fields.
std::optional<RepairedJson> repairJsonUtf8(std::string_view text,
                                           std::initializer_list<std::string_view> path = {});

} // namespace sluice::core
