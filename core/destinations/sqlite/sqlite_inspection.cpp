// Read-only questions about generations, answered from the destination tables themselves.
#include "destinations/generation_diff.h"
#include "destinations/row_prefetch.h"
#include "destinations/sqlite/sqlite_destination.h"
#include "destinations/sqlite/sqlite_table_names.h"

#include <sqlite3.h>

namespace sluice::core {

namespace {
Value columnValue(Statement& st, int col, ColumnType type) {
    switch (st.columnType(col)) {
    case SQLITE_NULL:
        return Value::null();
    case SQLITE_INTEGER:
        return type == ColumnType::Boolean ? Value::boolean(st.getInt(col) != 0)
                                           : Value::integer(st.getInt(col));
    case SQLITE_FLOAT:
        return Value::real(st.getDouble(col));
    default:
        return type == ColumnType::Json ? Value::json(st.getText(col)) : Value::text(st.getText(col));
    }
}

// columnValue into a recycled Value: a diff reads every stored row, and its text keeps its buffer.
void readValue(Statement& st, int col, ColumnType type, Value& out) {
    switch (st.columnType(col)) {
    case SQLITE_NULL:
        out.kind = Value::Kind::Null;
        return;
    case SQLITE_INTEGER:
        out.kind = type == ColumnType::Boolean ? Value::Kind::Bool : Value::Kind::Int;
        out.i = type == ColumnType::Boolean ? st.getInt(col) != 0 : st.getInt(col);
        return;
    case SQLITE_FLOAT:
        out.kind = Value::Kind::Real;
        out.d = st.getDouble(col);
        return;
    default:
        out.assignText(st.getTextView(col));
        if (type == ColumnType::Json)
            out.kind = Value::Kind::Json;
    }
}

Result<std::vector<GenerationCount>> countsOf(Database& db, const std::string& table) {
    std::vector<GenerationCount> out;
    if (!db.tableExists(table))
        return out;
    auto st = db.prepare("SELECT \"_airbyte_generation_id\", count(*) FROM " + quoteIdent(table) +
                         " GROUP BY 1 ORDER BY 1");
    if (!st)
        return st.error();
    while (true) {
        auto r = st->step();
        if (!r)
            return r.error();
        if (!r.value())
            return out;
        out.push_back({st->getInt(0), st->getInt(1)});
    }
}

} // namespace

Result<std::optional<SqliteTableLayout>> SqliteDestination::layoutOf(const ResolvedStream& stream) {
    SLUICE_TRY(open());
    auto claims = SqliteTableNames(m_db).claims();
    if (!claims)
        return claims.error();
    auto table = tableToRead(claims.value(), m_owner, stream.stream.ns, stream.stream.name,
                             SqliteTableNames::naming(m_path));
    if (!table)
        return std::optional<SqliteTableLayout>{};
    return std::optional<SqliteTableLayout>{SqliteTableLayout::of(stream, *table)};
}

Result<int64_t> SqliteDestination::rowCount(const ResolvedStream& stream) {
    auto layout = layoutOf(stream);
    if (!layout)
        return layout.error();
    if (!layout.value() || !m_db.tableExists(layout.value()->finalTable))
        return int64_t{0};
    const auto& l = *layout.value();
    auto n = m_db.queryInt("SELECT count(*) FROM " + quoteIdent(l.finalTable));
    if (!n)
        return n.error();
    return n.value().value_or(0);
}

Result<std::vector<GenerationAggregate>> SqliteDestination::aggregate(const ResolvedStream& stream,
                                                                      const std::string& column) {
    const int index = stream.stream.columnIndex(column);
    if (index < 0)
        return Error::invalid("stream `" + stream.stream.name + "` has no column `" + column + "`");
    const ColumnType type = stream.stream.columns[static_cast<size_t>(index)].type;
    if (type != ColumnType::Integer && type != ColumnType::Number)
        return Error::invalid("column `" + column + "` of stream `" + stream.stream.name +
                              "` is not numeric: only integer and number columns can be summed");
    auto layout = layoutOf(stream);
    if (!layout)
        return layout.error();
    std::vector<GenerationAggregate> out;
    if (!layout.value())
        return out;
    const auto& l = *layout.value();
    const std::string source = stream.mode.isDedupe() ? l.historyTable : l.finalTable;
    if (!m_db.tableExists(source))
        return out;
    const std::string c = quoteIdent(l.columns[static_cast<size_t>(index)]);
    auto st = m_db.prepare("SELECT \"_airbyte_generation_id\", count(*), total(" + c + "), avg(" + c +
                           ") FROM " + quoteIdent(source) + " GROUP BY 1 ORDER BY 1");
    if (!st)
        return st.error();
    while (true) {
        auto r = st->step();
        if (!r)
            return r.error();
        if (!r.value())
            return out;
        out.push_back(
            {st->getInt(0), st->getInt(1), st->getDouble(2), st->isNull(3) ? 0.0 : st->getDouble(3)});
    }
}

Result<GenerationReport> SqliteDestination::generationReport(const ResolvedStream& stream, int64_t current,
                                                             size_t maxStaleRows) {
    auto layout = layoutOf(stream);
    if (!layout)
        return layout.error();
    GenerationReport report;
    if (!layout.value())
        return report;
    const auto& l = *layout.value();
    const bool dedupe = stream.mode.isDedupe();
    const std::string source = dedupe ? l.historyTable : l.finalTable;
    auto stored = countsOf(m_db, source);
    if (!stored)
        return stored.error();
    report.stored = stored.value();
    auto visible = countsOf(m_db, l.finalTable);
    if (!visible)
        return visible.error();
    report.visible = visible.value();
    if (l.keyColumns.empty() || !m_db.tableExists(l.finalTable) || !m_db.tableExists(source))
        return report;

    const std::string where = " FROM " + quoteIdent(l.finalTable) +
                              " f WHERE f.\"_airbyte_generation_id\" < ?1 AND "
                              "NOT EXISTS (SELECT 1 FROM " +
                              quoteIdent(source) + " s WHERE s.\"_airbyte_generation_id\" = ?1 AND " +
                              l.keyMatch("s", "f", "IS") + ")";
    auto count = m_db.prepare("SELECT count(*)" + where);
    if (!count)
        return count.error();
    count->bind(1, current);
    auto r = count->step();
    if (!r)
        return r.error();
    report.staleCount = count->getInt(0);

    std::string cols;
    std::vector<std::string> names;
    for (const auto& c : l.columns) {
        cols += (cols.empty() ? "f." : ", f.") + quoteIdent(c);
        names.push_back(c);
    }
    cols += ", f.\"_airbyte_generation_id\", f.\"_airbyte_extracted_at\"";
    names.push_back("_airbyte_generation_id");
    names.push_back("_airbyte_extracted_at");
    auto rows = m_db.prepare("SELECT " + cols + where + " ORDER BY " + l.keyList() + " LIMIT ?2");
    if (!rows)
        return rows.error();
    rows->bind(1, current).bind(2, static_cast<int64_t>(maxStaleRows));
    while (true) {
        auto s = rows->step();
        if (!s)
            return s.error();
        if (!s.value())
            break;
        RowData row;
        for (size_t i = 0; i < names.size(); ++i) {
            const ColumnType t =
                i < stream.stream.columns.size() ? stream.stream.columns[i].type : ColumnType::String;
            row.emplace_back(names[i], columnValue(*rows, static_cast<int>(i), t));
        }
        report.staleRows.push_back(std::move(row));
    }
    return report;
}

Result<GenerationDiff> SqliteDestination::diff(const ResolvedStream& stream, int64_t from, int64_t to) {
    auto layout = layoutOf(stream);
    if (!layout)
        return layout.error();
    if (!layout.value())
        return GenerationDiff{};
    const auto& l = *layout.value();
    if (l.keyColumns.empty())
        return Error::invalid("stream `" + stream.stream.name +
                              "` has no primary key: a diff matches records by key (set `primary_key`)");
    const std::string source = stream.mode.isDedupe() ? l.historyTable : l.finalTable;
    if (!m_db.tableExists(source))
        return GenerationDiff{};

    std::string cols;
    for (const auto& c : l.columns)
        cols += quoteIdent(c) + ", ";
    // The generation index (ensureGenerationIndexes) gives the rows in key order and, within a key, in the
    // order they were written: no sort. The winner of a key's versions is picked here as they come.
    const std::string sql = "SELECT " + cols + "\"_airbyte_extracted_at\" FROM " + quoteIdent(source) +
                            " WHERE \"_airbyte_generation_id\" = ? ORDER BY " + l.keyList() + ", rowid";
    // `before` is read on a second connection and thread while this one reads `after`: the two take about
    // the same time, and reading them one after the other took twice as long. Each connection reads its own
    // snapshot, begun together; a file that cannot be opened twice is read on this connection alone.
    auto second = Database::open(m_path, Database::Mode::ReadOnly);
    if (second && !second->exec("PRAGMA cache_size=-32768").ok()) // as large as m_db's (open())
        second = Error::internal("the second connection refused its cache size");
    Database& beforeDb = second ? second.value() : m_db;
    auto before = beforeDb.prepare(sql);
    if (!before)
        return before.error();
    auto after = m_db.prepare(sql);
    if (!after)
        return after.error();
    before->bind(1, from);
    after->bind(1, to);
    const int n = static_cast<int>(l.columns.size());
    // `candidate` holds the row the statement read last and nobody has taken yet: the next key's first.
    auto reader = [&](Statement& st) {
        return [&st, &stream, &l, n, started = false, waiting = false, extracted = std::string(),
                candidateAt = std::string(),
                candidate = std::vector<Value>()](std::vector<Value>& row) mutable -> Result<bool> {
            auto readNext = [&]() -> Status {
                auto r = st.step();
                if (!r)
                    return r.error();
                waiting = r.value();
                if (!waiting)
                    return {};
                candidate.resize(static_cast<size_t>(n));
                for (int i = 0; i < n; ++i)
                    readValue(st, i, stream.stream.columns[static_cast<size_t>(i)].type,
                              candidate[static_cast<size_t>(i)]);
                candidateAt.assign(st.getTextView(n));
                return {};
            };
            if (!started) {
                started = true;
                SLUICE_TRY(readNext());
            }
            if (!waiting)
                return false;
            row.swap(candidate);
            extracted.swap(candidateAt);
            // Later versions of the same key follow in the order they were written; the greatest cursor
            // wins, then the latest extraction, then the last written (the winner order of the final table).
            while (true) {
                SLUICE_TRY(readNext());
                if (!waiting || compareKeys(candidate, row, l.keyColumns) != 0)
                    return true;
                int c = 0;
                if (l.cursorColumn >= 0) {
                    const auto k = static_cast<size_t>(l.cursorColumn);
                    c = candidate[k].isNull() != row[k].isNull() ? (candidate[k].isNull() ? -1 : 1)
                                                                 : candidate[k].compare(row[k]);
                }
                if (c > 0 || (c == 0 && candidateAt >= extracted)) {
                    row.swap(candidate);
                    extracted.swap(candidateAt);
                }
            }
        };
    };
    if (!second)
        return diffOrdered(stream.stream, l.keyColumns, reader(before.value()), reader(after.value()));
    RowPrefetch ahead(reader(before.value()));
    return diffOrdered(
        stream.stream, l.keyColumns, [&ahead](std::vector<Value>& row) { return ahead.next(row); },
        reader(after.value()));
}

} // namespace sluice::core
