// Odd data from sources never crashes a job (issue 12, point 4), driven through sluicectl on real files:
// - text that is not UTF-8 (a SQLite TEXT cell cast from a BLOB, a column or table name of such bytes, a
// JSONL
//   line saved as Latin-1, a connector printing raw bytes) is stored with U+FFFD for the odd bytes and a
//   `{"field": f, "change": "TRUNCATED", "reason": "SOURCE_SERIALIZATION_ERROR"}` change; discover --json
//   shows such names repaired, and the source table is still read by its real name; a cursor of such text
//   still advances the state, which is valid JSON, and the next sync delivers nothing twice;
// - a JSONL record nested 100,000 deep fails the job (not SIGSEGV) naming the file and the line;
// - an exception in a job's code fails the job with its message (status failed, not running), unretried.
#include "airbyte_test_support.h"
#include "e2e_home.h"
#include "util/sqlite_db.h"

#include <QJsonArray>

using namespace sluice::test;

namespace {
const std::string kFffd = "\xEF\xBF\xBD";

void execSql(const QString& path, const std::string& sql) {
    auto db = sluice::core::Database::open(path.toStdString());
    QVERIFY(db.ok());
    auto st = db->exec(sql);
    QVERIFY2(st.ok(), st.ok() ? "" : st.error().message.c_str());
}

// A connection file into the SQLite warehouse.
QByteArray connection(const std::string& name, const json& source, const json& streams, int maxAttempts = 1) {
    return QByteArray::fromStdString(
        json{{"name", name},
             {"source", source},
             {"destination", {{"type", "sqlite"}, {"config", {{"path", "warehouse.sqlite"}}}}},
             {"streams", streams},
             {"settings", {{"retry", {{"max_attempts", maxAttempts}, {"backoff_seconds", 0}}}}}}
            .dump());
}

// Each change of a table's rows: field, change, reason, sorted.
Rows changes(const E2eHome& h, const std::string& table) {
    return h.rows("SELECT c.value ->> 'field', c.value ->> 'change', c.value ->> 'reason' FROM \"" + table +
                  "\", json_each(\"_airbyte_meta\", '$.changes') c ORDER BY 1, 2");
}

// The stored state of a stream of the connection, as sluicectl shows it.
QJsonObject streamState(const E2eHome& h, const QString& id, const QString& stream) {
    const QJsonDocument doc = h.cliJson({"state", id});
    for (const QJsonValue s : doc["streams"].toArray())
        if (s.toObject()["name"].toString() == stream)
            return s.toObject()["state"].toObject();
    return {};
}

QJsonObject lastJob(const E2eHome& h, const QString& id) {
    return h.cliJson({"jobs", id}).array().first().toObject();
}

const std::vector<std::string> kTruncated = {"TRUNCATED", "SOURCE_SERIALIZATION_ERROR"};

std::vector<std::string> change(const std::string& field) {
    return {field, kTruncated[0], kTruncated[1]};
}
} // namespace

