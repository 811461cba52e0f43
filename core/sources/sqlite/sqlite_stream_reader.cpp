#include "sources/sqlite/sqlite_stream_reader.h"

#include "catalog/text_repair.h"
#include "sources/cursor_filter.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

namespace sluice::core {

using nlohmann::json;

namespace {
// Airbyte carries binary values as base64 text; raw bytes would not survive JSON.
std::string base64(const unsigned char* data, size_t n) {
    static const char* const kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((n + 2) / 3 * 4);
    for (size_t i = 0; i < n; i += 3) {
        const uint32_t b = (uint32_t(data[i]) << 16) | (i + 1 < n ? uint32_t(data[i + 1]) << 8 : 0) |
                           (i + 2 < n ? uint32_t(data[i + 2]) : 0);
        out += kAlphabet[(b >> 18) & 63];
        out += kAlphabet[(b >> 12) & 63];
        out += i + 1 < n ? kAlphabet[(b >> 6) & 63] : '=';
        out += i + 2 < n ? kAlphabet[b & 63] : '=';
    }
    return out;
}

// A cell as SQLite stored it (its storage class), before any column type applies.
Value rawValue(const Statement& st, int col) {
    switch (st.columnType(col)) {
    case SQLITE_INTEGER:
        return Value::integer(st.getInt(col));
    case SQLITE_FLOAT:
        return Value::real(st.getDouble(col));
    case SQLITE_TEXT:
        return Value::text(st.getText(col));
    case SQLITE_BLOB: {
        const auto* data = static_cast<const unsigned char*>(sqlite3_column_blob(st.handle(), col));
        return Value::text(base64(data, static_cast<size_t>(sqlite3_column_bytes(st.handle(), col))));
    }
    default:
        return Value::null();
    }
}

// Makes a stored value fit its column; what cannot fit is NULL and listed, as the destination would.
Value typed(ColumnType type, Value v, const std::string& column, std::vector<FieldChange>& changes) {
    // SQLite has no boolean or JSON storage: booleans are 0/1 integers and JSON is text.
    if (type == ColumnType::Boolean && v.kind == Value::Kind::Int && (v.i == 0 || v.i == 1))
        return Value::boolean(v.i != 0);
    if (type == ColumnType::Json && v.kind == Value::Kind::Text) {
        Value parsed;
        parseAs(ColumnType::Json, v.s, parsed);
        return parsed;
    }
    if (coerceTo(type, v))
        return v;
    changes.push_back({column});
    return Value::null();
}

void bindValue(Statement& st, int index, const Value& v) {
    switch (v.kind) {
    case Value::Kind::Int:
    case Value::Kind::Bool:
        st.bind(index, v.i);
        break;
    case Value::Kind::Real:
        st.bind(index, v.d);
        break;
    case Value::Kind::Text:
    case Value::Kind::Json:
        st.bind(index, v.s);
        break;
    case Value::Kind::Null:
        st.bind(index, nullptr);
        break;
    }
}

// The object a state or position JSON holds; null when it is empty or not an object (then reading starts
// over).
json parseObject(const std::string& text) {
    if (text.empty())
        return json();
    json j = json::parse(text, nullptr, false);
    return j.is_object() ? j : json();
}
} // namespace

SqliteStreamReader::SqliteStreamReader(Database& db, const SqliteTable& table, const StreamReadSpec& spec,
                                       size_t index, int64_t checkpointInterval, RecordSink& sink)
    : m_db(db), m_table(table), m_spec(spec), m_index(index),
      m_interval(std::max<int64_t>(checkpointInterval, 1)), m_sink(sink),
      m_columns(spec.stream.stream.columns), m_from(quoteIdent(table.realName)) {
    if (m_columns.empty())
        m_columns = sqliteStreamInfo(table).columns;
    for (const Column& c : m_columns) {
        const SqliteColumn* column = m_table.column(c.name);
        m_select += (m_select.empty() ? "" : ", ") + (column ? quoteIdent(column->realName) : "NULL");
    }
}

std::string SqliteStreamReader::what() const {
    return std::string(m_table.isView ? "view `" : "table `") + m_table.name + "`";
}

Status SqliteStreamReader::run() {
    if (m_spec.stream.mode.sync == SyncMode::Incremental)
        return incremental();
    return m_table.hasRowid() ? fullRefreshByRowid() : fullRefreshAtOnce();
}

Row SqliteStreamReader::toRow(const Statement& st) const {
    Row row;
    row.values.reserve(m_columns.size());
    for (size_t i = 0; i < m_columns.size(); ++i) {
        // SQLite never checks that TEXT is UTF-8: a cell may hold any bytes (a BLOB cast to TEXT).
        Value raw = rawValue(st, static_cast<int>(i));
        const bool repaired = repairText(raw);
        row.values.push_back(typed(m_columns[i].type, std::move(raw), m_columns[i].name, row.changes));
        if (repaired)
            noteReplacedBytes(row, m_columns[i].name);
    }
    return row;
}

Status SqliteStreamReader::query(const std::string& sql, const std::vector<Value>& binds,
                                 const std::function<Status(const Statement&)>& onRow) {
    auto st = m_db.prepare(sql);
    if (!st)
        return st.error().context("sqlite source: reading " + what());
    for (size_t i = 0; i < binds.size(); ++i)
        bindValue(*st, static_cast<int>(i + 1), binds[i]);
    // Errors of onRow (a refusing sink) pass unchanged: only SQLite's own are about this table.
    bool fromRow = false;
    auto done = forEachRow(*st, [&](const Statement& row) {
        Status s = onRow(row);
        fromRow = !s.ok();
        return s;
    });
    if (!done && !fromRow)
        return done.error().context("sqlite source: reading " + what());
    return done;
}

Result<std::vector<SqliteStreamReader::Fetched>>
SqliteStreamReader::fetch(const std::string& sql, const std::vector<Value>& binds, int extras) {
    std::vector<Fetched> out;
    const int first = static_cast<int>(m_columns.size());
    SLUICE_TRY(query(sql, binds, [&](const Statement& st) -> Status {
        Fetched f{toRow(st), {}};
        for (int e = 0; e < extras; ++e) {
            if (st.columnType(first + e) == SQLITE_BLOB)
                return Error::config("sqlite source: " + what() +
                                     " has a BLOB in its cursor column; a cursor must hold numbers or text");
            f.extra.push_back(rawValue(st, first + e));
        }
        out.push_back(std::move(f));
        return {};
    }));
    return out;
}

void SqliteStreamReader::estimate(const std::string& where, const std::vector<Value>& binds) {
    // Progress only: a failed count leaves the estimate unknown.
    (void)query("SELECT count(*) FROM " + m_from + where, binds, [&](const Statement& st) -> Status {
        m_sink.estimate(m_index, st.getInt(0));
        return {};
    });
}

Status SqliteStreamReader::fullRefreshByRowid() {
    const std::string& rowid = m_table.rowidAlias; // unquoted: quoted, it would name a column
    const json state = parseObject(m_spec.stateJson);
    std::optional<int64_t> after;
    if (state.is_object() && state.contains("last_rowid") && state["last_rowid"].is_number_integer())
        after = state["last_rowid"].get<int64_t>();
    if (after)
        m_sink.log(LogLevel::Info,
                   "sqlite source: " + what() + " resumes after rowid " + std::to_string(*after));
    const std::string where = " WHERE " + rowid + " > ?";
    estimate(after ? where : "", after ? std::vector<Value>{Value::integer(*after)} : std::vector<Value>{});

    const auto stateAfter = [](int64_t r) { return json{{"last_rowid", r}}.dump(); };
    int64_t sinceState = 0;
    while (true) {
        std::vector<Value> binds;
        if (after)
            binds.push_back(Value::integer(*after));
        binds.push_back(Value::integer(kChunkRows));
        auto chunk = fetch("SELECT " + m_select + ", " + rowid + " FROM " + m_from + (after ? where : "") +
                               " ORDER BY " + rowid + " LIMIT ?",
                           binds, 1);
        if (!chunk)
            return chunk.error();
        for (size_t i = 0; i < chunk->size(); ++i) {
            Fetched& f = (*chunk)[i];
            SLUICE_TRY(m_sink.record(m_index, std::move(f.row)));
            after = f.extra[0].i;
            if (++sinceState >= m_interval && i + 1 < chunk->size()) {
                SLUICE_TRY(m_sink.state(m_index, stateAfter(*after)));
                sinceState = 0;
            }
        }
        if (static_cast<int64_t>(chunk->size()) < kChunkRows)
            break;
        SLUICE_TRY(m_sink.state(m_index, stateAfter(*after)));
        sinceState = 0;
    }
    SLUICE_TRY(m_sink.state(m_index, "{}"));
    return m_sink.streamComplete(m_index);
}

Status SqliteStreamReader::fullRefreshAtOnce() {
    estimate("", {});
    SLUICE_TRY(query("SELECT " + m_select + " FROM " + m_from, {},
                     [&](const Statement& st) { return m_sink.record(m_index, toRow(st)); }));
    SLUICE_TRY(m_sink.state(m_index, "{}"));
    return m_sink.streamComplete(m_index);
}

Status SqliteStreamReader::incremental() {
    const FieldPath& path = m_spec.stream.cursorField;
    if (path.size() != 1 || !m_table.column(path[0]))
        return Error::config("sqlite source: the cursor of stream `" + m_table.name +
                             "` must be a column of " + what() + ", not `" + fieldPathToString(path) + "`");
    const std::string cursor = quoteIdent(m_table.column(path[0])->realName);
    const bool keyset = m_table.hasRowid();
    const std::string& rowid = m_table.rowidAlias;
    CursorFilter filter(m_spec);
    if (!filter.problem().empty())
        return Error::invalid("sqlite source: " + filter.problem());

    // Where the previous attempt stopped: after (cursor, rowid) for rowid tables, after `offset` rows
    // otherwise.
    const json position = parseObject(filter.resumePosition());
    bool havePosition =
        position.is_object() && (keyset ? position.contains("rowid") : position.contains("offset"));
    std::optional<Value> afterCursor;
    int64_t afterRowid = 0;
    int64_t offset = 0;
    if (havePosition && keyset) {
        afterCursor = cursorFromJson(position.value("cursor", json()).dump());
        afterRowid = position["rowid"].is_number_integer() ? position["rowid"].get<int64_t>() : 0;
    } else if (havePosition) {
        offset = position["offset"].is_number_integer() ? position["offset"].get<int64_t>() : 0;
    }
    if (havePosition)
        m_sink.log(LogLevel::Info, "sqlite source: " + what() + " resumes at " + position.dump());

    std::string order = cursor;
    if (keyset) {
        order += ", " + rowid;
    } else {
        // Ties need a fixed order too, or an offset would mean different rows in the next query.
        for (size_t i = 1; i <= m_columns.size() + 1; ++i)
            order += ", " + std::to_string(i);
    }
    const auto positionJson = [&]() {
        if (!keyset)
            return json{{"offset", offset}}.dump();
        return json{{"cursor", json::parse(afterCursor ? afterCursor->toJson() : "null")},
                    {"rowid", afterRowid}}
            .dump();
    };

    int64_t sinceState = 0;
    while (true) {
        std::vector<std::string> conditions;
        std::vector<Value> binds;
        if (filter.hasLowerBound()) {
            conditions.push_back(cursor + " >= ?");
            binds.push_back(*filter.lowerBound());
        }
        if (keyset && havePosition) {
            // NULL cursors come first and compare as unknown: past them, every non-NULL cursor is still
            // ahead.
            if (afterCursor) {
                conditions.push_back("(" + cursor + ", " + rowid + ") > (?, ?)");
                binds.push_back(*afterCursor);
            } else {
                conditions.push_back("(" + cursor + " IS NOT NULL OR " + rowid + " > ?)");
            }
            binds.push_back(Value::integer(afterRowid));
        }
        std::string sql =
            "SELECT " + m_select + ", " + cursor + (keyset ? ", " + rowid : "") + " FROM " + m_from;
        for (size_t i = 0; i < conditions.size(); ++i)
            sql += (i == 0 ? " WHERE " : " AND ") + conditions[i];
        sql += " ORDER BY " + order + " LIMIT ?";
        binds.push_back(Value::integer(kChunkRows));
        if (!keyset) {
            sql += " OFFSET ?";
            binds.push_back(Value::integer(offset));
        }
        auto chunk = fetch(sql, binds, keyset ? 2 : 1);
        if (!chunk)
            return chunk.error();
        for (size_t i = 0; i < chunk->size(); ++i) {
            Fetched& f = (*chunk)[i];
            // The filter and the state see a cursor that is not UTF-8 repaired, as its record is (the next
            // sync compares with what the state kept); the next query's position keeps the bytes, or a
            // chunk ending at such a cursor would be read again.
            Value repaired = f.extra[0];
            repairText(repaired);
            const bool pass = filter.offer(repaired, hashValues(f.row.values));
            if (keyset) {
                afterCursor = f.extra[0].isNull() ? std::nullopt : std::optional<Value>(f.extra[0]);
                afterRowid = f.extra[1].i;
            } else {
                ++offset;
            }
            havePosition = true;
            if (pass) {
                f.row.reread = filter.lastWasReread();
                SLUICE_TRY(m_sink.record(m_index, std::move(f.row)));
            }
            if (++sinceState >= m_interval && i + 1 < chunk->size()) {
                SLUICE_TRY(m_sink.state(m_index, filter.checkpoint(positionJson())));
                sinceState = 0;
            }
        }
        if (static_cast<int64_t>(chunk->size()) < kChunkRows)
            break;
        SLUICE_TRY(m_sink.state(m_index, filter.checkpoint(positionJson())));
        sinceState = 0;
    }
    SLUICE_TRY(m_sink.state(m_index, filter.finalState()));
    return m_sink.streamComplete(m_index);
}

} // namespace sluice::core
