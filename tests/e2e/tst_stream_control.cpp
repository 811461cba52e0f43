// Issue 14, points 1 and 6: syncing chosen streams only, and seeing, editing and undoing a stream's state,
// through the real sluicectl on file, SQLite and connector sources.
#include "e2e_home.h"
#include "util/sqlite_db.h"

#include <QJsonArray>
#include <QProcess>
#include <QtTest>
#include <nlohmann/json.hpp>

using namespace sluice::test;
using nlohmann::json;

namespace {

// Three streams of files: users (incremental dedupe by updated_at), orders (incremental append by id),
// events (full refresh).
const QByteArray kFiles = R"({"name": "shop",
  "source": {"type": "file", "config": {"path": "data"}},
  "destination": {"type": "sqlite", "config": {"path": "warehouse.sqlite"}},
  "streams": [{"name": "users", "sync_mode": "incremental", "destination_sync_mode": "append_dedup",
               "cursor_field": ["updated_at"], "primary_key": [["user_id"]]},
              {"name": "orders", "sync_mode": "incremental", "destination_sync_mode": "append",
               "cursor_field": ["order_id"]},
              {"name": "events", "sync_mode": "full_refresh", "destination_sync_mode": "append"}],
  "settings": {"retry": {"max_attempts": 1}}})";

void writeFiles(const E2eHome& h, int orders) {
    h.write("data/users.jsonl", R"({"user_id": 1, "name": "Ann", "updated_at": "2024-01-01"}
{"user_id": 2, "name": "Bob", "updated_at": "2024-01-02"}
{"user_id": 3, "name": "Cid", "updated_at": "2024-01-03"}
)");
    QByteArray text;
    for (int i = 1; i <= orders; ++i)
        text +=
            "{\"order_id\": " + QByteArray::number(i) + ", \"total\": " + QByteArray::number(i * 10) + "}\n";
    h.write("data/orders.jsonl", text);
    h.write("data/events.jsonl", "{\"kind\": \"start\"}\n{\"kind\": \"stop\"}\n");
}

QJsonObject streamState(const E2eHome& h, const QString& id, const QString& stream) {
    return h.cliJson({"state", id, "--stream", stream}).object();
}

QString compact(const QJsonValue& v) {
    return QString::fromUtf8(QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact));
}

QJsonArray generations(const E2eHome& h, const QString& id, const QString& stream) {
    return h.cliJson({"generations", id, "--stream", stream})["generations"].toArray();
}

QByteArray connectorConnection(const E2eHome& h, const json& fakeConfig) {
    json c = {{"name", "fake"},
              {"source",
               {{"type", "airbyte"},
                {"config",
                 {{"command",
                   {(qEnvironmentVariable("SLUICE_TEST_DATA") + "/connectors/fake_source.py").toStdString()}},
                  {"config", fakeConfig}}}}},
              {"destination", {{"type", "sqlite"}, {"config", {{"path", "warehouse.sqlite"}}}}},
              {"streams",
               {{{"name", "users"}, {"sync_mode", "incremental"}, {"destination_sync_mode", "append"}},
                {{"name", "orders"}, {"sync_mode", "incremental"}, {"destination_sync_mode", "append"}}}},
              {"settings", {{"retry", {{"max_attempts", 1}}}}}};
    (void)h;
    return QByteArray::fromStdString(c.dump());
}

} // namespace

