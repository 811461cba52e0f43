#pragma once

#include "catalog/stream.h"

#include <string>
#include <vector>

namespace sluice::core {

// The columns every final, history and staging table has after the stream's own (SPEC §3), in this order.
inline constexpr const char* kMetaColumns[] = {"_airbyte_raw_id", "_airbyte_extracted_at",
                                               "_airbyte_generation_id", "_airbyte_meta"};

// Where a stream's rows go during a job: straight into the final table, into history and the final table
// (dedupe), or into staging that replaces the final table when the stream completes.
enum class WriteTarget { Final, HistoryAndFinal, Staging };

// What every SQL destination derives alike from a stream: the three table names (SPEC §3-§4), the destination
// column names, and which columns are the key, the cursor and the CDC deletion marker.
//   "<table>"               the final table (typed columns + the four _airbyte_* columns)
//   "_airbyte_raw_<table>"  every delivered version, for dedupe streams (history)
//   "_airbyte_tmp_<table>"  staging for streams that replace older generations
// where <table> is the one the stream's connection owns in the destination: the stream's name after the
// connection's prefix, unless that name was taken (see planClaims). So no two connections share a staging
// table either.
// Each destination derives its own layout from this one (column types, SQL dialect, name rules).
struct TableLayout {
    std::string finalTable, historyTable, stagingTable;
    std::vector<std::string> columns; // destination column names, one per stream column
    std::vector<int> keyColumns;      // indexes into columns
    int cursorColumn = -1;
    int cdcColumn = -1; // _ab_cdc_deleted_at, when the stream has it

    // "c1","c2",...,"_airbyte_raw_id",... in table order.
    std::string columnList() const;
    // "k1","k2" in key order.
    std::string keyList() const;
    // a.k1 <op> b.k1 AND ... with the dialect's NULL-safe equality (`IS`, `IS NOT DISTINCT FROM`).
    std::string keyMatch(const std::string& a, const std::string& b, const std::string& nullSafeEquals) const;

protected:
    // Table names from the claimed table through `fit` (a dialect's identifier limit), and the key, cursor
    // and CDC roles; `columns` must be filled first, one per stream column.
    template <typename Fit>
    void assignNamesAndRoles(const std::string& table, const ResolvedStream& stream, Fit fit) {
        finalTable = fit(table);
        historyTable = fit("_airbyte_raw_" + table);
        stagingTable = fit("_airbyte_tmp_" + table);
        assignRoles(stream);
    }
    void assignRoles(const ResolvedStream& stream);
};

} // namespace sluice::core
