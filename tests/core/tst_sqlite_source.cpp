// The sqlite source against real SQLite files: discovery, exact values, rowid resumption, incremental ties.
#include "recording_sink.h"
#include "sources/sqlite/sqlite_source.h"
#include "util/sqlite_db.h"

#include <QTemporaryDir>
#include <QtTest>
#include <nlohmann/json.hpp>
#include <set>

using namespace sluice::core;
using nlohmann::json;
using sluice::test::readOrFail;
using sluice::test::RecordingSink;

namespace {
class SourceFile {
public:
    SourceFile() : m_path(m_dir.filePath("source.sqlite").toStdString()) {}
    const std::string& path() const { return m_path; }
    void exec(const std::string& sql) const {
        auto db = Database::open(m_path);
        QVERIFY2(db.ok(), db.ok() ? "" : db.error().message.c_str());
        auto st = db->exec(sql);
        QVERIFY2(st.ok(), st.ok() ? "" : st.error().message.c_str());
    }
    std::unique_ptr<Source> source() const { return makeSqliteSource(json{{"path", m_path}}.dump()); }

private:
    QTemporaryDir m_dir;
    std::string m_path;
};

StreamInfo find(Source& source, const std::string& name) {
    auto streams = source.discover();
    if (!streams)
        qFatal("discover failed: %s", streams.error().message.c_str());
    for (const auto& s : *streams)
        if (s.name == name)
            return s;
    qFatal("no stream %s", name.c_str());
    return {};
}

ReadRequest request(Source& source, const std::string& name, SyncMode mode, const std::string& state = {},
                    int64_t interval = 10000, const std::string& cursor = "updated_at") {
    StreamReadSpec spec;
    spec.stream.stream = find(source, name);
    spec.stream.mode = {mode, mode == SyncMode::Incremental ? DestinationSyncMode::Append
                                                            : DestinationSyncMode::Overwrite};
    if (mode == SyncMode::Incremental)
        spec.stream.cursorField = {cursor};
    spec.stateJson = state;
    ReadRequest r;
    r.streams.push_back(spec);
    r.checkpointInterval = interval;
    return r;
}

std::vector<std::string> render(const std::vector<Row>& rows) {
    std::vector<std::string> out;
    for (const auto& row : rows) {
        std::string line;
        for (const auto& v : row.values)
            line += (line.empty() ? "" : "|") + v.toJson();
        out.push_back(line);
    }
    return out;
}

std::string finalState(const RecordingSink& sink) {
    return sink.statesOf(0).back().json;
}

void insertNumbers(const SourceFile& f, int count) {
    f.exec("CREATE TABLE numbers (n INTEGER, label TEXT);"
           "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < " +
           std::to_string(count) +
           ") INSERT INTO numbers SELECT i, 'n' || i FROM s;"
           "DELETE FROM numbers WHERE n % 97 = 0;"); // rowid gaps
}
} // namespace

class TestSqliteSource : public QObject {
    Q_OBJECT
private slots:
    void checkSaysWhatIsWrong() {
        SourceFile f;
        Status missing = f.source()->check();
        QVERIFY(!missing.ok());
        QCOMPARE(missing.error().kind, ErrorKind::Config);
        QCOMPARE(missing.error().message, "sqlite source: " + f.path() + " does not exist");

        QFile text(QString::fromStdString(f.path()));
        QVERIFY(text.open(QIODevice::WriteOnly));
        text.write(QByteArray("this is a text file, long enough to have a header of a database page\n")
                       .repeated(20));
        text.close();
        Status notDb = f.source()->check();
        QVERIFY(!notDb.ok());
        QCOMPARE(notDb.error().message, "sqlite source: " + f.path() + " is not a SQLite database");
        QVERIFY(!f.source()->discover().ok());

        QVERIFY(QFile::remove(QString::fromStdString(f.path())));
        f.exec("CREATE TABLE t (x)");
        QVERIFY(f.source()->check().ok());
        Status noPath = makeSqliteSource("{}")->check();
        QCOMPARE(noPath.error().kind, ErrorKind::Config);
        QVERIFY(noPath.error().message.find("`path`") != std::string::npos);
    }

