#pragma once

#include "catalog/value.h"
#include "destinations/record_stamper.h"
#include "util/sqlite_db.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::core {

// The per-record metadata of the rows one statement writes. Bound with SQLITE_STATIC (no copy inside
// SQLite), so it lives here until the statement has stepped.
struct RowStamp {
    std::string rawId;
    std::string extractedAt;
    std::string changedMeta;           // only for rows with FieldChanges
    const std::string* meta = nullptr; // the stamper's shared change-free text, or changedMeta
};

// Stamps rows[first, first + count) into stamps[0, count).
void stampRows(RecordStamper& stamper, int64_t syncId, const std::vector<Row>& rows, size_t first,
               size_t count, std::vector<RowStamp>& stamps);

// One INSERT (or upsert) of a stream's rows with their four metadata columns. Besides the single-row
// statement it prepares one that takes many rows in its VALUES list: SQLite's per-statement work (opening
// the table's cursor, finding the last rowid, halting) then happens once per group of rows instead of once
// per row, which is most of what an insert costs beyond the binding.
class SqliteRowWriter {
public:
    // `singleRowSql` is an INSERT whose VALUES list is one group of columns + 4 placeholders; anything may
    // follow it (ON CONFLICT ...).
    Status prepare(Database& db, const std::string& singleRowSql, size_t columns);
    bool prepared() const { return m_one.handle() != nullptr; }
    // Drops the statements (a table is about to be renamed).
    void release();

    // Rows the many-row statement takes (1 when there is none).
    size_t rowsPerStatement() const { return m_perStatement; }

    // Writes rows[first, first + count) where count is 1 or rowsPerStatement(); false with SQLite's error in
    // the database when the statement failed.
    bool write(const std::vector<Row>& rows, size_t first, size_t count, const std::vector<RowStamp>& stamps,
               int64_t generation);

private:
    // What the four metadata parameters of one row slot are bound to.
    struct BoundMeta {
        const char* rawId = nullptr;
        const char* extractedAt = nullptr;
        const char* meta = nullptr;
        size_t rawIdSize = 0, extractedAtSize = 0, metaSize = 0;
        int64_t generation = 0;
        bool generationBound = false;
    };

    void bindRow(sqlite3_stmt* h, int base, const Row& row, const RowStamp& stamp, int64_t generation,
                 BoundMeta& bound) const;

    Statement m_one, m_many;
    std::vector<BoundMeta> m_boundOne, m_boundMany; // per row slot of each statement
    size_t m_columns = 0;
    size_t m_perStatement = 1;
};

} // namespace sluice::core
