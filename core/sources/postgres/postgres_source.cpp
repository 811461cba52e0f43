#include "sources/postgres/postgres_source.h"

#include "catalog/text_repair.h"
#include "sources/cursor_filter.h"
#include "sources/postgres/pg_catalog.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

namespace sluice::core {

using nlohmann::json;

namespace {
const char* kWho = "PostgreSQL source";
constexpr int64_t kMaxSlicePages = 16384; // 128 MiB of 8 KiB pages: bounds one slice's memory
constexpr int64_t kFetchRows = 10000;     // rows per FETCH of a one-pass read

std::string tid(int64_t page) {
    return "(" + std::to_string(page) + ",0)";
}
} // namespace

struct PostgresSource::StreamRead {
    PgConnection& conn;
    RecordSink& sink;
    size_t index;
    const StreamReadSpec& spec;
    int64_t interval;
    PgRelation relation;
    std::string table;                     // "schema"."name"
    std::string selectList;                // the columns read, in `selected` order
    std::vector<const PgColumn*> selected; // the requested columns the table still has
    std::vector<int> slot;                 // per requested column: its index in `selected`, -1 when gone
    int cursor = -1;                       // index of the cursor among the requested columns (incremental)
    std::optional<CursorFilter> filter;
};

PostgresSource::PostgresSource(Result<PgConfig> config) : m_config(std::move(config)) {}

std::unique_ptr<Source> makePostgresSource(const std::string& configJson) {
    return std::make_unique<PostgresSource>(parsePgConfig(configJson, kWho));
}

Result<PgConnection> PostgresSource::connect() {
    if (!m_config)
        return m_config.error();
    auto conn = PgConnection::connect(*m_config, kWho);
    if (!conn)
        return conn;
    // A SQL_ASCII database holds any bytes, and for a UTF8 client the server refuses to send those that are
    // not UTF-8 ("invalid byte sequence"): such a database is read as it is, and its text repaired here.
    auto encoding = conn->queryValue("SHOW server_encoding");
    if (!encoding)
        return encoding.error();
    if (encoding.value() && *encoding.value() == "SQL_ASCII")
        SLUICE_TRY(conn->exec("SET client_encoding = 'SQL_ASCII'"));
    return conn;
}

Status PostgresSource::check() {
    auto conn = connect();
    if (!conn)
        return conn.error();
    auto schema =
        conn->queryValue("SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1", {m_config->schema});
    if (!schema)
        return schema.error();
    if (!schema.value())
        return Error::config(std::string(kWho) + ": schema `" + m_config->schema +
                             "` does not exist in database `" + m_config->database + "` (check `schema`)");
    return {};
}

Result<std::vector<StreamInfo>> PostgresSource::discover() {
    auto conn = connect();
    if (!conn)
        return conn.error();
    auto relations = loadRelations(*conn, m_config->schema);
    if (!relations)
        return relations.error();
    std::vector<StreamInfo> out;
    for (const auto& r : relations.value())
        out.push_back(r.toStream(m_config->schema));
    return out;
}

Status PostgresSource::read(const ReadRequest& request, RecordSink& sink) {
    auto conn = connect();
    if (!conn)
        return conn.error();
    for (size_t i = 0; i < request.streams.size(); ++i)
        SLUICE_TRY(readStream(*conn, i, request, sink));
    return {};
}

Status PostgresSource::readStream(PgConnection& conn, size_t index, const ReadRequest& request,
                                  RecordSink& sink) {
    const StreamReadSpec& spec = request.streams[index];
    const ResolvedStream& rs = spec.stream;
    const std::string schema = rs.stream.ns.empty() ? m_config->schema : rs.stream.ns;
    auto relations = loadRelations(conn, schema, rs.stream.name);
    if (!relations)
        return relations.error();
    if (relations->empty())
        return Error::config(std::string(kWho) + ": table `" + schema + "." + rs.stream.name +
                             "` does not exist or cannot be read by user `" + m_config->user + "`");
    StreamRead sr{conn, sink, index, spec, std::max<int64_t>(request.checkpointInterval, 1)};
    sr.relation = std::move(relations->front());
    sr.table = qualifiedName(schema, sr.relation.realName);
    // The engine asks for the columns it configured; a column dropped since then reads as NULL.
    std::vector<Column> wanted = rs.stream.columns;
    if (wanted.empty())
        wanted = sr.relation.toStream(schema).columns;
    for (const Column& c : wanted) {
        const PgColumn* pc = sr.relation.column(c.name);
        sr.slot.push_back(pc ? static_cast<int>(sr.selected.size()) : -1);
        if (!pc)
            continue;
        sr.selectList += (sr.selected.empty() ? "" : ", ") + pc->selectExpr();
        sr.selected.push_back(pc);
    }
    if (sr.selected.empty())
        sr.selectList = "NULL";

    if (rs.mode.sync == SyncMode::Incremental) {
        const std::string cursor = rs.cursorField.empty() ? std::string() : rs.cursorField[0];
        for (size_t i = 0; i < wanted.size(); ++i)
            if (wanted[i].name == cursor && sr.slot[i] >= 0)
                sr.cursor = static_cast<int>(i);
        if (sr.cursor < 0)
            return Error::config(std::string(kWho) + ": the cursor column `" + cursor +
                                 "` is not in table `" + schema + "." + rs.stream.name + "`");
        sr.filter.emplace(spec);
        if (!sr.filter->problem().empty())
            return Error::invalid(std::string(kWho) + ": " + sr.filter->problem());
        SLUICE_TRY(readIncremental(sr));
        SLUICE_TRY(sink.state(index, sr.filter->finalState()));
    } else if (sr.relation.hasCtid() && conn.serverMajorVersion() >= 14) {
        SLUICE_TRY(readByCtid(sr));
        SLUICE_TRY(sink.state(index, "{}"));
    } else {
        // Views have no pages to slice; before PostgreSQL 14 a CTID range scans the whole table each time.
        SLUICE_TRY(readAll(sr, "true", {}));
        SLUICE_TRY(sink.state(index, "{}"));
    }
    return sink.streamComplete(index);
}

Status PostgresSource::deliver(StreamRead& sr, const PgResult& result, int fromRow, int toRow) {
    const auto& columns = sr.spec.stream.stream.columns;
    std::string bytes;
    for (int r = fromRow; r < toRow; ++r) {
        Row row;
        row.values.reserve(sr.slot.size());
        for (size_t i = 0; i < sr.slot.size(); ++i) {
            const int s = sr.slot[i];
            if (s < 0 || result.isNull(r, s)) {
                row.values.push_back(Value::null());
                continue;
            }
            Value v = cellValue(*sr.selected[static_cast<size_t>(s)], result.text(r, s));
            // The configured type rules (a column retyped since the catalog was saved): a misfit is NULLed.
            if (i < columns.size() && !coerceTo(columns[i].type, v)) {
                v = Value::null();
                row.changes.push_back({columns[i].name});
            }
            row.values.push_back(std::move(v));
        }
        // A SQL_ASCII database hands out any bytes as text: repaired before the cursor filter and the state
        // see them, as the sources of files do.
        repairRowText(row, columns);
        if (sr.filter) {
            // The hash covers the table's columns only, whatever else the query selected.
            bytes.clear();
            for (int c = 0; c < static_cast<int>(sr.selected.size()); ++c) {
                if (result.isNull(r, c))
                    bytes += '\x01';
                else
                    bytes += result.text(r, c);
                bytes += '\x1f';
            }
            if (!sr.filter->offer(row.values[static_cast<size_t>(sr.cursor)], hashRecord(bytes)))
                continue;
            row.reread = sr.filter->lastWasReread();
        }
        SLUICE_TRY(sr.sink.record(sr.index, std::move(row)));
    }
    return {};
}

Status PostgresSource::readAll(StreamRead& sr, const std::string& where, const PgParams& params) {
    PgTransaction tx(sr.conn);
    SLUICE_TRY(tx.begun());
    SLUICE_TRY(sr.conn.exec("DECLARE sluice_read NO SCROLL CURSOR FOR SELECT " + sr.selectList + " FROM " +
                                sr.table + " WHERE " + where,
                            params));
    while (true) {
        auto r = sr.conn.query("FETCH FORWARD " + std::to_string(kFetchRows) + " FROM sluice_read");
        if (!r)
            return pgContext(r.error(), kWho, "reading " + sr.table);
        SLUICE_TRY(deliver(sr, *r, 0, r->rows()));
        if (r->rows() < kFetchRows)
            break;
    }
    return tx.commit();
}

Status PostgresSource::readByCtid(StreamRead& sr) {
    auto info = sr.conn.query("SELECT pg_relation_size(c.oid) / current_setting('block_size')::bigint, "
                              "pg_relation_filenode(c.oid), c.reltuples::bigint, c.relpages "
                              "FROM pg_catalog.pg_class c WHERE c.oid = $1::regclass",
                              {sr.table});
    if (!info)
        return info.error();
    if (info->rows() == 0)
        return Error::transient(std::string(kWho) + ": table " + sr.table + " disappeared while being read");
    const int64_t pages = info->getInt(0, 0);
    const int64_t filenode = info->getInt(0, 1);
    const int64_t reltuples = info->getInt(0, 2);
    const int64_t relpages = info->getInt(0, 3);

    int64_t page = 0;
    const json state = json::parse(sr.spec.stateJson.empty() ? "{}" : sr.spec.stateJson, nullptr, false);
    if (state.is_object() && state.contains("ctid_page") && state["ctid_page"].is_number_integer()) {
        if (state.value("filenode", int64_t{0}) == filenode) {
            page = std::max<int64_t>(state["ctid_page"].get<int64_t>(), 0);
            sr.sink.log(LogLevel::Info, std::string(kWho) + ": stream " + sr.relation.name +
                                            " resumes at page " + std::to_string(page) + " of " +
                                            std::to_string(pages));
        } else {
            sr.sink.log(LogLevel::Warn,
                        std::string(kWho) + ": table " + sr.table +
                            " was rewritten since the saved position; it is read again from the start");
        }
    }
    if (reltuples > 0)
        sr.sink.estimate(sr.index,
                         pages > 0 ? reltuples * std::max<int64_t>(pages - page, 0) / pages : reltuples);
    // A slice should hold about `interval` rows; the statistics guess the density, each slice corrects it.
    const double density = reltuples > 0 && relpages > 0 ? static_cast<double>(reltuples) / relpages : 0;
    int64_t step = density > 0 ? static_cast<int64_t>(sr.interval / density) : 1;
    step = std::clamp<int64_t>(step, 1, kMaxSlicePages);
    const std::string select = "SELECT " + sr.selectList + " FROM " + sr.table + " WHERE ctid >= $1::tid";
    while (true) {
        // The last slice is open-ended: pages added while reading are read too.
        const bool last = page + step >= pages;
        auto r = last ? sr.conn.query(select, {tid(page)})
                      : sr.conn.query(select + " AND ctid < $2::tid", {tid(page), tid(page + step)});
        if (!r)
            return pgContext(r.error(), kWho, "reading " + sr.table);
        SLUICE_TRY(deliver(sr, *r, 0, r->rows()));
        if (last)
            return {};
        page += step;
        SLUICE_TRY(sr.sink.state(sr.index, json{{"ctid_page", page}, {"filenode", filenode}}.dump()));
        const double rows = r->rows();
        step = rows > 0 ? static_cast<int64_t>(std::ceil(sr.interval * static_cast<double>(step) / rows))
                        : step * 2;
        step = std::clamp<int64_t>(step, 1, kMaxSlicePages);
    }
}

Status PostgresSource::readIncremental(StreamRead& sr) {
    CursorFilter& filter = *sr.filter;
    const PgColumn& cursor = *sr.selected[static_cast<size_t>(sr.slot[static_cast<size_t>(sr.cursor)])];
    const std::string column = quoteIdent(cursor.realName);
    const std::string ordered = cursor.orderExpr();

    // Where this read continues: after a saved position, else at the saved maximum (ties are the filter's).
    std::optional<std::string> from;
    bool inclusive = true;
    bool nullsDone = filter.hasLowerBound();
    if (!filter.resumePosition().empty()) {
        const json p = json::parse(filter.resumePosition(), nullptr, false);
        if (p.is_object() && p.contains("from") && p["from"].is_string())
            from = p["from"].get<std::string>();
        inclusive = p.is_object() ? p.value("inclusive", true) : true;
        nullsDone = nullsDone || (p.is_object() && p.value("nulls_done", false));
    } else if (filter.hasLowerBound()) {
        from = filter.lowerBound()->toDisplay();
    }
    auto checkpoint = [&] {
        json p = {{"from", from ? json(*from) : json()}, {"inclusive", inclusive}, {"nulls_done", nullsDone}};
        // `from` keeps the server's bytes for the next query; the state (JSON) carries them repaired.
        return sr.sink.state(sr.index,
                             filter.checkpoint(p.dump(-1, ' ', false, json::error_handler_t::replace)));
    };

    if (!nullsDone) {
        SLUICE_TRY(readAll(sr, column + " IS NULL", {}));
        nullsDone = true;
        SLUICE_TRY(checkpoint());
    }
    const int64_t chunk = std::min<int64_t>(sr.interval, 100000);
    while (true) {
        std::string where = column + " IS NOT NULL";
        PgParams params;
        if (from) {
            where += " AND " + ordered + (inclusive ? " >= $1" : " > $1");
            params.push_back(*from);
        }
        auto r = sr.conn.query("SELECT " + sr.selectList + ", " + column + "::text AS _sluice_cursor FROM " +
                                   sr.table + " WHERE " + where + " ORDER BY " + ordered + " LIMIT " +
                                   std::to_string(chunk),
                               params);
        if (!r)
            return pgContext(r.error(), kWho, "reading " + sr.table);
        const int n = r->rows();
        const int c = r->columns() - 1; // the cursor as text, exactly as the server compares it
        if (n < chunk)
            return deliver(sr, *r, 0, n);
        const std::string last = r->get(n - 1, c);
        if (r->text(0, c) == last) {
            // One cursor value fills the chunk: its rows are read together, so no tie is split by a state.
            SLUICE_TRY(readAll(sr, ordered + " = $1", {last}));
            inclusive = false;
        } else {
            int end = n;
            while (end > 0 && r->text(end - 1, c) == last)
                --end;
            SLUICE_TRY(deliver(sr, *r, 0, end));
            inclusive = true; // the rows at `last` come with the next chunk
        }
        from = last;
        SLUICE_TRY(checkpoint());
    }
}

} // namespace sluice::core
