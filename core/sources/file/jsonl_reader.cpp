#include "sources/file/jsonl_reader.h"

#include "util/json_text.h"

#include <limits>
#include <nlohmann/json.hpp>

namespace sluice::core {

namespace {
bool isBlank(std::string_view s) {
    return s.find_first_not_of(" \t\r\f\v") == std::string_view::npos;
}

const char* typeName(const nlohmann::ordered_json& v) {
    // nlohmann says "number" for integers too; users think of "1" and "[1]" as different mistakes.
    return v.is_array()     ? "an array"
           : v.is_string()  ? "a string"
           : v.is_boolean() ? "a boolean"
           : v.is_null()    ? "null"
                            : "a number";
}

// nlohmann's messages start with "[json.exception.parse_error.101] parse error at line 1, column 7: ";
// the line is always 1 here (one document per line), so only the column and the reason are kept.
std::string parseErrorText(const nlohmann::ordered_json::parse_error& e) {
    std::string what = e.what();
    const size_t colon = what.find(": ");
    const std::string reason = colon == std::string::npos ? what : what.substr(colon + 2);
    return "not valid JSON at column " + std::to_string(e.byte) + ": " + reason;
}
} // namespace

JsonlReader::JsonlReader(size_t bufferSize) : m_file(bufferSize) {}

Status JsonlReader::open(const std::string& path) {
    m_line = 1;
    SLUICE_TRY(m_file.open(path));
    return m_file.skipBom();
}

Status JsonlReader::seek(int64_t offset, int64_t line) {
    if (offset != m_file.position())
        SLUICE_TRY(m_file.seek(offset));
    m_line = line;
    return {};
}

Result<bool> JsonlReader::next(nlohmann::ordered_json& object) {
    auto got = nextLine();
    if (!got.ok() || !*got)
        return got;
    SLUICE_TRY(parse(object));
    return true;
}

Result<bool> JsonlReader::nextLine() {
    for (;;) {
        std::string_view line;
        int64_t offset = 0;
        auto got = m_file.nextLine(line, offset);
        if (!got.ok() || !*got)
            return got;
        const int64_t lineNo = m_line++;
        if (isBlank(line))
            continue;
        m_record.offset = offset;
        m_record.line = lineNo;
        m_record.raw = m_record.text = line;
        m_record.replacedFields.clear();
        return true;
    }
}

bool JsonlReader::repairText() {
    if (m_record.text.data() != m_record.raw.data())
        return false; // repaired already
    auto repaired = repairJsonUtf8(m_record.raw);
    if (!repaired)
        return false;
    m_repaired = std::move(repaired->text);
    m_record.text = m_repaired;
    m_record.replacedFields = std::move(repaired->fields);
    return true;
}

Status JsonlReader::parse(nlohmann::ordered_json& object) const {
    const auto where = [this] { return m_file.path() + ":" + std::to_string(m_record.line) + ": "; };
    // nlohmann parses without recursion, but renders, copies and compares with it: a record of 100,000
    // nested arrays parsed fine and then overflowed the stack.
    if (jsonTooDeep(m_record.text))
        return Error::transient(where() + "the record is " + jsonTooDeepText());
    try {
        object = nlohmann::ordered_json::parse(m_record.text.begin(), m_record.text.end());
    } catch (const nlohmann::ordered_json::parse_error& e) {
        return Error::transient(where() + parseErrorText(e));
    } catch (const nlohmann::ordered_json::exception& e) {
        // A number beyond a double (1e400) is JSON, but no value Sluice can hold: found by fuzzing.
        const std::string what = e.what();
        return Error::transient(where() + "not valid JSON: " + what.substr(what.find(']') + 2));
    }
    if (!object.is_object())
        return Error::transient(where() + "expected a JSON object, found " + typeName(object));
    return {};
}

Value::Kind jsonKind(const nlohmann::ordered_json& v) {
    using Json = nlohmann::ordered_json;
    switch (v.type()) {
    case Json::value_t::null:
    case Json::value_t::discarded:
        return Value::Kind::Null;
    case Json::value_t::boolean:
        return Value::Kind::Bool;
    case Json::value_t::number_integer:
        return Value::Kind::Int;
    case Json::value_t::number_unsigned:
        return v.get<uint64_t>() <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())
                   ? Value::Kind::Int
                   : Value::Kind::Real;
    case Json::value_t::number_float:
        return Value::Kind::Real;
    case Json::value_t::string:
        return Value::Kind::Text;
    default:
        return Value::Kind::Json;
    }
}

Value jsonToValue(const nlohmann::ordered_json& v) {
    switch (jsonKind(v)) {
    case Value::Kind::Null:
        return Value::null();
    case Value::Kind::Bool:
        return Value::boolean(v.get<bool>());
    case Value::Kind::Int:
        return Value::integer(v.get<int64_t>());
    case Value::Kind::Real:
        return Value::real(v.get<double>());
    case Value::Kind::Text:
        return Value::text(v.get<std::string>());
    case Value::Kind::Json:
        break;
    }
    return Value::json(v.dump());
}

} // namespace sluice::core