    void discoversTypesKeysAndResumability() {
        SourceFile f;
        f.exec(R"(CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, score REAL, ratio DOUBLE PRECISION,
                    weight FLOAT, active BOOLEAN, meta JSON, created DATETIME, photo BLOB, anything, big BIGINT,
                    code VARCHAR(8), amount NUMERIC);
                  CREATE TABLE pairs (a TEXT, b INT, v VARCHAR(10), PRIMARY KEY (b, a)) WITHOUT ROWID;
                  CREATE VIEW active_users AS SELECT id, name FROM users WHERE active;
                  CREATE TABLE shadowed (rowid TEXT, oid TEXT, _rowid_ TEXT);
                  CREATE TABLE _airbyte_raw_users (x);
                  CREATE INDEX users_name ON users (name);
                  INSERT INTO users (name) VALUES ('a'); ANALYZE;)");
        auto streams = f.source()->discover();
        QVERIFY(streams.ok());
        std::vector<std::string> names;
        for (const auto& s : *streams) {
            names.push_back(s.name);
            QVERIFY(s.ns.empty());
            QVERIFY(!s.sourceDefinedCursor);
            QVERIFY(s.defaultCursorField.empty());
            QVERIFY(s.supports(SyncMode::FullRefresh) && s.supports(SyncMode::Incremental));
        }
        QCOMPARE(names, (std::vector<std::string>{"active_users", "pairs", "shadowed", "users"}));

        const StreamInfo users = (*streams)[3];
        const std::vector<Column> expected = {
            {"id", ColumnType::Integer},    {"name", ColumnType::String},
            {"score", ColumnType::Number},  {"ratio", ColumnType::Number},
            {"weight", ColumnType::Number}, {"active", ColumnType::Boolean},
            {"meta", ColumnType::Json},     {"created", ColumnType::String},
            {"photo", ColumnType::String},  {"anything", ColumnType::String},
            {"big", ColumnType::Integer},   {"code", ColumnType::String},
            {"amount", ColumnType::String}};
        QVERIFY(users.columns == expected);
        QCOMPARE(users.sourceDefinedPrimaryKey, std::vector<FieldPath>{FieldPath{"id"}});
        QVERIFY(users.isResumable);

