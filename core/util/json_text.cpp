#include "util/json_text.h"

#include "util/utf8.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace sluice::core {

size_t jsonNestingDepth(std::string_view text, size_t limit) {
    size_t depth = 0, deepest = 0;
    for (size_t i = 0; i < text.size(); ++i) {
        switch (text[i]) {
        case '"':
            // Brackets in strings do not nest: skip to the closing quote.
            for (++i; i < text.size() && text[i] != '"'; ++i)
                if (text[i] == '\\')
                    ++i;
            break;
        case '[':
        case '{':
            if (++depth > deepest && (deepest = depth) > limit)
                return limit + 1;
            break;
        case ']':
        case '}':
            if (depth > 0)
                --depth;
            break;
        default:
            break;
        }
    }
    return deepest;
}

std::string jsonTooDeepText() {
    return "nested deeper than " + std::to_string(kMaxJsonDepth) + " levels (Sluice's limit for JSON)";
}

namespace {

// A key as the parser would give it: `raw` is the text between the quotes.
std::string unescapedKey(std::string_view raw) {
    if (raw.find('\\') == std::string_view::npos)
        return std::string(raw);
    const auto j = nlohmann::json::parse("\"" + std::string(raw) + "\"", nullptr, false);
    return j.is_string() ? j.get<std::string>() : std::string(raw);
}

struct Frame {
    bool object = false;
    bool expectKey = false;
    std::string_view key; // the current member's key, between the quotes
};

// The key of the member of the object at `path` that the scan is in, if it is in one.
std::optional<std::string_view> memberAt(const std::vector<Frame>& frames,
                                         std::initializer_list<std::string_view> path) {
    if (frames.size() <= path.size())
        return std::nullopt;
    size_t level = 0;
    for (std::string_view name : path) {
        const Frame& f = frames[level++];
        if (!f.object || f.key.data() == nullptr || unescapedKey(f.key) != name)
            return std::nullopt;
    }
    const Frame& f = frames[path.size()];
    if (!f.object || f.key.data() == nullptr)
        return std::nullopt;
    return f.key;
}

} // namespace

std::optional<RepairedJson> repairJsonUtf8(std::string_view input,
                                           std::initializer_list<std::string_view> path) {
    std::vector<size_t> replaced;
    RepairedJson out;
    out.text = std::string(input);
    if (!repairUtf8(out.text, &replaced))
        return std::nullopt;
    const std::string_view text = out.text;
    std::vector<Frame> frames;
    size_t next = 0; // the first replacement not yet placed
    for (size_t i = 0; i < text.size() && next < replaced.size(); ++i) {
        switch (text[i]) {
        case '"': {
            size_t end = i + 1;
            while (end < text.size() && text[end] != '"')
                end += text[end] == '\\' ? 2 : 1;
            end = std::min(end, text.size());
            if (!frames.empty() && frames.back().object && frames.back().expectKey)
                frames.back().key = text.substr(i + 1, end - i - 1);
            for (; next < replaced.size() && replaced[next] <= end; ++next) {
                if (replaced[next] < i)
                    continue; // outside every string
                if (auto key = memberAt(frames, path)) {
                    std::string name = unescapedKey(*key);
                    if (std::find(out.fields.begin(), out.fields.end(), name) == out.fields.end())
                        out.fields.push_back(std::move(name));
                }
            }
            i = end;
            break;
        }
        case '{':
            frames.push_back({true, true, {}});
            break;
        case '[':
            frames.push_back({false, false, {}});
            break;
        case '}':
        case ']':
            if (!frames.empty())
                frames.pop_back();
            // The document is its first value: what follows is no member of it (nlohmann stops at a NUL
            // there; a brace after it would otherwise name a field the record does not have).
            if (frames.empty())
                return out;
            break;
        case ',':
            if (!frames.empty() && frames.back().object)
                frames.back().expectKey = true;
            break;
        case ':':
            if (!frames.empty())
                frames.back().expectKey = false;
            break;
        default:
            break;
        }
    }
    return out;
}

} // namespace sluice::core
