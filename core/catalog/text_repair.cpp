#include "catalog/text_repair.h"

#include "util/utf8.h"

#include <algorithm>

namespace sluice::core {

FieldChange replacedBytesChange(std::string field) {
    return FieldChange{std::move(field), "TRUNCATED", "SOURCE_SERIALIZATION_ERROR"};
}

bool repairText(Value& v) {
    if (v.kind != Value::Kind::Text && v.kind != Value::Kind::Json)
        return false;
    return repairUtf8(v.s);
}

void noteReplacedBytes(Row& row, const std::string& field) {
    const bool listed = std::any_of(row.changes.begin(), row.changes.end(),
                                    [&](const FieldChange& c) { return c.field == field; });
    if (!listed)
        row.changes.push_back(replacedBytesChange(field));
}

void repairRowText(Row& row, const std::vector<Column>& columns) {
    for (size_t i = 0; i < row.values.size(); ++i)
        if (repairText(row.values[i]))
            noteReplacedBytes(row, i < columns.size() ? columns[i].name : "column " + std::to_string(i + 1));
}

} // namespace sluice::core