class TestOddData : public QObject {
    Q_OBJECT
private slots:
    void sqliteTextAndNamesThatAreNotUtf8() {
        E2eHome h;
        const QString source = h.path("shop.sqlite");
        // Seen: one such TEXT value failed the whole job with "[json.exception.type_error.316] invalid UTF-8
        // byte at index 1"; such a name failed discover --json the same way.
        execSql(source, "CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT, \"n\xE4me\" TEXT, "
                        "updated TEXT);"
                        "INSERT INTO people VALUES (1, 'Ann', 'plain', '2024-01-01');"
                        "INSERT INTO people VALUES (2, CAST(X'436166E9' AS TEXT), CAST(X'FF' AS TEXT), "
                        "CAST(X'323032342D30312D3032FF' AS TEXT));"
                        "CREATE TABLE \"t\xFF\" (id INTEGER PRIMARY KEY, label TEXT);"
                        "INSERT INTO \"t\xFF\" VALUES (7, 'seven');");
        const std::string odd = "t" + kFffd;
        const QString id = h.createConnection(
            connection("shop", {{"type", "sqlite"}, {"config", {{"path", "shop.sqlite"}}}},
                       json::array({{{"name", "people"},
                                     {"sync_mode", "incremental"},
                                     {"destination_sync_mode", "append"},
                                     {"cursor_field", {"updated"}}},
                                    {{"name", odd}, {"destination_sync_mode", "overwrite"}}})));
        QVERIFY(!id.isEmpty());

        auto discover = h.cli({"discover", id, "--json"});
        QVERIFY2(discover.exitCode == 0, qPrintable(discover.err));
        const QJsonArray streams = QJsonDocument::fromJson(discover.out.toUtf8())["streams"].toArray();
        QCOMPARE(streams.size(), 2);
        QCOMPARE(streams[0]["name"].toString(), QStringLiteral("people"));
        QCOMPARE(streams[0]["json_schema"]["x-sluice-column-order"].toArray(),
                 (QJsonArray{"id", "name", QString::fromStdString("n" + kFffd + "me"), "updated"}));
        QCOMPARE(streams[1]["name"].toString(), QString::fromStdString(odd));

        auto sync = h.cli({"sync", id});
        QVERIFY2(sync.exitCode == 0, qPrintable(sync.err));
        QCOMPARE(
            h.rows("SELECT id, name, \"n" + kFffd + "me\", updated FROM people ORDER BY id"),
            (Rows{{"1", "Ann", "plain", "2024-01-01"}, {"2", "Caf" + kFffd, kFffd, "2024-01-02" + kFffd}}));
        QCOMPARE(changes(h, "people"), (Rows{change("name"), change("n" + kFffd + "me"), change("updated")}));
        // The table whose name is not UTF-8 was read by its real name.
        QCOMPARE(h.rows("SELECT id, label FROM \"" + odd + "\""), (Rows{{"7", "seven"}}));
        QVERIFY(changes(h, odd).empty());

        // The cursor advanced to the repaired text; the state is JSON (sluicectl parsed it).
        QCOMPARE(streamState(h, id, "people")["cursor"].toString(),
                 QString::fromStdString("2024-01-02" + kFffd));
        // Nothing twice at the boundary; a new row comes once.
        QCOMPARE(h.cli({"sync", id}).exitCode, 0);
        QCOMPARE(h.rows("SELECT count(*) FROM people"), (Rows{{"2"}}));
        execSql(source, "INSERT INTO people VALUES (3, 'Cid', 'x', '2024-01-03')");
        QCOMPARE(h.cli({"sync", id}).exitCode, 0);
        QCOMPARE(h.rows("SELECT id FROM people ORDER BY id"), (Rows{{"1"}, {"2"}, {"3"}}));
        QCOMPARE(streamState(h, id, "people")["cursor"].toString(), QStringLiteral("2024-01-03"));
    }

    void jsonlLatin1AndDeepNesting() {
        E2eHome h;
        h.write("data.jsonl", "{\"id\": 1, \"name\": \"caf\xE9\", \"doc\": {\"k\": \"\xFF\"}}\n"
                              "{\"id\": 2, \"name\": \"ok\", \"doc\": null}\n");
        const QString id =
            h.createConnection(connection("files", {{"type", "file"}, {"config", {{"path", "data.jsonl"}}}},
                                          json::array({{{"name", "data"},
                                                        {"sync_mode", "incremental"},
                                                        {"destination_sync_mode", "append"},
                                                        {"cursor_field", {"id"}}}}),
                                          3));
        auto sync = h.cli({"sync", id});
        QVERIFY2(sync.exitCode == 0, qPrintable(sync.err));
        QCOMPARE(h.rows("SELECT id, name, doc FROM data ORDER BY id"),
                 (Rows{{"1", "caf" + kFffd, "{\"k\":\"" + kFffd + "\"}"}, {"2", "ok", "NULL"}}));
        QCOMPARE(changes(h, "data"), (Rows{change("doc"), change("name")}));
        QCOMPARE(streamState(h, id, "data")["cursor"].toInt(), 2);

        // Seen: 100,000 levels made sync die with SIGSEGV and left the job running (50,000 worked).
        QFile file(h.path("data.jsonl"));
        QVERIFY(file.open(QIODevice::Append));
        file.write("{\"id\": 3, \"doc\": " + QByteArray(100000, '[') + QByteArray(100000, ']') + "}\n");
        file.close();
        auto deep = h.cli({"sync", id});
        QCOMPARE(deep.exitCode, 1);
        QVERIFY2(
            deep.err.contains("data.jsonl:3: the record is nested deeper than 1000 levels (Sluice's limit "
                              "for JSON)"),
            qPrintable(deep.err));
        const QJsonObject job = lastJob(h, id);
        QCOMPARE(job["status"].toString(), QStringLiteral("failed"));
        QVERIFY(
            job["error"].toString().contains("data.jsonl:3: the record is nested deeper than 1000 levels"));
        QCOMPARE(h.rows("SELECT count(*) FROM data"), (Rows{{"2"}}));
        QCOMPARE(streamState(h, id, "data")["cursor"].toInt(), 2);
    }

