#include "destinations/table_layout.h"

#include "util/sql_ident.h"

namespace sluice::core {

std::string TableLayout::columnList() const {
    std::string out;
    for (const auto& c : columns)
        out += quoteIdent(c) + ",";
    for (const char* m : kMetaColumns)
        out += quoteIdent(m) + (m == kMetaColumns[3] ? "" : ",");
    return out;
}

std::string TableLayout::keyList() const {
    std::string out;
    for (int k : keyColumns)
        out += (out.empty() ? "" : ",") + quoteIdent(columns[static_cast<size_t>(k)]);
    return out;
}

std::string TableLayout::keyMatch(const std::string& a, const std::string& b,
                                  const std::string& nullSafeEquals) const {
    std::string out;
    for (int k : keyColumns) {
        const std::string c = quoteIdent(columns[static_cast<size_t>(k)]);
        out += (out.empty() ? "" : " AND ") + a + "." + c + " " + nullSafeEquals + " " + b + "." + c;
    }
    return out;
}

void TableLayout::assignRoles(const ResolvedStream& rs) {
    keyColumns.clear();
    for (const auto& pk : rs.primaryKey)
        if (!pk.empty())
            if (int i = rs.stream.columnIndex(pk[0]); i >= 0)
                keyColumns.push_back(i);
    cursorColumn = rs.cursorField.empty() ? -1 : rs.stream.columnIndex(rs.cursorField[0]);
    cdcColumn = rs.stream.columnIndex("_ab_cdc_deleted_at");
}

} // namespace sluice::core