class TestStreamControl : public QObject {
    Q_OBJECT
private slots:
    // Point 1: the chosen stream syncs; the others are not read, not bumped, and keep their state.
    void syncOnlyChosenStreamsOfFiles() {
        E2eHome h;
        writeFiles(h, 2);
        const QString id = h.createConnection(kFiles);
        QCOMPARE(h.cli({"sync", id}).exitCode, 0);
        const QString ordersState = compact(streamState(h, id, "orders")["state"]);
        const QJsonArray eventGenerations = generations(h, id, "events");
        QCOMPARE(eventGenerations.size(), 1);

        writeFiles(h, 4); // two new orders
        h.write("data/users.jsonl", R"({"user_id": 1, "name": "Ann", "updated_at": "2024-01-01"}
{"user_id": 2, "name": "Bobby", "updated_at": "2024-01-05"}
{"user_id": 3, "name": "Cid", "updated_at": "2024-01-03"}
)");
        auto job = h.cliJson({"sync", id, "--stream", "users", "--json"});
        QCOMPARE(job["status"].toString(), QStringLiteral("succeeded"));
        const QJsonArray streams = job["streams"].toArray();
        QCOMPARE(streams.size(), 1);
        QCOMPARE(streams[0]["name"].toString(), QStringLiteral("users"));
        QCOMPARE(streams[0]["records_committed"].toInt(), 1);
        QCOMPARE(h.rows("SELECT user_id, name FROM users ORDER BY user_id"),
                 (Rows{{"1", "Ann"}, {"2", "Bobby"}, {"3", "Cid"}}));
        // orders was not read: its two new records wait for the next sync, its state is the same object.
        QCOMPARE(h.rows("SELECT order_id FROM orders ORDER BY order_id"), (Rows{{"1"}, {"2"}}));
        QCOMPARE(compact(streamState(h, id, "orders")["state"]), ordersState);
        // events (full refresh) was not bumped: still the one generation of the first sync, its rows once.
        QCOMPARE(generations(h, id, "events"), eventGenerations);
        QCOMPARE(h.rows("SELECT count(*) FROM events"), (Rows{{"2"}}));

        // Both named: both sync; the next full sync then finds nothing new for them.
        auto both = h.cliJson({"sync", id, "--stream", "orders", "--stream", "events", "--json"});
        QCOMPARE(both["streams"].toArray().size(), 2);
        QCOMPARE(h.rows("SELECT order_id FROM orders ORDER BY order_id"), (Rows{{"1"}, {"2"}, {"3"}, {"4"}}));
        QCOMPARE(generations(h, id, "events").size(), 2);
    }

