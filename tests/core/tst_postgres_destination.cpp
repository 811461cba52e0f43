// The postgres destination against a real throwaway server, driven the way the engine drives it (begin, write
// batches with checkpoints, completeStream): the five modes, generations, staging, clear, typecasts, speed.
#include "destinations/postgres/postgres_destination.h"
#include "pg_server.h"
#include "test_support.h"

#include <QElapsedTimer>
#include <QtTest>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

using namespace sluice::core;
using sluice::test::PgServer;
using Rows = std::vector<std::vector<std::string>>;

namespace {
constexpr int64_t kConnection = 7;

ResolvedStream stream(StreamMode mode, std::vector<Column> columns, std::vector<std::string> key = {},
                      std::string cursor = {}) {
    ResolvedStream r;
    r.stream.name = "items";
    r.stream.ns = "src";
    r.stream.columns = std::move(columns);
    r.mode = mode;
    for (auto& k : key)
        r.primaryKey.push_back({k});
    if (!cursor.empty())
        r.cursorField = {cursor};
    return r;
}

const std::vector<Column> kIdName = {{"id", ColumnType::Integer}, {"name", ColumnType::String}};
const std::vector<Column> kUsers = {
    {"id", ColumnType::Integer}, {"name", ColumnType::String}, {"updated_at", ColumnType::String}};
const StreamMode kOverwrite{SyncMode::FullRefresh, DestinationSyncMode::Overwrite};
const StreamMode kOverwriteDedupe{SyncMode::FullRefresh, DestinationSyncMode::OverwriteDedup};
const StreamMode kFullAppend{SyncMode::FullRefresh, DestinationSyncMode::Append};
const StreamMode kIncAppend{SyncMode::Incremental, DestinationSyncMode::Append};
const StreamMode kIncDedupe{SyncMode::Incremental, DestinationSyncMode::AppendDedup};

Value text(const char* s) {
    return s ? Value::text(s) : Value::null();
}

Row row(std::vector<Value> values, int64_t extractedAtMs = 0) {
    Row r;
    r.values = std::move(values);
    r.extractedAtMs = extractedAtMs;
    return r;
}

std::vector<Row> idNames(std::vector<std::pair<int64_t, const char*>> rows) {
    std::vector<Row> out;
    for (auto& [id, name] : rows)
        out.push_back(row({Value::integer(id), text(name)}));
    return out;
}

std::vector<Row> users(std::vector<std::tuple<int64_t, const char*, const char*>> rows) {
    std::vector<Row> out;
    for (auto& [id, name, updated] : rows)
        out.push_back(row({Value::integer(id), text(name), text(updated)}));
    return out;
}

} // namespace

class TestPostgresDestination : public QObject {
    Q_OBJECT

    PgServer m_pg;

    // Bound to the one connection of these tests, as the engine binds it: reading a table back (counts,
    // generations, diffs) finds the tables that connection claimed.
    std::unique_ptr<Destination> destination(const std::string& schema) {
        auto d = makePostgresDestination(m_pg.configJson(schema));
        d->bindConnection(DestinationOwner{kConnection, {}, {}, {}, {}});
        return d;
    }

    // One attempt of a job for one stream: rows in batches of `batchSize`, each batch with its checkpoint;
    // completes the stream unless `complete` is false (an interrupted attempt).
    Status attempt(const std::string& schema, const StreamWritePlan& plan, std::vector<Row> rows,
                   bool complete = true, size_t batchSize = 2) {
        auto d = destination(schema);
        SLUICE_TRY(d->begin(kConnection, {plan}));
        auto cp = d->lastCheckpoint(kConnection, plan.stream.stream.ns, plan.stream.stream.name);
        int64_t seq = cp.ok() && cp.value() ? cp.value()->seq + 1 : 1;
        for (size_t at = 0; at < rows.size(); at += batchSize) {
            std::vector<StreamBatch> batches(1);
            const size_t end = std::min(rows.size(), at + batchSize);
            batches[0].rows.assign(std::make_move_iterator(rows.begin() + static_cast<long>(at)),
                                   std::make_move_iterator(rows.begin() + static_cast<long>(end)));
            batches[0].checkpoint =
                DestinationCheckpoint{plan.generation, seq++, "{\"at\":" + std::to_string(end) + "}"};
            SLUICE_TRY(d->write(batches));
        }
        if (!complete)
            return {};
        StreamBatch last;
        last.checkpoint = DestinationCheckpoint{plan.generation, seq, "{}"};
        return d->completeStream(last);
    }

private slots:
    void initTestCase() {
        const QString err = m_pg.start();
        QVERIFY2(err.isEmpty(), qPrintable(err));
    }

