#include "sources/file/schema_inference.h"

#include "sources/file/csv_reader.h"
#include "sources/file/jsonl_reader.h"
#include "sources/file/jsonl_row_decoder.h"

#include <nlohmann/json.hpp>
#include <unordered_map>

namespace sluice::core {

void TypeVote::add(Value::Kind kind) {
    if (kind != Value::Kind::Null)
        m_seen |= bit(kind);
}

ColumnType TypeVote::type() const {
    const uint8_t numbers = bit(Value::Kind::Int) | bit(Value::Kind::Real);
    if (m_seen == 0)
        return ColumnType::String;
    if (m_seen == bit(Value::Kind::Int))
        return ColumnType::Integer;
    if ((m_seen & ~numbers) == 0)
        return ColumnType::Number;
    if (m_seen == bit(Value::Kind::Bool))
        return ColumnType::Boolean;
    if (m_seen == bit(Value::Kind::Json))
        return ColumnType::Json;
    return ColumnType::String;
}

Value::Kind classifyCell(std::string_view cell) {
    if (cell.empty())
        return Value::Kind::Null;
    // parseAs is what read() applies later, so a column inferred as integer reads back without losses.
    Value v;
    if (parseAs(ColumnType::Integer, cell, v))
        return Value::Kind::Int;
    if (parseAs(ColumnType::Number, cell, v))
        return Value::Kind::Real;
    if (parseAs(ColumnType::Boolean, cell, v))
        return Value::Kind::Bool;
    return Value::Kind::Text;
}

Result<std::vector<Column>> inferCsvColumns(const std::string& path, size_t limit) {
    CsvReader reader;
    SLUICE_TRY(reader.open(path));
    std::vector<TypeVote> votes(reader.header().size());
    for (size_t n = 0; n < limit; ++n) {
        auto got = reader.next();
        if (!got.ok())
            return got.error();
        if (!*got)
            break;
        const auto& fields = reader.record().fields;
        for (size_t i = 0; i < fields.size(); ++i)
            if (!votes[i].sawText()) // text already decided the column: skip the parsing
                votes[i].add(classifyCell(fields[i]));
    }
    std::vector<Column> columns;
    for (size_t i = 0; i < votes.size(); ++i)
        columns.push_back({reader.header()[i], votes[i].type()});
    return columns;
}

Result<std::vector<Column>> inferJsonlColumns(const std::string& path, size_t limit) {
    JsonlReader reader;
    SLUICE_TRY(reader.open(path));
    std::vector<std::string> order;
    std::unordered_map<std::string, TypeVote> votes;
    const auto vote = [&](std::string key, Value::Kind kind) {
        auto [it, added] = votes.try_emplace(key);
        if (added)
            order.push_back(std::move(key));
        it->second.add(kind);
    };
    JsonlRowDecoder fast({}); // simdjson where it vouches for the line, nlohmann otherwise
    std::vector<std::pair<std::string_view, Value::Kind>> kinds;
    nlohmann::ordered_json object;
    for (size_t n = 0; n < limit; ++n) {
        auto got = reader.nextLine();
        if (!got.ok())
            return got.error();
        if (!*got)
            break;
        // Keys with bytes that are not UTF-8 name their columns with U+FFFD, as reading them does.
        if (fast.fieldKinds(reader.record().text, kinds) ||
            (reader.repairText() && fast.fieldKinds(reader.record().text, kinds))) {
            for (const auto& [key, kind] : kinds)
                vote(std::string(key), kind);
            continue;
        }
        SLUICE_TRY(reader.parse(object));
        for (const auto& [key, value] : object.items())
            vote(key, jsonKind(value));
    }
    std::vector<Column> columns;
    for (const auto& name : order)
        columns.push_back({name, votes[name].type()});
    return columns;
}

} // namespace sluice::core
