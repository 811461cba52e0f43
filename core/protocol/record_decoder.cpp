#include "protocol/record_decoder.h"

#include "catalog/text_repair.h"
#include "protocol/json_scalar.h"
#include "util/json_text.h"

#include <cstring>
#include <nlohmann/json.hpp>
#include <simdjson.h>

namespace sluice::core::airbyte {

namespace {

// A field's Value, written in place; nested values are kept as simdjson's compact JSON text.
void readElement(simdjson::dom::element el, Value& out) {
    if (!readJsonScalar(el, out))
        out = Value::json(simdjson::minify(el));
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

    // The column of `key`, trying `hint` first because connectors usually write fields in schema order;
    // cols.size() when the configured stream has no such column.
    static size_t columnOf(const std::vector<Column>& cols, std::string_view key, size_t hint) {
        if (hint < cols.size() && cols[hint].name == key)
            return hint;
        for (size_t c = 0; c < cols.size(); ++c)
            if (cols[c].name == key)
                return c;
        return cols.size();
    }

    // Makes the value just stored in column `idx` fit the column's type, or NULL with a FieldChange.
    static void coerce(const std::vector<Column>& cols, size_t idx, Row& row) {
        if (!coerceTo(cols[idx].type, row.values[idx])) {
            row.changes.push_back({cols[idx].name});
            row.values[idx] = Value::null();
        }
    }

    // Puts `v` into its column (fields that are not columns of the configured stream are dropped).
    static void place(const std::vector<Column>& cols, std::string_view key, Value&& v, size_t& hint,
                      Row& row) {
        const size_t idx = columnOf(cols, key, hint);
        if (idx == cols.size())
            return;
        hint = idx + 1;
        row.values[idx] = std::move(v);
        coerce(cols, idx, row);
    }

    // A row of NULLs for the stream; a row the sink handed back keeps its buffers.
    void startRow(size_t stream, DecodedLine& out) {
        out.kind = DecodedLine::Kind::Record;
        out.stream = stream;
        Row& row = out.row;
        row.values.resize(streams[stream].columns.size());
        for (Value& v : row.values) {
            v.kind = Value::Kind::Null;
            v.i = 0;
            v.d = 0;
            v.s.clear();
        }
        row.changes.clear();
        row.extractedAtMs = 0;
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
        for (auto field : data) {
            const size_t idx = columnOf(cols, field.key, hint);
            if (idx == cols.size())
                continue;
            hint = idx + 1;
            readElement(field.value, out.row.values[idx]);
            coerce(cols, idx, out.row);
        }
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
    limitDepth(m_impl->parser);
    m_impl->streams = std::move(streams);
}

RecordDecoder::~RecordDecoder() = default;

void RecordDecoder::decode(std::string_view line, DecodedLine& out) {
    out.error.clear();
    if (m_impl->decodeRecord(line, out))
        return;
    // What simdjson refused: too deep (its limit is kMaxJsonDepth too), not UTF-8, or only nlohmann's.
    if (jsonTooDeep(line)) {
        out.kind = DecodedLine::Kind::TooDeep;
        out.error = "is " + jsonTooDeepText();
        return;
    }
    auto repaired = repairJsonUtf8(line, {"record", "data"});
    if (!repaired) {
        m_impl->decodeSlow(line, out);
        return;
    }
    if (!m_impl->decodeRecord(repaired->text, out))
        m_impl->decodeSlow(repaired->text, out);
    if (out.kind != DecodedLine::Kind::Record)
        return;
    const auto& cols = m_impl->streams[out.stream].columns;
    for (const auto& field : repaired->fields)
        if (const size_t idx = Impl::columnOf(cols, field, 0); idx < cols.size())
            noteReplacedBytes(out.row, cols[idx].name);
}

int RecordDecoder::streamIndex(std::string_view name, std::string_view ns) const {
    return m_impl->find(name, ns);
}

} // namespace sluice::core::airbyte