    void checkAndConnectionErrors() {
        SLUICE_VERIFY_OK(destination("checked")->check());
        const int port = PgServer::freePort();
        auto config = nlohmann::json::parse(m_pg.configJson());
        config["port"] = port;
        const Status st = makePostgresDestination(config.dump())->check();
        QVERIFY(!st.ok());
        QVERIFY2(st.error().message.find("PostgreSQL destination: could not connect to 127.0.0.1:" +
                                         std::to_string(port)) == 0,
                 st.error().message.c_str());
        QCOMPARE(int(st.error().kind), int(ErrorKind::Config));
    }

    void overwriteReplacesTheGeneration() {
        SLUICE_VERIFY_OK(
            attempt("ow", {stream(kOverwrite, kIdName), 1, 1, 11}, idNames({{1, "a"}, {2, "b"}, {3, "c"}})));
        QCOMPARE(m_pg.rows("SELECT id, name, _airbyte_generation_id FROM ow.items ORDER BY id"),
                 (Rows{{"1", "a", "1"}, {"2", "b", "1"}, {"3", "c", "1"}}));
        SLUICE_VERIFY_OK(
            attempt("ow", {stream(kOverwrite, kIdName), 2, 2, 12}, idNames({{2, "b2"}, {4, "d"}})));
        QCOMPARE(m_pg.rows("SELECT id, name, _airbyte_generation_id, _airbyte_meta->>'sync_id' FROM ow.items "
                           "ORDER BY id"),
                 (Rows{{"2", "b2", "2", "12"}, {"4", "d", "2", "12"}}));
        // No staging table is left behind.
        QCOMPARE(m_pg.tables("ow"), (std::vector<std::string>{"_airbyte_sluice_checkpoints",
                                                              "_airbyte_sluice_tables", "items"}));
    }

    void overwriteDedupeKeepsOneRowPerKey() {
        SLUICE_VERIFY_OK(attempt("owd", {stream(kOverwriteDedupe, kIdName, {"id"}), 1, 1, 1},
                                 idNames({{1, "a"}, {2, "b"}, {1, "a2"}})));
        // Without a cursor the latest delivered version wins.
        QCOMPARE(m_pg.rows("SELECT id, name FROM owd.items ORDER BY id"), (Rows{{"1", "a2"}, {"2", "b"}}));
        QCOMPARE(m_pg.rows("SELECT count(*) FROM owd._airbyte_raw_items")[0][0], std::string("3"));
        SLUICE_VERIFY_OK(
            attempt("owd", {stream(kOverwriteDedupe, kIdName, {"id"}), 2, 2, 2}, idNames({{2, "b"}})));
        QCOMPARE(m_pg.rows("SELECT id, name, _airbyte_generation_id FROM owd.items"),
                 (Rows{{"2", "b", "2"}}));
        QCOMPARE(m_pg.rows("SELECT count(*) FROM owd._airbyte_raw_items")[0][0], std::string("1"));
        QCOMPARE(m_pg.tables("owd"),
                 (std::vector<std::string>{"_airbyte_raw_items", "_airbyte_sluice_checkpoints",
                                           "_airbyte_sluice_tables", "items"}));
    }

    void fullRefreshAppendKeepsEveryGeneration() {
        SLUICE_VERIFY_OK(
            attempt("fra", {stream(kFullAppend, kIdName), 1, 0, 1}, idNames({{1, "a"}, {2, "b"}})));
        SLUICE_VERIFY_OK(
            attempt("fra", {stream(kFullAppend, kIdName), 2, 0, 2}, idNames({{1, "a"}, {2, "b"}, {3, "c"}})));
        QCOMPARE(m_pg.rows("SELECT _airbyte_generation_id, count(*) FROM fra.items GROUP BY 1 ORDER BY 1"),
                 (Rows{{"1", "2"}, {"2", "3"}}));
    }

    void incrementalAppendAppendsTheDelta() {
        SLUICE_VERIFY_OK(
            attempt("ia", {stream(kIncAppend, kIdName, {}, "id"), 0, 0, 1}, idNames({{1, "a"}, {2, "b"}})));
        SLUICE_VERIFY_OK(
            attempt("ia", {stream(kIncAppend, kIdName, {}, "id"), 0, 0, 2}, idNames({{2, "b"}, {3, "c"}})));
        QCOMPARE(m_pg.rows("SELECT id, name, _airbyte_generation_id FROM ia.items ORDER BY id, "
                           "_airbyte_extracted_at"),
                 (Rows{{"1", "a", "0"}, {"2", "b", "0"}, {"2", "b", "0"}, {"3", "c", "0"}}));
    }

