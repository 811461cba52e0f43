#include "sources/http/http_page.h"

#include "util/json_text.h"
#include "util/logging.h"

#include <map>
#include <nlohmann/json.hpp>

namespace sluice::core {

// Ordered: discovered columns follow the order of first appearance in the records.
using json = nlohmann::ordered_json;

struct HttpPage::Data {
    json body;
    const json* records = nullptr; // the array inside body
};

namespace {
const json* at(const json& root, const std::string& dotPath) {
    const json* node = &root;
    size_t start = 0;
    while (start < dotPath.size()) {
        const size_t dot = std::min(dotPath.find('.', start), dotPath.size());
        const std::string key = dotPath.substr(start, dot - start);
        if (!node->is_object() || !node->contains(key))
            return nullptr;
        node = &(*node)[key];
        start = dot + 1;
    }
    return node;
}

const char* describe(const json& j) {
    switch (j.type()) {
    case json::value_t::object:
        return "an object";
    case json::value_t::array:
        return "an array";
    case json::value_t::string:
        return "a string";
    case json::value_t::null:
        return "null";
    case json::value_t::boolean:
        return "a boolean";
    default:
        return "a number";
    }
}

Value toValue(const json& j) {
    switch (j.type()) {
    case json::value_t::number_integer:
        return Value::integer(j.get<int64_t>());
    case json::value_t::number_unsigned:
        if (j.get<uint64_t>() <= static_cast<uint64_t>(INT64_MAX))
            return Value::integer(j.get<int64_t>());
        return Value::real(j.get<double>());
    case json::value_t::number_float:
        return Value::real(j.get<double>());
    case json::value_t::boolean:
        return Value::boolean(j.get<bool>());
    case json::value_t::string:
        return Value::text(j.get<std::string>());
    case json::value_t::object:
    case json::value_t::array:
        return Value::json(j.dump());
    default:
        return Value::null();
    }
}

std::optional<ColumnType> typeOf(const json& j) {
    if (j.is_null())
        return std::nullopt;
    if (j.is_number_integer())
        return ColumnType::Integer;
    if (j.is_number())
        return ColumnType::Number;
    if (j.is_boolean())
        return ColumnType::Boolean;
    if (j.is_string())
        return ColumnType::String;
    return ColumnType::Json;
}

ColumnType merge(ColumnType a, ColumnType b) {
    if (a == b)
        return a;
    const auto numeric = [](ColumnType t) { return t == ColumnType::Integer || t == ColumnType::Number; };
    if (numeric(a) && numeric(b))
        return ColumnType::Number;
    return ColumnType::String;
}
} // namespace

HttpPage::HttpPage(std::unique_ptr<Data> data) : m_data(std::move(data)) {}
HttpPage::HttpPage(HttpPage&&) noexcept = default;
HttpPage& HttpPage::operator=(HttpPage&&) noexcept = default;
HttpPage::~HttpPage() = default;

Result<HttpPage> HttpPage::parse(const std::string& body, const std::string& recordsPath,
                                 const std::string& url, bool* notJson) {
    auto data = std::make_unique<Data>();
    // Records are rendered with dump(), which recurses per level: a page nested too deep is refused unparsed.
    if (jsonTooDeep(body))
        return Error::config("http source: the response of " + url + " is " + jsonTooDeepText());
    data->body = json::parse(body, nullptr, false);
    if (data->body.is_discarded()) {
        if (notJson)
            *notJson = true;
        std::string start = body.substr(0, 120);
        return Error::config("http source: the response of " + url + " is not JSON (it starts with \"" +
                             redactSecrets(start) + "\")");
    }
    const json* records = at(data->body, recordsPath);
    const std::string where = recordsPath.empty() ? "the response" : "`" + recordsPath + "` in the response";
    if (!records)
        return Error::config("http source: there is no " + where + " of " + url + "; check `records_path`");
    if (!records->is_array())
        return Error::config("http source: " + where + " of " + url + " is " + describe(*records) +
                             ", not an array of records; check `records_path`");
    for (const auto& r : *records)
        if (!r.is_object())
            return Error::config("http source: " + where + " of " + url + " holds " + describe(r) +
                                 " where a record (an object) was expected");
    data->records = records;
    return HttpPage(std::move(data));
}

size_t HttpPage::size() const {
    return m_data->records->size();
}

Row HttpPage::row(size_t i, const std::vector<Column>& columns) const {
    const json& record = (*m_data->records)[i];
    Row row;
    row.values.reserve(columns.size());
    for (const Column& c : columns) {
        auto it = record.find(c.name);
        Value v = it == record.end() ? Value::null() : toValue(*it);
        if (!coerceTo(c.type, v)) {
            row.changes.push_back({c.name});
            v = Value::null();
        }
        row.values.push_back(std::move(v));
    }
    return row;
}

Value HttpPage::field(size_t i, const FieldPath& path) const {
    const json* node = &(*m_data->records)[i];
    for (const auto& key : path) {
        if (!node->is_object() || !node->contains(key))
            return Value::null();
        node = &(*node)[key];
    }
    return toValue(*node);
}

std::optional<std::string> HttpPage::token(const std::string& dotPath) const {
    const json* t = at(m_data->body, dotPath);
    if (!t || t->is_null())
        return std::nullopt;
    std::string text = t->is_string() ? t->get<std::string>() : (t->is_number() ? t->dump() : std::string());
    if (text.empty())
        return std::nullopt;
    return text;
}

std::vector<Column> HttpPage::inferColumns() const {
    std::vector<Column> columns;
    std::map<std::string, size_t> index;
    std::vector<bool> typed;
    for (const auto& record : *m_data->records)
        for (const auto& [key, value] : record.items()) {
            auto [it, fresh] = index.emplace(key, columns.size());
            if (fresh) {
                columns.push_back({key, ColumnType::String});
                typed.push_back(false);
            }
            const auto t = typeOf(value);
            if (!t)
                continue;
            Column& c = columns[it->second];
            c.type = typed[it->second] ? merge(c.type, *t) : *t;
            typed[it->second] = true;
        }
    return columns;
}

} // namespace sluice::core
