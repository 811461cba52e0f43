#include "destinations/generation_diff.h"

#include "util/cancel_scope.h"

namespace sluice::core {

std::string rowKey(const std::vector<Value>& values, const std::vector<int>& keyColumns) {
    std::string key;
    for (int k : keyColumns)
        key += values[static_cast<size_t>(k)].toJson() + "\x1f";
    return key;
}

GenerationDiff diffGenerations(const StreamInfo& stream, const std::vector<int>& keyColumns,
                               const KeyedRows& before, const KeyedRows& after) {
    GenerationDiff out;
    auto rowData = [&](const std::vector<Value>& v) {
        RowData r;
        for (size_t i = 0; i < v.size(); ++i)
            r.emplace_back(stream.columns[i].name, v[i]);
        return r;
    };
    const int cdc = stream.columnIndex("_ab_cdc_deleted_at");
    auto isDeleted = [cdc](const std::vector<Value>& v) {
        return cdc >= 0 && static_cast<size_t>(cdc) < v.size() && !v[static_cast<size_t>(cdc)].isNull();
    };
    for (const auto& [key, v] : after) {
        auto it = before.find(key);
        if (isDeleted(v)) {
            // A tombstone: deleted now, unless it was deleted already (then nothing happened to it).
            if (it == before.end() || !isDeleted(it->second))
                out.deleted.push_back(rowData(v));
            continue;
        }
        if (it == before.end()) {
            out.added.push_back(rowData(v));
            continue;
        }
        ChangedRow change;
        for (int k : keyColumns)
            change.key.emplace_back(stream.columns[static_cast<size_t>(k)].name, v[static_cast<size_t>(k)]);
        for (size_t i = 0; i < v.size(); ++i)
            if (!(v[i] == it->second[i]) || v[i].isNull() != it->second[i].isNull())
                change.fields.push_back({stream.columns[i].name, it->second[i], v[i]});
        if (!change.fields.empty())
            out.changed.push_back(std::move(change));
    }
    for (const auto& [key, v] : before)
        if (!after.count(key))
            out.removed.push_back(rowData(v));
    return out;
}

Result<GenerationDiff> diffGenerations(const StreamInfo& stream, const std::vector<int>& keyColumns,
                                       int64_t from, int64_t to, const GenerationLoader& load) {
    auto before = load(from);
    if (!before)
        return before.error();
    // A destination whose reads cannot be interrupted (PostgreSQL) still stops between the two.
    if (CancelScope::requested())
        return Error::cancelled();
    auto after = load(to);
    if (!after)
        return after.error();
    if (CancelScope::requested())
        return Error::cancelled();
    return diffGenerations(stream, keyColumns, before.value(), after.value());
}

} // namespace sluice::core
