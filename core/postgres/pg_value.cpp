#include "postgres/pg_value.h"

#include "util/utf8.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <nlohmann/json.hpp>

namespace sluice::core {

Value valueFromPgText(ColumnType type, std::string_view text) {
    const char* b = text.data();
    const char* e = b + text.size();
    switch (type) {
    case ColumnType::Integer: {
        int64_t v = 0;
        auto [p, ec] = std::from_chars(b, e, v);
        if (ec == std::errc() && p == e)
            return Value::integer(v);
        break;
    }
    case ColumnType::Number: {
        double v = 0;
        auto [p, ec] = std::from_chars(b, e, v);
        if (ec == std::errc() && p == e && std::isfinite(v))
            return Value::real(v);
        break; // NaN, Infinity or beyond a double: text, which a number column then refuses
    }
    case ColumnType::Boolean:
        if (text == "t" || text == "f")
            return Value::boolean(text == "t");
        break;
    case ColumnType::Json:
        return Value::json(std::string(text));
    case ColumnType::String:
        break;
    }
    return Value::text(std::string(text));
}

namespace {
// PostgreSQL's text: UTF-8 (the connection's client_encoding) without NUL, which no text type can hold.
bool pgText(std::string_view s) {
    return s.find('\0') == std::string_view::npos && isValidUtf8(s);
}
} // namespace

bool pgAccepts(ColumnType type, const Value& v) {
    switch (v.kind) {
    case Value::Kind::Null:
        return true;
    case Value::Kind::Int:
        return type == ColumnType::Integer;
    case Value::Kind::Real:
        return type == ColumnType::Number;
    case Value::Kind::Bool:
        return type == ColumnType::Boolean;
    case Value::Kind::Text:
        return type == ColumnType::String && pgText(v.s);
    case Value::Kind::Json:
        return type == ColumnType::Json && pgText(v.s) && v.s.find("\\u0000") == std::string::npos &&
               nlohmann::json::accept(v.s);
    }
    return false;
}

void appendCopyText(std::string& out, std::string_view text) {
    size_t start = 0;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        const char esc = c == '\\' ? '\\' : c == '\n' ? 'n' : c == '\r' ? 'r' : c == '\t' ? 't' : 0;
        if (!esc)
            continue;
        out.append(text.data() + start, i - start);
        out += '\\';
        out += esc;
        start = i + 1;
    }
    out.append(text.data() + start, text.size() - start);
}

void appendCopyField(std::string& out, const Value& v) {
    char buf[32];
    switch (v.kind) {
    case Value::Kind::Null:
        out += "\\N";
        return;
    case Value::Kind::Int:
        out.append(buf, std::to_chars(buf, buf + sizeof buf, v.i).ptr);
        return;
    case Value::Kind::Bool:
        out += v.i ? 't' : 'f';
        return;
    case Value::Kind::Real:
        if (std::isnan(v.d))
            out += "NaN";
        else if (std::isinf(v.d))
            out += v.d > 0 ? "Infinity" : "-Infinity";
        else
            out.append(buf, std::to_chars(buf, buf + sizeof buf, v.d).ptr);
        return;
    case Value::Kind::Text:
    case Value::Kind::Json:
        appendCopyText(out, v.s);
        return;
    }
}

} // namespace sluice::core