        const StreamInfo pairs = (*streams)[1];
        QCOMPARE(pairs.sourceDefinedPrimaryKey, (std::vector<FieldPath>{FieldPath{"b"}, FieldPath{"a"}}));
        QVERIFY(!pairs.isResumable);
        const StreamInfo view = (*streams)[0];
        QVERIFY(view.columns ==
                (std::vector<Column>{{"id", ColumnType::Integer}, {"name", ColumnType::String}}));
        QVERIFY(view.sourceDefinedPrimaryKey.empty());
        QVERIFY(!view.isResumable);
        QVERIFY(!(*streams)[2].isResumable); // every rowid alias is a real column
        QVERIFY((*streams)[2].sourceDefinedPrimaryKey.empty());
    }

    void fullRefreshDeliversExactValues() {
        SourceFile f;
        f.exec(R"(CREATE TABLE "odd ""name""" (id INTEGER PRIMARY KEY, name TEXT, score REAL, active BOOLEAN,
                    meta JSON, photo BLOB, n INT);
                  INSERT INTO "odd ""name""" VALUES (1, 'Ann', 1.5, 1, '{"a": [1, 2]}', x'00ff10', 7);
                  INSERT INTO "odd ""name""" VALUES (2, 'Bob', 'lots', 0, 'plain text', NULL, '12');
                  INSERT INTO "odd ""name""" VALUES (3, 42, 2, 'yes', NULL, NULL, 2.5);)");
        auto source = f.source();
        RecordingSink sink = readOrFail(*source, request(*source, "odd \"name\"", SyncMode::FullRefresh));
        QCOMPARE(render(sink.rows[0]), (std::vector<std::string>{R"(1|"Ann"|1.5|true|{"a":[1,2]}|"AP8Q"|7)",
                                                                 R"(2|"Bob"|null|false|"plain text"|null|12)",
                                                                 R"(3|"42"|2.0|null|null|null|null)"}));
        QVERIFY(sink.rows[0][0].changes.empty());
        QCOMPARE(sink.rows[0][1].changes.size(), size_t(1));
        QCOMPARE(sink.rows[0][1].changes[0].field, std::string("score"));
        QCOMPARE(sink.rows[0][1].changes[0].change, std::string("NULLED"));
        QCOMPARE(sink.rows[0][2].changes.size(), size_t(2));
        QCOMPARE(sink.rows[0][2].changes[0].field, std::string("active"));
        QCOMPARE(sink.rows[0][2].changes[1].field, std::string("n"));
        QCOMPARE(finalState(sink), std::string("{}"));
        QCOMPARE(sink.completed, std::vector<size_t>{0});
        QCOMPARE(sink.estimates[0], int64_t(3));
    }

    void fullRefreshCheckpointsByRowid() {
        SourceFile f;
        insertNumbers(f, 25000);
        const int64_t total = 25000 - 25000 / 97;
        auto source = f.source();
        RecordingSink sink =
            readOrFail(*source, request(*source, "numbers", SyncMode::FullRefresh, {}, 4000));
        QCOMPARE(static_cast<int64_t>(sink.rows[0].size()), total);
        std::vector<std::string> states;
        for (const auto& s : sink.statesOf(0))
            states.push_back(s.json);
        // Every 4000 records within a chunk, after each full chunk of 10,000, then {} at the end.
        QCOMPARE(states.size(), size_t(8));
        QCOMPARE(sink.statesOf(0)[0].recordsBefore, size_t(4000));
        QCOMPARE(sink.statesOf(0)[2].recordsBefore, size_t(10000));
        QCOMPARE(states[2],
                 std::string(R"({"last_rowid":10104})")); // the 10,000th id that is no multiple of 97
        QCOMPARE(states.back(), std::string("{}"));
    }

    void resumesFromRowidStateWithoutLoss() {
        SourceFile f;
        insertNumbers(f, 25000);
        auto source = f.source();
        RecordingSink failed;
        failed.failOnRecord = 14321;
        const Status st = source->read(request(*source, "numbers", SyncMode::FullRefresh, {}, 3000), failed);
        QVERIFY(!st.ok());
        QCOMPARE(st.error().message, std::string("destination: disk full"));
        QVERIFY(failed.completed.empty());
        std::string state;
        std::vector<Row> kept = failed.committed(0, state);
        QCOMPARE(kept.size(), size_t(13000)); // the interval counts from each chunk's state
        QVERIFY(state.find("last_rowid") != std::string::npos);

        RecordingSink resumed =
            readOrFail(*source, request(*source, "numbers", SyncMode::FullRefresh, state, 3000));
        QVERIFY(!resumed.logs.empty() && resumed.logs[0].find("resumes after rowid") != std::string::npos);
        kept.insert(kept.end(), resumed.rows[0].begin(), resumed.rows[0].end());
        std::vector<int64_t> ids;
        for (const auto& r : kept)
            ids.push_back(r.values[0].i);
        std::vector<int64_t> expected;
        for (int64_t i = 1; i <= 25000; ++i)
            if (i % 97 != 0)
                expected.push_back(i);
        QCOMPARE(ids, expected); // each row exactly once, in rowid order
        QCOMPARE(finalState(resumed), std::string("{}"));
    }

    void viewsAndWithoutRowidReadAtOnce() {
        SourceFile f;
        f.exec(R"(CREATE TABLE pairs (a TEXT, b INT, PRIMARY KEY (a, b)) WITHOUT ROWID;
                  INSERT INTO pairs VALUES ('x', 2), ('x', 1), ('y', 0);
                  CREATE VIEW big_pairs AS SELECT a, b * 10 AS b10 FROM pairs WHERE b > 0;)");
        auto source = f.source();
        RecordingSink pairs = readOrFail(*source, request(*source, "pairs", SyncMode::FullRefresh, {}, 1));
        QCOMPARE(render(pairs.rows[0]), (std::vector<std::string>{R"("x"|1)", R"("x"|2)", R"("y"|0)"}));
        QCOMPARE(pairs.states.size(), size_t(1)); // no position to save
        RecordingSink refusing;
        refusing.failOnRecord = 2;
        const Status refused = source->read(request(*source, "pairs", SyncMode::FullRefresh), refusing);
        QCOMPARE(refused.error().message, std::string("destination: disk full")); // the sink's error, as is
        QCOMPARE(finalState(pairs), std::string("{}"));
        RecordingSink view = readOrFail(*source, request(*source, "big_pairs", SyncMode::FullRefresh));
        std::multiset<std::string> got;
        for (const auto& r : render(view.rows[0]))
            got.insert(r);
        // An expression has no declared type, so the view's column is a string one.
        QCOMPARE(got, (std::multiset<std::string>{R"("x"|"10")", R"("x"|"20")"}));
    }

    void incrementalKeepsTiesAndAddsNoDuplicates() {
        SourceFile f;
        f.exec(R"(CREATE TABLE kings (id INTEGER PRIMARY KEY, name TEXT, updated_at TEXT);
                  INSERT INTO kings VALUES (1, 'Louis XIV', '1715'), (2, 'Louis XV', '1774'),
                                           (3, 'Louis XVI', '1774');)");
        auto source = f.source();
        RecordingSink first = readOrFail(*source, request(*source, "kings", SyncMode::Incremental));
        QCOMPARE(first.rows[0].size(), size_t(3));
        const json state = json::parse(finalState(first));
        QCOMPARE(state["cursor"].get<std::string>(), std::string("1774"));
        QCOMPARE(state["boundary"].size(), size_t(2));

        RecordingSink unchanged =
            readOrFail(*source, request(*source, "kings", SyncMode::Incremental, state.dump()));
        QCOMPARE(unchanged.rows[0].size(), size_t(0));
        QCOMPARE(json::parse(finalState(unchanged)), state);

        // A new record at the saved maximum (a tie) and one above it.
        f.exec("INSERT INTO kings VALUES (4, 'Louis XVII', '1774'), (5, 'Louis XVIII', '1824')");
        RecordingSink next =
            readOrFail(*source, request(*source, "kings", SyncMode::Incremental, state.dump()));
        QCOMPARE(render(next.rows[0]),
                 (std::vector<std::string>{R"(4|"Louis XVII"|"1774")", R"(5|"Louis XVIII"|"1824")"}));
        RecordingSink again =
            readOrFail(*source, request(*source, "kings", SyncMode::Incremental, finalState(next)));
        QCOMPARE(again.rows[0].size(), size_t(0));
    }

    void incrementalComparesCursorsAsStored() {
        // A DATE column (string type) holding integers: 10 is above 9, as SQLite orders them.
        SourceFile f;
        f.exec("CREATE TABLE days (id INTEGER PRIMARY KEY, updated_at DATE);"
               "INSERT INTO days VALUES (1, 9), (2, NULL);");
        auto source = f.source();
        RecordingSink first = readOrFail(*source, request(*source, "days", SyncMode::Incremental));
        QCOMPARE(render(first.rows[0]), (std::vector<std::string>{R"(2|null)", R"(1|"9")"}));
        f.exec("INSERT INTO days VALUES (3, 10), (4, NULL)");
        RecordingSink next =
            readOrFail(*source, request(*source, "days", SyncMode::Incremental, finalState(first)));
        QCOMPARE(render(next.rows[0]),
                 (std::vector<std::string>{R"(3|"10")"})); // NULL cursors: first read only
    }

    void incrementalResumesMidRead_data() {
        QTest::addColumn<QString>("table");
        QTest::newRow("rowid table: (cursor, rowid) position") << "events";
        QTest::newRow("WITHOUT ROWID: offset position") << "events_wr";
        QTest::newRow("view: offset position") << "events_view";
    }

    void incrementalResumesMidRead() {
        QFETCH(QString, table);
        SourceFile f;
        f.exec(R"(CREATE TABLE events (id INTEGER PRIMARY KEY, updated_at INTEGER);
                  CREATE TABLE events_wr (id INTEGER PRIMARY KEY, updated_at INTEGER) WITHOUT ROWID;
                  CREATE VIEW events_view AS SELECT id, updated_at FROM events;
                  WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 40)
                  INSERT INTO events SELECT i, (i * 7) % 10 FROM s;
                  INSERT INTO events_wr SELECT * FROM events;)");
        auto source = f.source();
        const std::string name = table.toStdString();
        RecordingSink failed;
        failed.failOnRecord = 23;
        QVERIFY(!source->read(request(*source, name, SyncMode::Incremental, {}, 5), failed).ok());
        std::string state;
        std::vector<Row> kept = failed.committed(0, state);
        QCOMPARE(kept.size(), size_t(20));
        QVERIFY(json::parse(state).contains("position"));
        // Rows appear meanwhile, some sorting before the saved position: none is lost, none comes twice.
        f.exec("INSERT INTO events VALUES (41, 0), (42, 9); INSERT INTO events_wr VALUES (41, 0), (42, 9);");
        RecordingSink resumed = readOrFail(*source, request(*source, name, SyncMode::Incremental, state, 5));
        kept.insert(kept.end(), resumed.rows[0].begin(), resumed.rows[0].end());
        std::set<int64_t> ids;
        for (const auto& r : kept)
            ids.insert(r.values[0].i);
        QVERIFY(ids.size() >= 41);
        for (int64_t i = 1; i <= 40; ++i)
            QVERIFY2(ids.count(i), qPrintable(QString("row %1 lost").arg(i)));
        QVERIFY(ids.count(42));
        if (name == "events")
            QCOMPARE(kept.size(),
                     size_t(41)); // 41 sorts before the position: incremental reads never look back
        const json done = json::parse(finalState(resumed));
        QCOMPARE(done["cursor"].get<int64_t>(), int64_t(9));
        QVERIFY(!done.contains("position"));
    }

    void readRefusesUnknownStreamsAndCursors() {
        SourceFile f;
        f.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, updated_at TEXT)");
        auto source = f.source();
        ReadRequest r = request(*source, "t", SyncMode::Incremental, {}, 10000, "missing");
        RecordingSink sink;
        Status st = source->read(r, sink);
        QCOMPARE(st.error().kind, ErrorKind::Config);
        QVERIFY(st.error().message.find("`missing`") != std::string::npos);
        r.streams[0].stream.stream.name = "gone";
        st = source->read(r, sink);
        QCOMPARE(st.error().message, "sqlite source: there is no table or view `gone` in " + f.path());
    }
};

QTEST_GUILESS_MAIN(TestSqliteSource)
#include "tst_sqlite_source.moc"