    void appendDedupeKeepsGreatestCursor() {
        const StreamWritePlan plan{stream(kIncDedupe, kUsers, {"id"}, "updated_at"), 0, 0, 1};
        std::vector<Row> first = users({{1, "old", "2024-01-02"},
                                        {1, "newest", "2024-01-03"},
                                        {1, "older", "2024-01-01"},
                                        {2, "no cursor", nullptr},
                                        {3, "c1", "2024-01-01"}});
        // Equal cursors in one batch: the later extraction wins, whatever the order of delivery.
        first.push_back(row({Value::integer(4), text("late"), text("2024-01-05")}, 2000));
        first.push_back(row({Value::integer(4), text("early"), text("2024-01-05")}, 1000));
        SLUICE_VERIFY_OK(attempt("iad", plan, std::move(first), true, 3));
        QCOMPARE(m_pg.rows("SELECT id, name FROM iad.items ORDER BY id"),
                 (Rows{{"1", "newest"}, {"2", "no cursor"}, {"3", "c1"}, {"4", "late"}}));
        // A later version with a greater cursor wins; an equal cursor re-delivered later wins the tie; a NULL
        // cursor never beats a value (nulls last).
        SLUICE_VERIFY_OK(attempt("iad", plan,
                                 users({{1, "tie", "2024-01-03"},
                                        {2, "now with cursor", "2024-01-04"},
                                        {3, "null", nullptr},
                                        {4, "older", "2024-01-04"}})));
        QCOMPARE(m_pg.rows("SELECT id, name FROM iad.items ORDER BY id"),
                 (Rows{{"1", "tie"}, {"2", "now with cursor"}, {"3", "c1"}, {"4", "late"}}));
        QCOMPARE(m_pg.rows("SELECT count(*) FROM iad._airbyte_raw_items")[0][0], std::string("11"));
    }

    void cdcDeletionRemovesTheKey() {
        std::vector<Column> cols = kUsers;
        cols.push_back({"_ab_cdc_deleted_at", ColumnType::String});
        auto cdc = [](int64_t id, const char* name, const char* at, const char* deleted) {
            return row({Value::integer(id), text(name), text(at), text(deleted)});
        };
        const StreamWritePlan plan{stream(kIncDedupe, cols, {"id"}, "updated_at"), 0, 0, 1};
        SLUICE_VERIFY_OK(
            attempt("cdc", plan, {cdc(1, "a", "2024-01-01", nullptr), cdc(2, "b", "2024-01-01", nullptr)}));
        SLUICE_VERIFY_OK(attempt("cdc", plan, {cdc(1, "a", "2024-01-02", "2024-01-02")}));
        QCOMPARE(m_pg.rows("SELECT id, name FROM cdc.items ORDER BY id"), (Rows{{"2", "b"}}));
        QCOMPARE(m_pg.rows("SELECT count(*) FROM cdc._airbyte_raw_items")[0][0], std::string("3"));
        // The swap of an overwrite + dedupe stream leaves deleted keys out too.
        const StreamWritePlan over{stream(kOverwriteDedupe, cols, {"id"}, "updated_at"), 1, 1, 2};
        SLUICE_VERIFY_OK(attempt(
            "cdc", over, {cdc(1, "a", "2024-01-03", "2024-01-03"), cdc(3, "c", "2024-01-01", nullptr)}));
        QCOMPARE(m_pg.rows("SELECT id, name, _airbyte_generation_id FROM cdc.items ORDER BY id"),
                 (Rows{{"3", "c", "1"}}));
    }

