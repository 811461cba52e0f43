// Read-only questions about generations, answered from the destination tables themselves.
#include "destinations/generation_diff.h"
#include "destinations/postgres/pg_table_names.h"
#include "destinations/postgres/postgres_destination.h"
#include "postgres/pg_value.h"

namespace sluice::core {

namespace {
const char* kGeneration = "\"_airbyte_generation_id\"";

Value cell(const PgResult& r, int row, int column, ColumnType type) {
    return r.isNull(row, column) ? Value::null() : valueFromPgText(type, r.text(row, column));
}

Result<std::vector<GenerationCount>> countsOf(PgConnection& conn, const std::string& table) {
    auto r = conn.query("SELECT " + std::string(kGeneration) + ", count(*) FROM " + table +
                        " GROUP BY 1 ORDER BY 1");
    if (!r)
        return r.error();
    std::vector<GenerationCount> out;
    for (int i = 0; i < r->rows(); ++i)
        out.push_back({r->getInt(i, 0), r->getInt(i, 1)});
    return out;
}

} // namespace

Result<std::optional<PgTableLayout>> PostgresDestination::layoutOf(const ResolvedStream& stream) {
    SLUICE_TRY(open());
    auto claims = PgTableNames(m_conn, m_config->schema).claims();
    if (!claims)
        return claims.error();
    auto table = tableToRead(claims.value(), m_owner, stream.stream.ns, stream.stream.name,
                             PgTableNames::naming(where()));
    if (!table)
        return std::optional<PgTableLayout>{};
    return std::optional<PgTableLayout>{PgTableLayout::of(stream, m_config->schema, *table)};
}

Result<int64_t> PostgresDestination::rowCount(const ResolvedStream& stream) {
    auto layout = layoutOf(stream);
    if (!layout)
        return layout.error();
    if (!layout.value())
        return int64_t{0};
    const auto& l = *layout.value();
    auto exists = tableExists(l.schema, l.finalTable);
    if (!exists)
        return exists.error();
    if (!exists.value())
        return int64_t{0};
    auto n = m_conn.queryValue("SELECT count(*) FROM " + l.qualified(l.finalTable));
    if (!n)
        return n.error();
    return n.value() ? std::stoll(*n.value()) : int64_t{0};
}

Result<GenerationReport> PostgresDestination::generationReport(const ResolvedStream& stream, int64_t current,
                                                               size_t maxStaleRows) {
    auto layout = layoutOf(stream);
    if (!layout)
        return layout.error();
    GenerationReport report;
    if (!layout.value())
        return report;
    const auto& l = *layout.value();
    const std::string source = stream.mode.isDedupe() ? l.historyTable : l.finalTable;
    auto hasSource = tableExists(l.schema, source);
    auto hasFinal = tableExists(l.schema, l.finalTable);
    if (!hasSource || !hasFinal)
        return (!hasSource ? hasSource : hasFinal).error();
    if (hasSource.value()) {
        auto stored = countsOf(m_conn, l.qualified(source));
        if (!stored)
            return stored.error();
        report.stored = stored.value();
    }
    if (hasFinal.value()) {
        auto visible = countsOf(m_conn, l.qualified(l.finalTable));
        if (!visible)
            return visible.error();
        report.visible = visible.value();
    }
    if (l.keyColumns.empty() || !hasFinal.value() || !hasSource.value())
        return report;

    const std::string where = " FROM " + l.qualified(l.finalTable) + " f WHERE f." + kGeneration +
                              " < $1 AND NOT EXISTS (SELECT 1 FROM " + l.qualified(source) + " s WHERE s." +
                              kGeneration + " = $1 AND " + l.keyMatch("s", "f", "IS NOT DISTINCT FROM") + ")";
    auto count = m_conn.queryValue("SELECT count(*)" + where, {std::to_string(current)});
    if (!count)
        return count.error();
    report.staleCount = count.value() ? std::stoll(*count.value()) : 0;

    std::string cols;
    for (const auto& c : l.columns)
        cols += "f." + quoteIdent(c) + ", ";
    cols += "f." + std::string(kGeneration) +
            ", to_char(f.\"_airbyte_extracted_at\" AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')";
    auto rows = m_conn.query("SELECT " + cols + where + " ORDER BY " + l.keyList() + " LIMIT $2",
                             {std::to_string(current), std::to_string(maxStaleRows)});
    if (!rows)
        return rows.error();
    const size_t n = l.columns.size();
    for (int r = 0; r < rows->rows(); ++r) {
        RowData row;
        for (size_t i = 0; i < n; ++i)
            row.emplace_back(l.columns[i], cell(*rows, r, static_cast<int>(i), l.types[i]));
        row.emplace_back("_airbyte_generation_id", cell(*rows, r, static_cast<int>(n), ColumnType::Integer));
        row.emplace_back("_airbyte_extracted_at",
                         cell(*rows, r, static_cast<int>(n) + 1, ColumnType::String));
        report.staleRows.push_back(std::move(row));
    }
    return report;
}

Result<GenerationDiff> PostgresDestination::diff(const ResolvedStream& stream, int64_t from, int64_t to) {
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
    auto exists = tableExists(l.schema, source);
    if (!exists)
        return exists.error();
    if (!exists.value())
        return GenerationDiff{};

    const std::string sql = l.winnersSql(l.qualified(source), "\"_airbyte_generation_id\" = $1", false);
    // PostgreSQL orders text by its collation, not by bytes: the rows are sorted again where they are merged.
    auto load = [&](int64_t g) -> Result<std::vector<std::vector<Value>>> {
        auto r = m_conn.query(sql, {std::to_string(g)});
        if (!r)
            return r.error();
        std::vector<std::vector<Value>> rows(static_cast<size_t>(r->rows()));
        for (int i = 0; i < r->rows(); ++i)
            for (size_t c = 0; c < l.columns.size(); ++c)
                rows[static_cast<size_t>(i)].push_back(cell(*r, i, static_cast<int>(c), l.types[c]));
        return rows;
    };
    return diffGenerations(stream.stream, l.keyColumns, from, to, load);
}

} // namespace sluice::core
