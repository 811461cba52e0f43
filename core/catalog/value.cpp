#include "catalog/value.h"

#include "util/json_text.h"

#include <nlohmann/json.hpp>

#include <charconv>
#include <cmath>
#include <cstring>

namespace sluice::core {

const char* toString(ColumnType t) {
    switch (t) {
    case ColumnType::String:
        return "string";
    case ColumnType::Integer:
        return "integer";
    case ColumnType::Number:
        return "number";
    case ColumnType::Boolean:
        return "boolean";
    case ColumnType::Json:
        return "json";
    }
    return "string";
}

const char* jsonSchemaType(ColumnType t) {
    switch (t) {
    case ColumnType::String:
        return "string";
    case ColumnType::Integer:
        return "integer";
    case ColumnType::Number:
        return "number";
    case ColumnType::Boolean:
        return "boolean";
    case ColumnType::Json:
        return "object";
    }
    return "string";
}

bool Value::operator==(const Value& o) const { return compare(o) == 0 && (kind == Kind::Null) == (o.kind == Kind::Null); }

namespace {
int rank(Value::Kind k) {
    switch (k) {
    case Value::Kind::Null:
        return 0;
    case Value::Kind::Int:
    case Value::Kind::Real:
    case Value::Kind::Bool:
        return 1;
    case Value::Kind::Text:
        return 2;
    case Value::Kind::Json:
        return 3;
    }
    return 0;
}
} // namespace

int Value::compare(const Value& o) const {
    const int ra = rank(kind), rb = rank(o.kind);
    if (ra != rb)
        return ra < rb ? -1 : 1;
    if (ra == 0)
        return 0;
    if (ra == 1) {
        if (kind != Kind::Real && o.kind != Kind::Real)
            return i < o.i ? -1 : (i > o.i ? 1 : 0);
        const double a = kind == Kind::Real ? d : static_cast<double>(i);
        const double b = o.kind == Kind::Real ? o.d : static_cast<double>(o.i);
        return a < b ? -1 : (a > b ? 1 : 0);
    }
    const int c = s.compare(o.s);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

std::string Value::toJson() const {
    switch (kind) {
    case Kind::Null:
        return "null";
    case Kind::Int:
        return std::to_string(i);
    case Kind::Bool:
        return i ? "true" : "false";
    case Kind::Real:
        if (!std::isfinite(d))
            return "null";
        return nlohmann::json(d).dump();
    case Kind::Text:
        // Sources repair their text (text_repair.h); should bytes that are not UTF-8 still get here, the
        // JSON (a state, a CLI answer) carries U+FFFD instead of nlohmann throwing type_error 316.
        return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    case Kind::Json:
        return s;
    }
    return "null";
}

std::string Value::toDisplay() const {
    if (kind == Kind::Text || kind == Kind::Json)
        return s;
    if (kind == Kind::Null)
        return {};
    return toJson();
}

namespace {
bool parseInt(std::string_view t, int64_t& out) {
    if (t.empty())
        return false;
    const char* b = t.data();
    const char* e = b + t.size();
    if (*b == '+')
        ++b;
    auto [p, ec] = std::from_chars(b, e, out);
    return ec == std::errc() && p == e;
}

bool parseDouble(std::string_view t, double& out) {
    if (t.empty())
        return false;
    const char* b = t.data();
    const char* e = b + t.size();
    if (*b == '+')
        ++b;
    auto [p, ec] = std::from_chars(b, e, out);
    return ec == std::errc() && p == e && std::isfinite(out);
}

bool parseBool(std::string_view t, bool& out) {
    if (t == "true" || t == "TRUE" || t == "True") {
        out = true;
        return true;
    }
    if (t == "false" || t == "FALSE" || t == "False") {
        out = false;
        return true;
    }
    return false;
}
} // namespace

bool parseAs(ColumnType type, std::string_view text, Value& out) {
    // Written into `out` in place, so that a reused row keeps its strings' buffers: no allocation per cell.
    // `out` is left as it was when the text does not fit.
    const auto set = [&out](Value::Kind kind, int64_t i, double d) {
        out.kind = kind;
        out.i = i;
        out.d = d;
        out.s.clear();
    };
    switch (type) {
    case ColumnType::String:
        out.assignText(text);
        return true;
    case ColumnType::Integer: {
        int64_t v;
        if (!parseInt(text, v))
            return false;
        set(Value::Kind::Int, v, 0);
        return true;
    }
    case ColumnType::Number: {
        double v;
        if (!parseDouble(text, v))
            return false;
        set(Value::Kind::Real, 0, v);
        return true;
    }
    case ColumnType::Boolean: {
        bool v;
        if (!parseBool(text, v))
            return false;
        set(Value::Kind::Bool, v ? 1 : 0, 0);
        return true;
    }
    case ColumnType::Json: {
        // Text that is no JSON Sluice can hold (not JSON, not UTF-8, nested too deep to render safely) is
        // kept as a JSON string.
        if (!jsonTooDeep(text)) {
            auto parsed = nlohmann::json::parse(text, nullptr, false);
            if (!parsed.is_discarded()) {
                out = Value::json(parsed.dump());
                return true;
            }
        }
        out = Value::json(
            nlohmann::json(std::string(text)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
        return true;
    }
    }
    return false;
}

bool coerceTo(ColumnType type, Value& v) {
    if (v.kind == Value::Kind::Null)
        return true;
    switch (type) {
    case ColumnType::String:
        if (v.kind != Value::Kind::Text) {
            std::string s = v.kind == Value::Kind::Json ? v.s : v.toJson();
            v = Value::text(std::move(s));
        }
        return true;
    case ColumnType::Integer:
        if (v.kind == Value::Kind::Int)
            return true;
        if (v.kind == Value::Kind::Real && std::floor(v.d) == v.d && std::fabs(v.d) < 9.2e18) {
            v = Value::integer(static_cast<int64_t>(v.d));
            return true;
        }
        if (v.kind == Value::Kind::Text) {
            int64_t x;
            if (parseInt(v.s, x)) {
                v = Value::integer(x);
                return true;
            }
        }
        return false;
    case ColumnType::Number:
        if (v.kind == Value::Kind::Real)
            return true;
        if (v.kind == Value::Kind::Int) {
            v = Value::real(static_cast<double>(v.i));
            return true;
        }
        if (v.kind == Value::Kind::Text) {
            double x;
            if (parseDouble(v.s, x)) {
                v = Value::real(x);
                return true;
            }
        }
        return false;
    case ColumnType::Boolean:
        if (v.kind == Value::Kind::Bool)
            return true;
        if (v.kind == Value::Kind::Text) {
            bool b;
            if (parseBool(v.s, b)) {
                v = Value::boolean(b);
                return true;
            }
        }
        return false;
    case ColumnType::Json:
        if (v.kind != Value::Kind::Json)
            v = Value::json(v.toJson());
        return true;
    }
    return false;
}

} // namespace sluice::core