    void valuesPostgresRefusesAreNulledAndListed() {
        const std::vector<Column> cols = {{"id", ColumnType::Integer}, {"n", ColumnType::Integer},
                                          {"t", ColumnType::String},   {"j", ColumnType::Json},
                                          {"b", ColumnType::Boolean},  {"x", ColumnType::Number}};
        std::vector<Row> rows;
        rows.push_back(row({Value::integer(1), Value::text("abc"), Value::text("tab\there\nnewline\\back\r"),
                            Value::json("{\"a\": [1, \"x\\ty\"]}"), Value::boolean(true), Value::real(1.5)}));
        rows.push_back(row({Value::integer(2), Value::text("12"), Value::text(std::string("nul\0byte", 8)),
                            Value::json("{bad"), Value::text("maybe"), Value::real(std::nan(""))}));
        rows.push_back(row({Value::integer(3), Value::real(2.0), Value::text("\xff\xfe not UTF-8"),
                            Value::json("{\"z\": \"\\u0000\"}"), Value::text("true"), Value::integer(3)}));
        SLUICE_VERIFY_OK(attempt("tc", {stream(kOverwrite, cols), 1, 1, 5}, std::move(rows)));
        // (moc cannot read raw strings inside macro arguments: expectations are built first)
        const Rows values = {
            {"1", "NULL", "tab\there\nnewline\\back\r", "{\"a\": [1, \"x\\ty\"]}", "t", "1.5"},
            {"2", "12", "NULL", "NULL", "NULL", "NaN"},
            {"3", "2", "NULL", "NULL", "t", "3"}};
        QCOMPARE(m_pg.rows("SELECT id, n, t, j::text, b, x FROM tc.items ORDER BY id"), values);
        auto nulled = [](const char* field) {
            return std::string("{\"field\": \"") + field +
                   "\", \"change\": \"NULLED\", \"reason\": " + "\"DESTINATION_TYPECAST_ERROR\"}";
        };
        const Rows meta = {{"5", "[" + nulled("n") + "]"},
                           {"5", "[" + nulled("t") + ", " + nulled("j") + ", " + nulled("b") + "]"},
                           {"5", "[" + nulled("t") + ", " + nulled("j") + "]"}};
        QCOMPARE(
            m_pg.rows("SELECT _airbyte_meta->>'sync_id', _airbyte_meta->'changes' FROM tc.items ORDER BY id"),
            meta);
    }

    // Binary COPY into the tables Sluice made, text COPY into a table whose column a user retyped: the
    // same values arrive either way, extraction times included (before 2000 too, where the binary
    // timestamp is negative).
    void bothCopyFormatsStoreTheSameValues() {
        const std::vector<Column> cols = {{"id", ColumnType::Integer},
                                          {"t", ColumnType::String},
                                          {"x", ColumnType::Number},
                                          {"b", ColumnType::Boolean},
                                          {"j", ColumnType::Json}};
        auto rows = [](int64_t base) {
            std::vector<Row> out;
            out.push_back(row({Value::integer(base + 1), Value::text("zürich \t\\ \"q\""), Value::real(-0.5),
                               Value::boolean(false), Value::json("{\"k\":[true,null]}")},
                              1700000000123));
            out.push_back(row({Value::integer(base + 2), Value::text(""), Value::real(1e300),
                               Value::boolean(true), Value::null()},
                              86400000));
            out.push_back(
                row({Value::integer(base - 9000000000000000000), Value::null(),
                     Value::real(-std::numeric_limits<double>::infinity()), Value::null(), Value::json("[]")},
                    1700000000999));
            return out;
        };
        const StreamWritePlan plan{stream(kFullAppend, cols), 1, 0, 3};
        SLUICE_VERIFY_OK(attempt("fmt", plan, rows(0)));
        QVERIFY(m_pg.exec("ALTER TABLE fmt.items ALTER COLUMN x TYPE numeric"));
        SLUICE_VERIFY_OK(attempt("fmt", plan, rows(100)));
        const std::string query =
            "SELECT id, t, x::float8, b, j::text, _airbyte_extracted_at AT TIME ZONE 'UTC', "
            "_airbyte_generation_id, _airbyte_meta::text FROM fmt.items ";
        const Rows first = m_pg.rows(query + "WHERE id IN (1, 2, -9000000000000000000) ORDER BY id");
        const Rows second = m_pg.rows(query + "WHERE id IN (101, 102, -8999999999999999900) ORDER BY id");
        const Rows expected = {{"-9000000000000000000", "NULL", "-Infinity", "NULL", "[]",
                                "2023-11-14 22:13:20.999", "1", "{\"changes\": [], \"sync_id\": 3}"},
                               {"1", "zürich \t\\ \"q\"", "-0.5", "f", "{\"k\": [true, null]}",
                                "2023-11-14 22:13:20.123", "1", "{\"changes\": [], \"sync_id\": 3}"},
                               {"2", "", "1e+300", "t", "NULL", "1970-01-02 00:00:00", "1",
                                "{\"changes\": [], \"sync_id\": 3}"}};
        QCOMPARE(first, expected);
        QCOMPARE(second.size(), size_t(3));
        for (size_t r = 0; r < 3; ++r)
            for (size_t c = 1; c < expected[r].size(); ++c)
                QCOMPARE(second[r][c], expected[r][c]);
        QCOMPARE(m_pg.rows("SELECT count(*) FROM fmt.items")[0][0], std::string("6"));
    }

