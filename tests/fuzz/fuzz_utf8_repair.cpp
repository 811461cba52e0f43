// The UTF-8 rule and the JSON scans on any bytes (util/utf8.h, util/json_text.h): a repair is well-formed,
// leaves well-formed text alone, is idempotent and reports offsets of U+FFFD; repairJsonUtf8 agrees with it
// and names only members that exist; the depth scan agrees with a plain count and stops at its limit; and a
// repaired line that nlohmann accepts within the limit renders without throwing (what every reader relies
// on).
#include "util/json_text.h"
#include "util/utf8.h"

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

using namespace sluice::core;

namespace {
// The reference: brackets outside strings, counted without early exit.
size_t plainDepth(std::string_view s) {
    size_t depth = 0, deepest = 0;
    bool inString = false;
    for (size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (inString) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                inString = false;
        } else if (c == '"') {
            inString = true;
        } else if (c == '[' || c == '{') {
            deepest = std::max(deepest, ++depth);
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
    return deepest;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string input(reinterpret_cast<const char*>(data), size);
    std::string text = input;
    std::vector<size_t> at;
    const bool changed = repairUtf8(text, &at);
    if (changed == isValidUtf8(input) || !isValidUtf8(text) || changed != !at.empty())
        __builtin_trap();
    if (!changed && text != input)
        __builtin_trap();
    for (size_t i = 0; i < at.size(); ++i)
        if (text.compare(at[i], 3, "\xEF\xBF\xBD") != 0 || (i && at[i] <= at[i - 1]))
            __builtin_trap();
    if (text.size() > 3 * input.size() || toValidUtf8(text) != text || toValidUtf8(input) != text)
        __builtin_trap();

    const size_t depth = plainDepth(input);
    if (jsonNestingDepth(input, 1u << 30) != depth ||
        jsonNestingDepth(input, 8) != std::min<size_t>(depth, 9))
        __builtin_trap();

    auto repaired = repairJsonUtf8(input);
    if (repaired.has_value() != changed || (repaired && repaired->text != text))
        __builtin_trap();
    if (!repaired || jsonTooDeep(text))
        return 0;
    const auto parsed = nlohmann::ordered_json::parse(text, nullptr, false);
    if (parsed.is_discarded())
        return 0;
    (void)parsed.dump();
    if (parsed.is_object())
        for (const auto& field : repaired->fields)
            if (!isValidUtf8(field) || !parsed.contains(field))
                __builtin_trap();
    return 0;
}
