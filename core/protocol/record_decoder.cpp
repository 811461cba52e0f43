#include "protocol/record_decoder.h"

#include <cstring>
#include <nlohmann/json.hpp>
#include <simdjson.h>

namespace sluice::core::airbyte {

namespace {

Value valueFromElement(simdjson::dom::element el) {
    using T = simdjson::dom::element_type;
    switch (el.type()) {
    case T::INT64:
        return Value::integer(int64_t(el));
    case T::UINT64: {
        const uint64_t u = uint64_t(el);
        return u <= uint64_t(INT64_MAX) ? Value::integer(int64_t(u)) : Value::real(double(u));
    }
    case T::DOUBLE:
        return Value::real(double(el));
    case T::STRING:
        return Value::text(std::string(std::string_view(el)));
    case T::BOOL:
        return Value::boolean(bool(el));
    case T::NULL_VALUE:
        return Value::null();
    case T::ARRAY:
    case T::OBJECT:
        break;
    }
    return Value::json(simdjson::minify(el));
}

} // namespace

struct RecordDecoder::Impl {
    std::vector<DecoderStream> streams;
    simdjson::dom::parser parser;
    std::vector<char> padded; // the line plus SIMDJSON_PADDING, reused: parse() needs readable slack
    int lastStream = -1;      // records come in runs of one stream: the lookup is usually this one

    int find(std::string_view name, std::string_view ns) const {
        int loose = -1, looseCount = 0;
        for (size_t i = 0; i < streams.size(); ++i) {
            if (streams[i].name != name)
                continue;
            if (streams[i].ns == ns)
                return int(i);
            if (ns.empty() || streams[i].ns.empty()) {
                loose = int(i);
                ++looseCount;
            }
        }
        return looseCount == 1 ? loose : -1;
    }

    int lookup(std::string_view name, std::string_view ns) {
        if (lastStream >= 0 && streams[lastStream].name == name && streams[lastStream].ns == ns)
            return lastStream;
        const int i = find(name, ns);
        if (i >= 0)
            lastStream = i;
        return i;
    }

    // Puts `v` into its column: the index of `key` among the columns, trying `hint` first because
    // connectors usually write fields in schema order.
    static void place(const std::vector<Column>& cols, std::string_view key, Value&& v, size_t& hint,
                      Row& row) {
        size_t idx = hint < cols.size() && cols[hint].name == key ? hint : cols.size();
        if (idx == cols.size())
            for (size_t c = 0; c < cols.size(); ++c)
                if (cols[c].name == key) {
                    idx = c;
                    break;
                }
        if (idx == cols.size())
            return; // not a column of the configured stream: dropped
        hint = idx + 1;
        if (!coerceTo(cols[idx].type, v)) {
            row.changes.push_back({cols[idx].name});
            v = Value::null();
        }
        row.values[idx] = std::move(v);
    }

    void startRow(size_t stream, DecodedLine& out) {
        out.kind = DecodedLine::Kind::Record;
        out.stream = stream;
        out.row = Row{};
        out.row.values.resize(streams[stream].columns.size());
    }

    // The fast path; false when the line must take the slow path (not a well-formed RECORD for simdjson).
    bool decodeRecord(std::string_view line, DecodedLine& out) {
        if (padded.size() < line.size() + simdjson::SIMDJSON_PADDING)
            padded.resize(line.size() + simdjson::SIMDJSON_PADDING);
        std::memcpy(padded.data(), line.data(), line.size());
        std::memset(padded.data() + line.size(), 0, simdjson::SIMDJSON_PADDING);
        simdjson::dom::object msg, rec, data;
        std::string_view type, name, ns;
        if (parser.parse(padded.data(), line.size(), false).get(msg) || msg["type"].get(type) ||
            type != "RECORD" || msg["record"].get(rec) || rec["stream"].get(name) || rec["data"].get(data))
            return false;
        simdjson::dom::element nsField;
        if (!rec["namespace"].get(nsField) && !nsField.is_null() && nsField.get(ns))
            return false; // a namespace that is not a string: let the slow path say so
        const int s = lookup(name, ns);
        if (s < 0) {
            out.kind = DecodedLine::Kind::UndeclaredRecord;
            out.message.type = MessageType::Record;
            out.message.record.stream = {std::string(name), std::string(ns)};
            return true;
        }
        startRow(size_t(s), out);
        const auto& cols = streams[s].columns;
        size_t hint = 0;
        for (auto field : data)
            place(cols, field.key, valueFromElement(field.value), hint, out.row);
        return true;
    }

    void decodeSlow(std::string_view line, DecodedLine& out) {
        nlohmann::json j = nlohmann::json::parse(line.begin(), line.end(), nullptr, false);
        if (j.is_discarded()) {
            out.kind = DecodedLine::Kind::NotJson;
            out.error = "not JSON";
            return;
        }
        auto m = messageFromJson(j);
        if (!m) {
            out.kind = DecodedLine::Kind::Malformed;
            out.error = m.error().message;
            return;
        }
        out.message = std::move(*m);
        out.kind = DecodedLine::Kind::Message;
        if (out.message.type != MessageType::Record)
            return;
        const auto& d = out.message.record.stream;
        const int s = lookup(d.name, d.ns);
        if (s < 0) {
            out.kind = DecodedLine::Kind::UndeclaredRecord;
            return;
        }
        startRow(size_t(s), out);
        size_t hint = 0;
        for (const auto& [key, value] : j["record"]["data"].items())
            place(streams[s].columns, key, valueFromJson(value), hint, out.row);
    }
};

RecordDecoder::RecordDecoder(std::vector<DecoderStream> streams) : m_impl(std::make_unique<Impl>()) {
    m_impl->streams = std::move(streams);
}

RecordDecoder::~RecordDecoder() = default;

void RecordDecoder::decode(std::string_view line, DecodedLine& out) {
    out.error.clear();
    if (!m_impl->decodeRecord(line, out))
        m_impl->decodeSlow(line, out);
}

int RecordDecoder::streamIndex(std::string_view name, std::string_view ns) const {
    return m_impl->find(name, ns);
}

} // namespace sluice::core::airbyte