    void stagingKeepsOldDataAndIsReusedOnlyBySameGeneration() {
        const auto s = stream(kOverwrite, kIdName);
        SLUICE_VERIFY_OK(attempt("nd", {s, 1, 1, 1}, idNames({{1, "a"}, {2, "b"}})));
        // Generation 2 is interrupted after one batch: the old rows stay in place and queryable.
        SLUICE_VERIFY_OK(attempt("nd", {s, 2, 2, 2}, idNames({{10, "x"}, {11, "y"}}), false));
        QCOMPARE(m_pg.rows("SELECT id, _airbyte_generation_id FROM nd.items ORDER BY id"),
                 (Rows{{"1", "1"}, {"2", "1"}}));
        QCOMPARE(m_pg.rows("SELECT count(*) FROM nd._airbyte_tmp_items")[0][0], std::string("2"));
        // The next attempt of the same generation continues on the staged rows.
        SLUICE_VERIFY_OK(attempt("nd", {s, 2, 2, 2}, idNames({{12, "z"}})));
        QCOMPARE(m_pg.rows("SELECT id, _airbyte_generation_id FROM nd.items ORDER BY id"),
                 (Rows{{"10", "2"}, {"11", "2"}, {"12", "2"}}));
        QCOMPARE(m_pg.tables("nd"), (std::vector<std::string>{"_airbyte_sluice_checkpoints",
                                                              "_airbyte_sluice_tables", "items"}));
        // A new generation never inherits staging left by an earlier one.
        SLUICE_VERIFY_OK(attempt("nd", {s, 3, 3, 3}, idNames({{20, "old staging"}}), false));
        SLUICE_VERIFY_OK(attempt("nd", {s, 4, 4, 4}, idNames({{30, "fresh"}})));
        QCOMPARE(m_pg.rows("SELECT id, name, _airbyte_generation_id FROM nd.items"),
                 (Rows{{"30", "fresh", "4"}}));
        QCOMPARE(m_pg.tables("nd"), (std::vector<std::string>{"_airbyte_sluice_checkpoints",
                                                              "_airbyte_sluice_tables", "items"}));
    }

    void clearEmptiesTheTables() {
        const auto s = stream(kIncDedupe, kUsers, {"id"}, "updated_at");
        SLUICE_VERIFY_OK(
            attempt("clr", {s, 0, 0, 1}, users({{1, "a", "2024-01-01"}, {2, "b", "2024-01-01"}})));
        StreamWritePlan clear{s, 1, 1, 2, true};
        SLUICE_VERIFY_OK(attempt("clr", clear, {}));
        QCOMPARE(m_pg.rows("SELECT count(*) FROM clr.items")[0][0], std::string("0"));
        QCOMPARE(m_pg.rows("SELECT count(*) FROM clr._airbyte_raw_items")[0][0], std::string("0"));
        QCOMPARE(m_pg.tables("clr"),
                 (std::vector<std::string>{"_airbyte_raw_items", "_airbyte_sluice_checkpoints",
                                           "_airbyte_sluice_tables", "items"}));
        auto cp = destination("clr")->lastCheckpoint(kConnection, "src", "items");
        QVERIFY(cp.ok() && cp.value());
        QCOMPARE(cp.value()->generation, int64_t(1));
    }

