#include "sources/file/jsonl_row_decoder.h"

#include "protocol/json_scalar.h"

#include <cstring>
#include <nlohmann/json.hpp>
#include <simdjson.h>
#include <string>
#include <unordered_map>

namespace sluice::core {

namespace {

// The value as jsonToValue makes it, in place; a nested one is nlohmann's compact rendering (its number and
// escape formatting), which is what jsonToValue stores.
bool read(simdjson::dom::element el, Value& out) {
    if (readJsonScalar(el, out))
        return true;
    auto j = nlohmann::ordered_json::parse(simdjson::minify(el), nullptr, false);
    if (j.is_discarded())
        return false;
    out = Value::json(j.dump());
    return true;
}

} // namespace

struct JsonlRowDecoder::Impl {
    std::vector<Column> columns;
    std::unordered_map<std::string_view, int> index; // views into columns' names
    std::vector<bool> firstOfName;                   // a name's first column is the one fields go to
    simdjson::dom::parser parser;
    std::vector<char> padded; // the line plus SIMDJSON_PADDING readable bytes, reused

    int columnOf(std::string_view key, size_t hint) const {
        // Lines usually list fields in the order discovery saw them: the next column is the likely one.
        if (hint < columns.size() && firstOfName[hint] && columns[hint].name == key)
            return static_cast<int>(hint);
        const auto it = index.find(key);
        return it == index.end() ? -1 : it->second;
    }

    bool parse(std::string_view line, simdjson::dom::object& object) {
        if (padded.size() < line.size() + simdjson::SIMDJSON_PADDING)
            padded.resize(line.size() + simdjson::SIMDJSON_PADDING);
        std::memcpy(padded.data(), line.data(), line.size());
        return !parser.parse(padded.data(), line.size(), false).get(object);
    }

    bool fieldKinds(std::string_view line, std::vector<std::pair<std::string_view, Value::Kind>>& out) {
        using T = simdjson::dom::element_type;
        out.clear();
        simdjson::dom::object object;
        if (!parse(line, object))
            return false;
        for (auto field : object) {
            for (const auto& seen : out)
                if (seen.first == field.key)
                    return false;
            Value::Kind kind = Value::Kind::Json;
            switch (field.value.type()) {
            case T::INT64:
                kind = Value::Kind::Int;
                break;
            case T::UINT64: // simdjson says so above INT64_MAX only
            case T::DOUBLE:
                kind = Value::Kind::Real;
                break;
            case T::STRING:
                kind = Value::Kind::Text;
                break;
            case T::BOOL:
                kind = Value::Kind::Bool;
                break;
            case T::NULL_VALUE:
                kind = Value::Kind::Null;
                break;
            case T::ARRAY:
            case T::OBJECT:
                break;
            }
            out.emplace_back(field.key, kind);
        }
        return true;
    }

    bool decode(std::string_view line, Row& row) {
        simdjson::dom::object object;
        if (!parse(line, object))
            return false;
        size_t hint = 0;
        for (auto field : object) {
            const int c = columnOf(field.key, hint);
            if (c < 0)
                continue;
            hint = static_cast<size_t>(c) + 1;
            const Column& column = columns[static_cast<size_t>(c)];
            Value& out = row.values[static_cast<size_t>(c)];
            if (!read(field.value, out))
                return false;
            if (!row.changes.empty()) // a repeated key: only its last value counts, as in nlohmann's object
                std::erase_if(row.changes, [&](const FieldChange& f) { return f.field == column.name; });
            if (!coerceTo(column.type, out)) {
                out = Value{};
                row.changes.push_back(FieldChange{column.name});
            }
        }
        return true;
    }
};

JsonlRowDecoder::JsonlRowDecoder(std::vector<Column> columns) : m_impl(std::make_unique<Impl>()) {
    limitDepth(m_impl->parser);
    m_impl->columns = std::move(columns);
    for (size_t i = 0; i < m_impl->columns.size(); ++i)
        m_impl->firstOfName.push_back(
            m_impl->index.emplace(m_impl->columns[i].name, static_cast<int>(i)).second);
}

JsonlRowDecoder::~JsonlRowDecoder() = default;

bool JsonlRowDecoder::decode(std::string_view line, Row& row) {
    return m_impl->decode(line, row);
}

bool JsonlRowDecoder::fieldKinds(std::string_view line,
                                 std::vector<std::pair<std::string_view, Value::Kind>>& out) {
    return m_impl->fieldKinds(line, out);
}

} // namespace sluice::core
