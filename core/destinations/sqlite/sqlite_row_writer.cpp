#include "destinations/sqlite/sqlite_row_writer.h"

#include "util/time_util.h"

#include <sqlite3.h>

namespace sluice::core {

namespace {
// Parameters of the many-row statement: under SQLite's historic limit of 999, whatever the build's limit,
// and a program small enough to compile in no time. Beyond 64 rows nothing measurable is gained.
constexpr size_t kMaxParams = 999;
constexpr size_t kMaxRows = 64;

std::string placeholders(size_t n) {
    std::string group = "(";
    for (size_t i = 0; i < n; ++i)
        group += i ? ",?" : "?";
    return group + ")";
}
} // namespace

void stampRows(RecordStamper& stamper, int64_t syncId, const std::vector<Row>& rows, size_t first,
               size_t count, std::vector<RowStamp>& stamps) {
    if (stamps.size() < count)
        stamps.resize(count);
    for (size_t k = 0; k < count; ++k) {
        const Row& row = rows[first + k];
        RowStamp& st = stamps[k];
        stamper.uuid(st.rawId);
        st.extractedAt = stamper.extractedAt(row.extractedAtMs ? row.extractedAtMs : nowMillis());
        const std::string& meta = stamper.meta(syncId, row);
        if (row.changes.empty()) {
            st.meta = &meta; // the stamper's change-free text stays put for the whole sync
        } else {
            st.changedMeta = meta;
            st.meta = &st.changedMeta;
        }
    }
}

Status SqliteRowWriter::prepare(Database& db, const std::string& singleRowSql, size_t columns) {
    release();
    m_columns = columns;
    auto one = db.prepare(singleRowSql);
    if (!one)
        return one.error();
    m_one = std::move(one.value());
    m_boundOne.assign(1, BoundMeta{});
    const size_t params = columns + 4;
    const size_t rows = std::min(kMaxRows, kMaxParams / params);
    const std::string group = placeholders(params);
    const std::string values = " VALUES " + group;
    const size_t at = singleRowSql.find(values);
    if (rows < 2 || at == std::string::npos)
        return {}; // a very wide stream (or an unexpected statement): one row at a time still works
    std::string many = singleRowSql.substr(0, at + values.size());
    many.reserve(singleRowSql.size() + rows * (group.size() + 1));
    for (size_t r = 1; r < rows; ++r)
        many += "," + group;
    many += singleRowSql.substr(at + values.size());
    auto st = db.prepare(many);
    if (!st)
        return st.error();
    m_many = std::move(st.value());
    m_boundMany.assign(rows, BoundMeta{});
    m_perStatement = rows;
    return {};
}

void SqliteRowWriter::release() {
    m_one = Statement();
    m_many = Statement();
    m_boundOne.clear();
    m_boundMany.clear();
    m_perStatement = 1;
}

void SqliteRowWriter::bindRow(sqlite3_stmt* h, int base, const Row& row, const RowStamp& stamp,
                              int64_t generation, BoundMeta& bound) const {
    const size_t n = m_columns;
    for (size_t i = 0; i < n; ++i) {
        const int idx = base + static_cast<int>(i);
        if (i >= row.values.size()) {
            sqlite3_bind_null(h, idx);
            continue;
        }
        const Value& v = row.values[i];
        switch (v.kind) {
        case Value::Kind::Null:
            sqlite3_bind_null(h, idx);
            break;
        case Value::Kind::Int:
        case Value::Kind::Bool:
            sqlite3_bind_int64(h, idx, v.i);
            break;
        case Value::Kind::Real:
            sqlite3_bind_double(h, idx, v.d);
            break;
        case Value::Kind::Text:
        case Value::Kind::Json:
            sqlite3_bind_text(h, idx, v.s.data(), static_cast<int>(v.s.size()), SQLITE_STATIC);
            break;
        }
    }
    // SQLite reads a SQLITE_STATIC text when the statement steps, and a reset keeps the bindings: a slot's
    // stamp buffers that are still bound (same address and length, new content) need no new bind. That
    // saves four of a row's binds, a bind costing about as much as inserting a column.
    const int m = base + static_cast<int>(n);
    const auto text = [h](int idx, const std::string& v, const char*& ptr, size_t& size) {
        if (ptr == v.data() && size == v.size())
            return;
        sqlite3_bind_text(h, idx, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
        ptr = v.data();
        size = v.size();
    };
    text(m, stamp.rawId, bound.rawId, bound.rawIdSize);
    text(m + 1, stamp.extractedAt, bound.extractedAt, bound.extractedAtSize);
    if (!bound.generationBound || bound.generation != generation) {
        sqlite3_bind_int64(h, m + 2, generation);
        bound.generation = generation;
        bound.generationBound = true;
    }
    text(m + 3, *stamp.meta, bound.meta, bound.metaSize);
}

bool SqliteRowWriter::write(const std::vector<Row>& rows, size_t first, size_t count,
                            const std::vector<RowStamp>& stamps, int64_t generation) {
    const bool many = count > 1;
    if (many && count != m_perStatement)
        return false;
    sqlite3_stmt* h = many ? m_many.handle() : m_one.handle();
    std::vector<BoundMeta>& bound = many ? m_boundMany : m_boundOne;
    const int params = static_cast<int>(m_columns) + 4;
    for (size_t k = 0; k < count; ++k)
        bindRow(h, 1 + static_cast<int>(k) * params, rows[first + k], stamps[k], generation, bound[k]);
    const int rc = sqlite3_step(h);
    sqlite3_reset(h);
    return rc == SQLITE_DONE;
}

} // namespace sluice::core
