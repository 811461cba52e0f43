// The postgres source against a real throwaway server: discovery, types, CTID slices and resumption,
// incremental reads with ties, views, connection errors.
#include "pg_server.h"
#include "sources/postgres/postgres_source.h"
#include "test_support.h"

#include <QtTest>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

using namespace sluice::core;
using nlohmann::json;
using sluice::test::PgServer;

namespace {
// Records what a source delivers; refuses a given record like a failing destination would.
class RecordingSink : public RecordSink {
public:
    struct State {
        std::string json;
        size_t recordsBefore;
    };
    std::vector<Row> rows;
    std::vector<State> states;
    std::vector<std::string> logs;
    int completed = 0;
    int64_t failOnRecord = -1; // 1-based; -1: never

    Status record(size_t, Row&& row) override {
        if (static_cast<int64_t>(rows.size()) + 1 == failOnRecord)
            return Error::transient("destination: disk full");
        rows.push_back(std::move(row));
        return {};
    }
    Status state(size_t, const std::string& stateJson) override {
        states.push_back({stateJson, rows.size()});
        return {};
    }
    Status streamComplete(size_t) override {
        ++completed;
        return {};
    }
    void log(LogLevel, const std::string& message) override { logs.push_back(message); }

    std::vector<int64_t> ids(size_t column = 0) const {
        std::vector<int64_t> out;
        for (const auto& r : rows)
            out.push_back(r.values[column].i);
        return out;
    }
};

std::vector<int64_t> range(int64_t from, int64_t to) {
    std::vector<int64_t> out;
    for (int64_t i = from; i <= to; ++i)
        out.push_back(i);
    return out;
}
} // namespace

class TestPostgresSource : public QObject {
    Q_OBJECT

    PgServer m_pg;

    std::unique_ptr<Source> source() { return makePostgresSource(m_pg.configJson("src")); }

    StreamInfo discovered(const std::string& name) {
        auto streams = source()->discover();
        if (!streams)
            qFatal("discover failed: %s", streams.error().message.c_str());
        for (const auto& s : *streams)
            if (s.name == name)
                return s;
        qFatal("no stream %s", name.c_str());
        return {};
    }