    void generationsStaleRowsAndDiff() {
        const auto s = stream(kIncDedupe, kUsers, {"id"}, "updated_at");
        SLUICE_VERIFY_OK(attempt(
            "gen", {s, 0, 0, 1},
            users({{1, "Evan", "2024-01-01"}, {2, "Davin", "2024-01-01"}, {3, "Benoit", "2024-01-01"}})));
        // Refresh and retain: generation 1 without Davin, Evan renamed.
        SLUICE_VERIFY_OK(
            attempt("gen", {s, 1, 0, 2}, users({{1, "Evan B.", "2024-01-01"}, {3, "Benoit", "2024-01-01"}})));
        QCOMPARE(m_pg.rows("SELECT id, name, _airbyte_generation_id FROM gen.items ORDER BY id"),
                 (Rows{{"1", "Evan B.", "1"}, {"2", "Davin", "0"}, {"3", "Benoit", "1"}}));
        auto d = destination("gen");
        auto report = d->generationReport(s, 1, 10);
        QVERIFY(report.ok());
        QCOMPARE(report->stored.size(), size_t(2));
        QCOMPARE(report->stored[0].records, int64_t(3));
        QCOMPARE(report->stored[1].records, int64_t(2));
        QCOMPARE(report->visible.size(), size_t(2));
        QCOMPARE(report->visible[0].records, int64_t(1));
        QCOMPARE(report->staleCount, int64_t(1));
        QCOMPARE(report->staleRows[0][1].second.s, std::string("Davin"));
        QCOMPARE(report->staleRows[0][3].first, std::string("_airbyte_generation_id"));
        QCOMPARE(report->staleRows[0][4].second.s.size(), size_t(24)); // 2024-01-01T00:00:00.000Z

        auto diff = d->diff(s, 0, 1);
        QVERIFY(diff.ok());
        QCOMPARE(diff->added.size(), size_t(0));
        QCOMPARE(diff->removed.size(), size_t(1));
        QCOMPARE(diff->removed[0][1].second.s, std::string("Davin"));
        QCOMPARE(diff->changed.size(), size_t(1));
        QCOMPARE(diff->changed[0].fields[0].field, std::string("name"));
        QCOMPARE(diff->changed[0].fields[0].to.s, std::string("Evan B."));

        // Refresh and remove: only the new generation is left.
        SLUICE_VERIFY_OK(
            attempt("gen", {s, 2, 2, 3}, users({{1, "Evan B.", "2024-01-01"}, {3, "Benoit", "2024-01-01"}})));
        QCOMPARE(m_pg.rows("SELECT id, _airbyte_generation_id FROM gen.items ORDER BY id"),
                 (Rows{{"1", "2"}, {"3", "2"}}));
        QCOMPARE(m_pg.rows("SELECT DISTINCT _airbyte_generation_id FROM gen._airbyte_raw_items"),
                 (Rows{{"2"}}));
        QCOMPARE(destination("gen")->rowCount(s).value(), int64_t(2));
    }

    void copyThroughput() {
        const std::vector<Column> cols = {{"id", ColumnType::Integer},     {"name", ColumnType::String},
                                          {"price", ColumnType::Number},   {"ok", ColumnType::Boolean},
                                          {"created", ColumnType::String}, {"tags", ColumnType::Json}};
        constexpr int64_t kRows = 200000, kBatch = 10000;
        for (const StreamMode mode : {kFullAppend, kIncDedupe}) {
            const StreamWritePlan plan{stream(mode, cols, {"id"}, "id"), 1, 0, 1};
            auto d = destination(mode == kFullAppend ? "speed_append" : "speed_dedupe");
            SLUICE_VERIFY_OK(d->begin(kConnection, {plan}));
            QElapsedTimer timer;
            timer.start();
            for (int64_t at = 0; at < kRows; at += kBatch) {
                std::vector<StreamBatch> batches(1);
                for (int64_t i = at; i < at + kBatch; ++i)
                    batches[0].rows.push_back(row(
                        {Value::integer(i), Value::text("name " + std::to_string(i)), Value::real(i * 0.25),
                         Value::boolean(i % 2), Value::text("2024-01-01T00:00:00Z"), Value::json("[1,2]")},
                        1700000000000));
                batches[0].checkpoint = DestinationCheckpoint{1, at / kBatch + 1, "{}"};
                SLUICE_VERIFY_OK(d->write(batches));
            }
            const double perSecond = kRows * 1000.0 / std::max<qint64>(timer.elapsed(), 1);
            qInfo("%s: %lld records in %lld ms: %.0f records/s", mode.label().c_str(),
                  static_cast<long long>(kRows), static_cast<long long>(timer.elapsed()), perSecond);
            QCOMPARE(m_pg.rows(std::string("SELECT count(*) FROM ") +
                               (mode == kFullAppend ? "speed_append" : "speed_dedupe") + ".items")[0][0],
                     std::to_string(kRows));
            // A floor well under the target, so a loaded machine does not fail the suite.
            QVERIFY2(perSecond > 20000, std::to_string(perSecond).c_str());
        }
    }
};

QTEST_GUILESS_MAIN(TestPostgresDestination)
#include "tst_postgres_destination.moc"