    void connectorPrintingBytesThatAreNotUtf8() {
        E2eHome h;
        // Seen: such a line failed the attempt as "not valid JSON".
        json config = {{"streams", json::array({{{"name", "users"}, {"count", 3}}})},
                       {"checkpoint_every", 2},
                       {"odd_bytes", true}};
        const QString id = h.createConnection(connection(
            "conn", {{"type", "airbyte"}, {"config", {{"command", {fakeSource()}}, {"config", config}}}},
            json::array(
                {{{"name", "users"}, {"sync_mode", "incremental"}, {"destination_sync_mode", "append"}}})));
        auto sync = h.cli({"sync", id});
        QVERIFY2(sync.exitCode == 0, qPrintable(sync.err));
        QCOMPARE(h.rows("SELECT id, name, meta FROM users ORDER BY id"),
                 (Rows{{"1", "users-1" + kFffd, "{\"n\":1,\"tags\":[\"a\",\"b" + kFffd + "\"]}"},
                       {"2", "users-2" + kFffd, "{\"n\":2,\"tags\":[\"a\",\"b" + kFffd + "\"]}"},
                       {"3", "users-3" + kFffd, "{\"n\":3,\"tags\":[\"a\",\"b" + kFffd + "\"]}"}}));
        QCOMPARE(changes(h, "users"), (Rows{change("meta"), change("meta"), change("meta"), change("name"),
                                            change("name"), change("name")}));
        const QJsonObject state = streamState(h, id, "users");
        QCOMPARE(state["cursor"].toInt(), 3);
        QCOMPARE(state["last_name"].toString(), QString::fromStdString("users-3" + kFffd));
        QCOMPARE(lastJob(h, id)["status"].toString(), QStringLiteral("succeeded"));
        // The repaired state went back to the connector, which resumed after record 3.
        QCOMPARE(h.cli({"sync", id}).exitCode, 0);
        QCOMPARE(h.rows("SELECT count(*) FROM users"), (Rows{{"3"}}));
    }

    void anExceptionFailsTheJobNotTheProcess() {
        E2eHome h;
        const QString id = h.createConnection(connection(
            "demo", {{"type", "demo"}, {"config", {{"count", 50}}}}, json::array({{{"name", "users"}}}), 3));
        // Thrown after the destination committed the stream: before, the exception left the job `running`.
        qputenv("SLUICE_FAULT", "after-stream-complete:1:throw");
        auto r = h.cli({"sync", id});
        qunsetenv("SLUICE_FAULT");
        QCOMPARE(r.exitCode, 1);
        const QString message =
            "unexpected error while running the attempt: fault injected at after-stream-complete";
        QVERIFY2(r.err.contains("job 1 failed: " + message), qPrintable(r.err));
        const QJsonObject job = lastJob(h, id);
        QCOMPARE(job["status"].toString(), QStringLiteral("failed"));
        QCOMPARE(job["error"].toString(), message);
        // Not retried: the same data would throw again.
        const QJsonArray attempts = job["attempts"].toArray();
        QCOMPARE(attempts.size(), 1);
        QCOMPARE(attempts[0]["status"].toString(), QStringLiteral("failed"));
        // The next sync runs as usual.
        QCOMPARE(h.cli({"sync", id}).exitCode, 0);
        QCOMPARE(lastJob(h, id)["status"].toString(), QStringLiteral("succeeded"));
        QCOMPARE(h.rows("SELECT count(DISTINCT id) FROM users"), (Rows{{"50"}}));
    }
};

QTEST_GUILESS_MAIN(TestOddData)
#include "tst_odd_data.moc"