    ReadRequest request(const std::string& name, SyncMode mode, std::string state = {},
                        int64_t interval = 10000, const std::string& cursor = "updated_at") {
        StreamReadSpec spec;
        spec.stream.stream = discovered(name);
        spec.stream.mode = mode == SyncMode::Incremental
                               ? StreamMode{SyncMode::Incremental, DestinationSyncMode::Append}
                               : StreamMode{SyncMode::FullRefresh, DestinationSyncMode::Overwrite};
        if (mode == SyncMode::Incremental)
            spec.stream.cursorField = {cursor};
        spec.stateJson = std::move(state);
        ReadRequest r;
        r.streams.push_back(spec);
        r.checkpointInterval = interval;
        return r;
    }

private slots:
    void initTestCase() {
        const QString err = m_pg.start();
        QVERIFY2(err.isEmpty(), qPrintable(err));
        QVERIFY(m_pg.exec(R"(
CREATE SCHEMA src;
CREATE TABLE src.items (id int PRIMARY KEY, name text, price numeric(10,2), qty bigint, ok boolean, tags text[],
  doc jsonb, created timestamp, updated timestamptz, day date, small smallint, ratio real);
INSERT INTO src.items VALUES
  (1, 'tab	and "quote"', 9.5, 10000000000, true, '{a,b}', '{"k": [1, 2]}', '2024-01-02 03:04:05',
   '2024-01-02 03:04:05.25+02', '2024-01-02', 7, 0.5),
  (2, NULL, NULL, NULL, false, '{}', NULL, NULL, NULL, NULL, NULL, NULL),
  (3, 'dear', 12, 1, NULL, NULL, '[]', '1999-12-31 23:59:59.999999', '1999-12-31 23:59:59+00', '1999-12-31', -1, 2);
CREATE VIEW src.cheap AS SELECT id, name FROM src.items WHERE price < 10;
CREATE TABLE src.big (id int PRIMARY KEY, payload text);
INSERT INTO src.big SELECT g, repeat('x', 40) || g FROM generate_series(1, 5000) g;
CREATE TABLE src.nokey (a int, b text);
CREATE TABLE src.events (id int PRIMARY KEY, updated_at timestamptz, note text);
CREATE TABLE src.ties (id int PRIMARY KEY, grp int NOT NULL, label text);
INSERT INTO src.ties SELECT g, g / 7, 'L' || g FROM generate_series(1, 50) g;
)"));
    }

    void checkSucceeds() { QVERIFY(source()->check().ok()); }

    void checkNamesWhatIsWrong() {
        const int port = PgServer::freePort();
        auto wrongPort = json::parse(m_pg.configJson("src"));
        wrongPort["port"] = port;
        auto st = makePostgresSource(wrongPort.dump())->check();
        QVERIFY(!st.ok());
        QVERIFY2(st.error().message.find("could not connect to 127.0.0.1:" + std::to_string(port) +
                                         ": connection "
                                         "refused") != std::string::npos,
                 st.error().message.c_str());
        QCOMPARE(int(st.error().kind), int(ErrorKind::Config)); // not retried: it will not fix itself

        auto wrongDb = json::parse(m_pg.configJson("src"));
        wrongDb["database"] = "nope";
        st = makePostgresSource(wrongDb.dump())->check();
        QVERIFY2(!st.ok() && st.error().message.find("\"nope\" does not exist (check `database`)") !=
                                 std::string::npos,
                 st.error().message.c_str());

        st = makePostgresSource(m_pg.configJson("missing"))->check();
        QVERIFY2(!st.ok() && st.error().message.find("schema `missing` does not exist") != std::string::npos,
                 st.error().message.c_str());
    }

    void discoverTablesAndViews() {
        auto streams = source()->discover();
        QVERIFY(streams.ok());
        std::vector<std::string> names;
        for (const auto& s : *streams)
            names.push_back(s.name);
        QCOMPARE(names, (std::vector<std::string>{"big", "cheap", "events", "items", "nokey", "ties"}));

        const StreamInfo items = discovered("items");
        QCOMPARE(items.ns, std::string("src"));
        std::vector<std::pair<std::string, ColumnType>> cols;
        for (const auto& c : items.columns)
            cols.emplace_back(c.name, c.type);
        QCOMPARE(cols, (std::vector<std::pair<std::string, ColumnType>>{{"id", ColumnType::Integer},
                                                                        {"name", ColumnType::String},
                                                                        {"price", ColumnType::Number},
                                                                        {"qty", ColumnType::Integer},
                                                                        {"ok", ColumnType::Boolean},
                                                                        {"tags", ColumnType::Json},
                                                                        {"doc", ColumnType::Json},
                                                                        {"created", ColumnType::String},
                                                                        {"updated", ColumnType::String},
                                                                        {"day", ColumnType::String},
                                                                        {"small", ColumnType::Integer},
                                                                        {"ratio", ColumnType::Number}}));
        QCOMPARE(items.sourceDefinedPrimaryKey, (std::vector<FieldPath>{{"id"}}));
        QVERIFY(!items.sourceDefinedCursor);
        QVERIFY(items.defaultCursorField.empty());
        QVERIFY(items.supports(SyncMode::FullRefresh) && items.supports(SyncMode::Incremental));
        QVERIFY(items.isResumable);

        const StreamInfo view = discovered("cheap");
        QVERIFY(!view.isResumable);
        QVERIFY(view.sourceDefinedPrimaryKey.empty());
        QVERIFY(discovered("nokey").sourceDefinedPrimaryKey.empty());
    }

    void fullRefreshConvertsValues() {
        RecordingSink sink;
        SLUICE_VERIFY_OK(source()->read(request("items", SyncMode::FullRefresh), sink));
        QCOMPARE(sink.rows.size(), size_t(3));
        auto display = [](const Row& r) {
            std::vector<std::string> out;
            for (const auto& v : r.values)
                out.push_back(v.isNull() ? "NULL" : v.toJson());
            return out;
        };
        const std::vector<std::string> first = {"1",
                                                "\"tab\\tand \\\"quote\\\"\"",
                                                "9.5",
                                                "10000000000",
                                                "true",
                                                "[\"a\", \"b\"]",
                                                "{\"k\": [1, 2]}",
                                                "\"2024-01-02T03:04:05.000000\"",
                                                "\"2024-01-02T01:04:05.250000Z\"",
                                                "\"2024-01-02\"",
                                                "7",
                                                "0.5"};
        QCOMPARE(display(sink.rows[0]), first);
        QCOMPARE(display(sink.rows[1]),
                 (std::vector<std::string>{"2", "NULL", "NULL", "NULL", "false", "[]", "NULL", "NULL", "NULL",
                                           "NULL", "NULL", "NULL"}));
        QCOMPARE(sink.rows[2].values[7].s, std::string("1999-12-31T23:59:59.999999"));
        QCOMPARE(sink.rows[2].values[8].s, std::string("1999-12-31T23:59:59.000000Z"));
        QCOMPARE(sink.rows[2].values[2].kind, Value::Kind::Real);
        QCOMPARE(sink.completed, 1);
        QCOMPARE(sink.states.back().json, std::string("{}"));
    }

    void declaredTypeMismatchIsNulled() {
        ReadRequest r = request("items", SyncMode::FullRefresh);
        r.streams[0].stream.stream.columns[1].type = ColumnType::Integer; // "name" configured as an integer
        r.streams[0].stream.stream.columns.push_back({"dropped_since", ColumnType::String});
        RecordingSink sink;
        SLUICE_VERIFY_OK(source()->read(r, sink));
        QVERIFY(sink.rows[0].values[1].isNull());
        QCOMPARE(sink.rows[0].changes.size(), size_t(1));
        QCOMPARE(sink.rows[0].changes[0].field, std::string("name"));
        QVERIFY(sink.rows[1].changes.empty()); // NULL fits every type
        QVERIFY(sink.rows[0].values.back().isNull());
    }

    void ctidSlicesCheckpointAndResume() {
        RecordingSink all;
        SLUICE_VERIFY_OK(source()->read(request("big", SyncMode::FullRefresh, {}, 500), all));
        QCOMPARE(all.ids(), range(1, 5000));
        QVERIFY2(all.states.size() >= 8, std::to_string(all.states.size()).c_str());
        QCOMPARE(all.states.back().json, std::string("{}"));
        int64_t lastPage = 0;
        for (size_t i = 0; i + 1 < all.states.size(); ++i) {
            const json s = json::parse(all.states[i].json);
            QVERIFY(s["ctid_page"].get<int64_t>() > lastPage);
            lastPage = s["ctid_page"].get<int64_t>();
            QVERIFY(s.contains("filenode"));
        }

        // A destination failure stops the read; the next attempt resumes at the last state: nothing lost,
        // nothing before that state delivered twice.
        RecordingSink failing;
        failing.failOnRecord = 2345;
        auto st = source()->read(request("big", SyncMode::FullRefresh, {}, 500), failing);
        QVERIFY(!st.ok());
        QCOMPARE(st.error().message, std::string("destination: disk full"));
        QCOMPARE(failing.completed, 0);
        const auto last = failing.states.back();
        QVERIFY(last.recordsBefore > 0 && last.recordsBefore < 2344);
        RecordingSink resumed;
        SLUICE_VERIFY_OK(source()->read(request("big", SyncMode::FullRefresh, last.json, 500), resumed));
        QVERIFY(!resumed.logs.empty() && resumed.logs[0].find("resumes at page") != std::string::npos);
        std::vector<int64_t> ids = failing.ids();
        ids.resize(last.recordsBefore);
        const auto rest = resumed.ids();
        ids.insert(ids.end(), rest.begin(), rest.end());
        QCOMPARE(ids, range(1, 5000));

        // A table rewritten since the saved position (VACUUM FULL moves rows) is read again from the start.
        QVERIFY(m_pg.exec("VACUUM FULL src.big"));
        RecordingSink rewritten;
        SLUICE_VERIFY_OK(source()->read(request("big", SyncMode::FullRefresh, last.json, 500), rewritten));
        QCOMPARE(rewritten.ids(), range(1, 5000));
    }

    void viewIsReadInOnePass() {
        RecordingSink sink;
        SLUICE_VERIFY_OK(source()->read(request("cheap", SyncMode::FullRefresh, {}, 1), sink));
        QCOMPARE(sink.ids(), (std::vector<int64_t>{1}));
        QCOMPARE(sink.states.size(), size_t(1)); // no mid-read states: not resumable
        QCOMPARE(sink.states[0].json, std::string("{}"));
    }

    void incrementalKeepsTiesAtTheBoundary() {
        QVERIFY(m_pg.exec("INSERT INTO src.events VALUES (1, '2024-01-01', 'a'), (2, '2024-01-02', 'b'), "
                          "(3, '2024-01-02', 'c'), (4, NULL, 'no cursor')"));
        RecordingSink first;
        SLUICE_VERIFY_OK(source()->read(request("events", SyncMode::Incremental), first));
        auto ids = first.ids();
        QCOMPARE(ids.front(), int64_t(4)); // NULL cursors first, on a first read only
        std::sort(ids.begin(), ids.end());
        QCOMPARE(ids, range(1, 4));
        const std::string s1 = first.states.back().json;
        QCOMPARE(json::parse(s1)["cursor"].get<std::string>(), std::string("2024-01-02T00:00:00.000000Z"));

        // Unchanged: nothing again, not even the rows at the saved maximum.
        RecordingSink again;
        SLUICE_VERIFY_OK(source()->read(request("events", SyncMode::Incremental, s1), again));
        QVERIFY(again.rows.empty());

        // A new row AT the saved maximum is not lost; one above it comes too; one below does not.
        QVERIFY(m_pg.exec("INSERT INTO src.events VALUES (5, '2024-01-02', 'tie'), (6, '2024-01-03', 'd'), "
                          "(7, '2023-12-31', 'late'), (8, NULL, 'null later')"));
        RecordingSink second;
        SLUICE_VERIFY_OK(source()->read(request("events", SyncMode::Incremental, s1), second));
        QCOMPARE(second.ids(), (std::vector<int64_t>{5, 6}));
        RecordingSink third;
        SLUICE_VERIFY_OK(
            source()->read(request("events", SyncMode::Incremental, second.states.back().json), third));
        QVERIFY(third.rows.empty());
    }

    void incrementalChunksNeverSplitTies_data() {
        QTest::addColumn<int>("interval");
        QTest::newRow("group larger than a chunk") << 5;
        QTest::newRow("chunk larger than a group") << 10;
    }

    void incrementalChunksNeverSplitTies() {
        QFETCH(int, interval);
        RecordingSink all;
        SLUICE_VERIFY_OK(source()->read(request("ties", SyncMode::Incremental, {}, interval, "grp"), all));
        auto sorted = all.ids();
        std::sort(sorted.begin(), sorted.end());
        QCOMPARE(sorted, range(1, 50));
        QVERIFY(all.states.size() > 3);

        // Interrupted anywhere and resumed from the last state: every row exactly once.
        for (int64_t failAt : {3, 17, 29, 48}) {
            RecordingSink failing;
            failing.failOnRecord = failAt;
            QVERIFY(
                !source()->read(request("ties", SyncMode::Incremental, {}, interval, "grp"), failing).ok());
            std::vector<int64_t> ids;
            std::string state;
            if (!failing.states.empty()) {
                const auto& last = failing.states.back();
                ids = failing.ids();
                ids.resize(last.recordsBefore);
                state = last.json;
            }
            RecordingSink resumed;
            SLUICE_VERIFY_OK(
                source()->read(request("ties", SyncMode::Incremental, state, interval, "grp"), resumed));
            for (auto id : resumed.ids())
                ids.push_back(id);
            std::sort(ids.begin(), ids.end());
            QCOMPARE(ids, range(1, 50));
        }
    }
};

QTEST_GUILESS_MAIN(TestPostgresSource)
#include "tst_postgres_source.moc"