    void syncOfUnknownStreamIsRefusedAndRunsNothing() {
        E2eHome h;
        writeFiles(h, 2);
        const QString id = h.createConnection(kFiles);
        const CliRun r = h.cli({"sync", id, "--stream", "users", "--stream", "nope"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(
            r.err.contains("connection `shop` has no stream `nope` (its streams: users, orders, events)"),
            qPrintable(r.err));
        QCOMPARE(h.cliJson({"jobs", id}).array().size(), 0);
        QVERIFY(!QFile::exists(h.warehouse()) || h.tables().empty());
    }

    // Point 1 on a SQLite source: the unnamed table is not read.
    void syncOnlyChosenStreamsOfSqlite() {
        E2eHome h;
        {
            auto db = sluice::core::Database::open(h.path("shop.sqlite").toStdString());
            QVERIFY(db.ok());
            QVERIFY(
                db->exec("CREATE TABLE a (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO a VALUES (1, 'x');"
                         "CREATE TABLE b (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO b VALUES (1, 'y');")
                    .ok());
        }
        const QString id = h.createConnection(R"({"name": "two",
          "source": {"type": "sqlite", "config": {"path": "shop.sqlite"}},
          "destination": {"type": "sqlite", "config": {"path": "warehouse.sqlite"}},
          "streams": [{"name": "a", "sync_mode": "incremental", "destination_sync_mode": "append_dedup",
                       "cursor_field": ["id"]},
                      {"name": "b", "sync_mode": "incremental", "destination_sync_mode": "append_dedup",
                       "cursor_field": ["id"]}]})");
        QCOMPARE(h.cli({"sync", id, "--stream", "b"}).exitCode, 0);
        QCOMPARE(h.rows("SELECT id, v FROM b"), (Rows{{"1", "y"}}));
        const auto tables = h.tables();
        QVERIFY(std::find(tables.begin(), tables.end(), "a") == tables.end());
        QVERIFY(streamState(h, id, "a")["state"].isNull());
        QCOMPARE(h.cli({"sync", id}).exitCode, 0);
        QCOMPARE(h.rows("SELECT id, v FROM a"), (Rows{{"1", "x"}}));
    }

    // Point 1 with a connector: the catalog it gets holds the chosen stream only.
    void connectorReadsOnlyTheChosenStream() {
        E2eHome h;
        const QString id =
            h.createConnection(connectorConnection(h, {{"dump_dir", h.path("dump").toStdString()}}));
        QCOMPARE(h.cli({"sync", id, "--stream", "orders"}).exitCode, 0);
        QFile dump(h.path("dump/read.json"));
        QVERIFY(dump.open(QIODevice::ReadOnly));
        const json read = json::parse(dump.readAll().toStdString());
        const json catalog = json::parse(read["catalog"].get<std::string>());
        QCOMPARE(catalog["streams"].size(), size_t(1));
        QCOMPARE(QString::fromStdString(catalog["streams"][0]["stream"]["name"].get<std::string>()),
                 QStringLiteral("orders"));
        QCOMPARE(h.rows("SELECT count(*) FROM orders"), (Rows{{"10"}}));
        QVERIFY(streamState(h, id, "users")["state"].isNull());
    }

    // Point 6: see a state, set a cursor (confirmed), sync from it, undo back to what it was.
    void setCursorSyncFromItAndUndo() {
        E2eHome h;
        writeFiles(h, 5);
        const QString id = h.createConnection(kFiles);
        QCOMPARE(h.cli({"sync", id}).exitCode, 0);
        const QJsonObject before = streamState(h, id, "orders");
        QCOMPARE(before["state"].toObject()["cursor"].toInt(), 5);
        QCOMPARE(before["edits"].toArray().size(), 0);

        // Without --yes and without a terminal: refused, nothing changed.
        const CliRun unconfirmed = h.cli({"state", "set", id, "--stream", "orders", "--cursor", "3"});
        QCOMPARE(unconfirmed.exitCode, 2);
        QVERIFY2(unconfirmed.err.contains("refusing without confirmation: pass --yes"),
                 qPrintable(unconfirmed.err));
        QVERIFY2(unconfirmed.err.contains("after: {\"cursor\":3}"), qPrintable(unconfirmed.err));
        QCOMPARE(compact(streamState(h, id, "orders")["state"]), compact(before["state"]));

        const CliRun set = h.cli({"state", "set", id, "--stream", "orders", "--cursor", "3", "--yes"});
        QCOMPARE(set.exitCode, 0);
        QVERIFY2(set.out.contains("state set to {\"cursor\":3}"), qPrintable(set.out));
        const QJsonObject edited = streamState(h, id, "orders");
        QCOMPARE(compact(edited["state"]), QStringLiteral("{\"cursor\":3}"));
        const QJsonArray edits = edited["edits"].toArray();
        QCOMPARE(edits.size(), 1);
        QCOMPARE(edits[0]["action"].toString(), QStringLiteral("set"));
        QCOMPARE(edits[0]["program"].toString(), QStringLiteral("cli"));
        QCOMPARE(compact(edits[0]["previous_state"]), compact(before["state"]));
        QCOMPARE(compact(edits[0]["new_state"]), QStringLiteral("{\"cursor\":3}"));

        // Undo brings back exactly the state before the edit.
        QCOMPARE(h.cli({"state", "undo", id, "--stream", "orders", "--yes"}).exitCode, 0);
        const QJsonObject undone = streamState(h, id, "orders");
        QCOMPARE(compact(undone["state"]), compact(before["state"]));
        QCOMPARE(undone["edits"].toArray().size(), 2);
        QCOMPARE(undone["edits"][0]["action"].toString(), QStringLiteral("undo"));
        QCOMPARE(undone["edits"][0]["undoes"].toInt(), edits[0]["id"].toInt());
        const CliRun nothing = h.cli({"state", "undo", id, "--stream", "orders", "--yes"});
        QCOMPARE(nothing.exitCode, 2);
        QVERIFY2(nothing.err.contains("stream `orders`'s state has no edit to undo"),
                 qPrintable(nothing.err));

        // Set again and sync: the records at or after 3 are read again (append keeps both copies).
        QCOMPARE(h.cli({"state", "set", id, "--stream", "orders", "--cursor", "3", "--yes"}).exitCode, 0);
        auto job = h.cliJson({"sync", id, "--stream", "orders", "--json"});
        QCOMPARE(job["streams"][0]["records_committed"].toInt(), 3);
        QCOMPARE(h.rows("SELECT order_id, count(*) FROM orders GROUP BY 1 ORDER BY 1"),
                 (Rows{{"1", "1"}, {"2", "1"}, {"3", "2"}, {"4", "2"}, {"5", "2"}}));
        QCOMPARE(streamState(h, id, "orders")["state"].toObject()["cursor"].toInt(), 5);
    }

    void badEditsAreRefusedAndChangeNothing_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        QTest::newRow("not an integer")
            << QStringList{"--stream", "orders", "--cursor", "abc"}
            << "`abc` is not an integer, the type of cursor `order_id` of stream `orders`";
        QTest::newRow("full refresh")
            << QStringList{"--stream", "events", "--cursor", "1"} << "stream `events` syncs in full refresh";
        QTest::newRow("unknown stream")
            << QStringList{"--stream", "nope", "--cursor", "1"}
            << "connection `shop` has no stream `nope` (its streams: users, orders, events)";
        QTest::newRow("no value") << QStringList{"--stream", "orders"}
                                  << "state set needs either --cursor VALUE or --file STATE.json";
        QTest::newRow("foreign key")
            << QStringList{"--stream", "orders", "--file", "bad-state.json"}
            << "a built-in source's state holds `cursor` and `boundary` only; stream "
               "`orders`'s new state has `page`";
        QTest::newRow("not json") << QStringList{"--stream", "orders", "--file", "garbage.json"}
                                  << "the new state of stream `orders` is not JSON";
        QTest::newRow("same") << QStringList{"--stream", "orders", "--cursor", "5"}
                              << "stream `orders`'s state is already {\"cursor\":5}: nothing to change";
    }
    void badEditsAreRefusedAndChangeNothing() {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        E2eHome h;
        writeFiles(h, 5);
        h.write("bad-state.json", R"({"cursor": 2, "page": 4})");
        h.write("garbage.json", "{cursor");
        const QString id = h.createConnection(kFiles);
        QCOMPARE(h.cli({"sync", id}).exitCode, 0);
        if (QTest::currentDataTag() == QLatin1String("same"))
            QCOMPARE(h.cli({"state", "set", id, "--stream", "orders", "--cursor", "5", "--yes"}).exitCode, 0);
        const QString stateBefore = compact(streamState(h, id, "orders")["state"]);
        for (auto& a : args)
            if (a.endsWith(".json"))
                a = h.path(a);
        const CliRun r = h.cli(QStringList{"state", "set", id} + args + QStringList{"--yes"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
        QCOMPARE(compact(streamState(h, id, "orders")["state"]), stateBefore);
    }

    // A connector's state is opaque: set as a whole object from a file, and the connector reads from it.
    void connectorStateFromFile() {
        E2eHome h;
        const QString id = h.createConnection(connectorConnection(h, json::object()));
        QCOMPARE(h.cli({"sync", id}).exitCode, 0);
        QCOMPARE(streamState(h, id, "users")["state"].toObject()["cursor"].toInt(), 10);
        const CliRun byCursor = h.cli({"state", "set", id, "--stream", "users", "--cursor", "7", "--yes"});
        QCOMPARE(byCursor.exitCode, 2);
        QVERIFY2(byCursor.err.contains(
                     "comes from an Airbyte connector, whose state only the connector understands: "
                     "give the whole state with --file STATE.json"),
                 qPrintable(byCursor.err));
        h.write("state.json", R"({"cursor": 7})");
        QCOMPARE(h.cli({"state", "set", id, "--stream", "users", "--file", h.path("state.json"), "--yes"})
                     .exitCode,
                 0);
        // Only users was edited: it re-reads 8..10; orders has nothing new.
        auto job = h.cliJson({"sync", id, "--json"});
        QCOMPARE(job["records_committed"].toInt(), 3);
        QCOMPARE(h.rows("SELECT id, count(*) FROM users WHERE id >= 7 GROUP BY 1 ORDER BY 1"),
                 (Rows{{"7", "1"}, {"8", "2"}, {"9", "2"}, {"10", "2"}}));
    }

    // A state edit is refused while a job of the connection runs (it would overwrite the edit).
    void refusedWhileAJobRuns() {
        E2eHome h;
        const QString id = h.createConnection(
            connectorConnection(h, {{"sleep_after", 3}, {"pid_file", h.path("read.pid").toStdString()}}));
        QProcess sync;
        sync.start(qEnvironmentVariable("SLUICECTL"), {"--home", h.home(), "sync", id});
        QVERIFY(sync.waitForStarted());
        // The job's row exists before its connector starts.
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(h.path("read.pid")), 30000);
        h.write("state.json", R"({"cursor": 1})");
        const CliRun r =
            h.cli({"state", "set", id, "--stream", "users", "--file", h.path("state.json"), "--yes"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(
                     "has a running job (job 1): a state cannot be edited while a sync may overwrite it"),
                 qPrintable(r.err));
        QCOMPARE(streamState(h, id, "users")["edits"].toArray().size(), 0);
        QCOMPARE(h.cli({"cancel", "1"}).exitCode, 0);
        QVERIFY(sync.waitForFinished(60000));
        QCOMPARE(sync.exitCode(), 1);
        // Once it ended, the same edit goes through.
        QCOMPARE(h.cli({"state", "set", id, "--stream", "users", "--file", h.path("state.json"), "--yes"})
                     .exitCode,
                 0);
    }
};

QTEST_GUILESS_MAIN(TestStreamControl)
#include "tst_stream_control.moc"
