#include "sources/cursor_filter.h"

#include <charconv>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace sluice::core {

using nlohmann::json;

uint64_t hashRecord(std::string_view bytes) {
    uint64_t h = 1469598103934665603ULL;
    for (unsigned char c : bytes) {
        h ^= c;
        h *= 1099511628211ULL;
    }
    return h;
}

uint64_t hashValues(const std::vector<Value>& values) {
    std::string bytes;
    bytes.reserve(256);
    char buf[32];
    for (const Value& v : values) {
        bytes += static_cast<char>('0' + static_cast<int>(v.kind));
        switch (v.kind) {
        case Value::Kind::Int:
        case Value::Kind::Bool:
            bytes.append(buf, std::to_chars(buf, buf + sizeof buf, v.i).ptr);
            break;
        case Value::Kind::Real:
            bytes.append(buf, std::to_chars(buf, buf + sizeof buf, v.d).ptr);
            break;
        case Value::Kind::Text:
        case Value::Kind::Json:
            bytes += v.s;
            break;
        case Value::Kind::Null:
            break;
        }
        bytes += '\x1f';
    }
    return hashRecord(bytes);
}

namespace {
std::string hex(uint64_t v) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
    return buf;
}

json toJ(const Value& v) {
    return json::parse(v.toJson());
}

std::optional<Value> fromJ(const json& j) {
    if (j.is_number_integer())
        return Value::integer(j.get<int64_t>());
    if (j.is_number())
        return Value::real(j.get<double>());
    if (j.is_string())
        return Value::text(j.get<std::string>());
    if (j.is_boolean())
        return Value::boolean(j.get<bool>());
    if (j.is_null())
        return std::nullopt;
    return Value::json(j.dump());
}

void readHashes(const json& arr, std::set<uint64_t>& out) {
    if (!arr.is_array())
        return;
    for (const auto& h : arr)
        if (h.is_string())
            out.insert(std::stoull(h.get<std::string>(), nullptr, 16));
}

json hashes(const std::set<uint64_t>& s) {
    json a = json::array();
    for (auto h : s)
        a.push_back(hex(h));
    return a;
}
} // namespace

std::string cursorToJson(const Value& v) {
    return v.toJson();
}

std::optional<Value> cursorFromJson(const std::string& text) {
    try {
        return fromJ(json::parse(text));
    } catch (const json::exception&) {
        return std::nullopt;
    }
}

CursorFilter::CursorFilter(const std::string& stateJson) {
    if (stateJson.empty())
        return;
    json s;
    try {
        s = json::parse(stateJson);
    } catch (const json::exception&) {
        return;
    }
    if (!s.is_object())
        return;
    if (s.contains("cursor"))
        m_low = fromJ(s["cursor"]);
    if (s.contains("boundary"))
        readHashes(s["boundary"], m_lowBoundary);
    if (s.contains("position") && !s["position"].is_null())
        m_position = s["position"].dump();
    if (s.contains("run_max"))
        m_runMax = fromJ(s["run_max"]);
    if (s.contains("run_boundary"))
        readHashes(s["run_boundary"], m_runBoundary);
}

CursorFilter::CursorFilter(const StreamReadSpec& spec)
    : CursorFilter(spec.backfill ? std::string() : spec.stateJson) {
    if (spec.backfill) {
        // A backfill reads its range from the start: the state's cursor and position do not apply.
        m_range = spec.backfill;
        m_readFrom = m_range->from;
        return;
    }
    if (spec.stream.lookback && m_low) {
        auto bound = lookbackBound(*m_low, *spec.stream.lookback);
        if (bound)
            m_readFrom = std::move(bound.value());
        else
            m_problem = "stream `" + spec.stream.stream.name + "`: " + bound.error().message;
    }
}

bool CursorFilter::offer(const Value& cursor, uint64_t recordHash) {
    m_lastReread = false;
    if (m_range) {
        return !cursor.isNull() && compareCursors(cursor, m_range->from) >= 0 &&
               (!m_range->to || compareCursors(cursor, *m_range->to) <= 0);
    }
    if (cursor.isNull())
        return !m_low.has_value();
    bool pass = true;
    if (m_low) {
        const int c = cursor.compare(*m_low);
        pass = c > 0 || (c == 0 && !m_lowBoundary.count(recordHash));
        if (m_readFrom && !pass && cursor.compare(*m_readFrom) >= 0) {
            pass = true; // within the lookback: read again
            m_lastReread = true;
        } else if (c < 0) {
            return false;
        }
    }
    if (!m_runMax || cursor.compare(*m_runMax) > 0) {
        m_runMax = cursor;
        m_runBoundary.clear();
        m_runBoundary.insert(recordHash);
    } else if (cursor.compare(*m_runMax) == 0) {
        m_runBoundary.insert(recordHash);
    }
    return pass;
}

std::string CursorFilter::checkpoint(const std::string& positionJson) const {
    json s = json::object();
    if (m_low) {
        s["cursor"] = toJ(*m_low);
        s["boundary"] = hashes(m_lowBoundary);
    }
    s["position"] = json::parse(positionJson);
    if (m_runMax) {
        s["run_max"] = toJ(*m_runMax);
        s["run_boundary"] = hashes(m_runBoundary);
    }
    return s.dump();
}

std::string CursorFilter::finalState() const {
    json s = json::object();
    if (!m_runMax && !m_low)
        return s.dump();
    if (m_runMax && (!m_low || m_runMax->compare(*m_low) > 0)) {
        s["cursor"] = toJ(*m_runMax);
        s["boundary"] = hashes(m_runBoundary);
    } else {
        std::set<uint64_t> merged = m_lowBoundary;
        if (m_runMax && m_runMax->compare(*m_low) == 0)
            merged.insert(m_runBoundary.begin(), m_runBoundary.end());
        s["cursor"] = toJ(*m_low);
        s["boundary"] = hashes(merged);
    }
    return s.dump();
}

} // namespace sluice::core
