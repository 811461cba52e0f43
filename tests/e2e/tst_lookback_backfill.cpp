// Look back and backfill (issue 14, points 4 and 5) through the real sluicectl, from JSONL and CSV files and
// a SQLite source into the SQLite warehouse: late updates within the lookback, the re-read count, a
// backfilled range in its own generation with the state kept, and every refusal with its exact message.
#include "e2e_home.h"
#include "util/sqlite_db.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QtTest>

using namespace sluice::test;

namespace {

QByteArray fileConnection(const char* name, const char* file, const char* mode, const char* extra) {
    return QStringLiteral(R"({"name": "%1", "source": {"type": "file", "config": {"path": "%2"}},
      "destination": {"type": "sqlite", "config": {"path": "warehouse.sqlite"}},
      "streams": [{"name": "events", "sync_mode": "incremental", "destination_sync_mode": "%3",
                   "cursor_field": ["updated_at"], "primary_key": [["id"]]%4}],
      "settings": {"retry": {"max_attempts": 1}}})")
        .arg(name, file, mode, extra)
        .toUtf8();
}

QByteArray sqliteConnection(const char* mode, const char* cursor, const char* extra = "") {
    return QStringLiteral(R"({"name": "shop", "source": {"type": "sqlite", "config": {"path": "shop.sqlite"}},
      "destination": {"type": "sqlite", "config": {"path": "warehouse.sqlite"}},
      "streams": [{"name": "orders", "sync_mode": "incremental", "destination_sync_mode": "%1",
                   "cursor_field": ["%2"]%3}],
      "settings": {"retry": {"max_attempts": 1}}})")
        .arg(mode, cursor, extra)
        .toUtf8();
}

void execSource(const E2eHome& h, const std::string& sql) {
    auto db = sluice::core::Database::open(h.path("shop.sqlite").toStdString());
    QVERIFY(db.ok());
    auto st = db->exec(sql);
    QVERIFY2(st.ok(), st.ok() ? "" : st.error().message.c_str());
}

QJsonValue streamState(const E2eHome& h, const QString& id) {
    return h.cliJson({"state", id})["streams"].toArray()[0].toObject()["state"];
}

int jobCount(const E2eHome& h, const QString& id) {
    return h.cliJson({"jobs", id}).array().size();
}

// Nothing listens there; a backfill is refused before any request. (Not inside a raw string: moc, which does
// not know raw strings, would take its `//` for a comment and miss the test class.)
const char* kNowhere = "http://127.0.0.1:9/items";

const QByteArray kEvents = R"({"id": 1, "status": "new", "updated_at": "2024-01-01"}
{"id": 2, "status": "new", "updated_at": "2024-01-03"}
{"id": 3, "status": "new", "updated_at": "2024-01-05"}
)";

} // namespace

class TestLookbackBackfill : public QObject {
    Q_OBJECT
private slots:
    // A late update (its cursor below the saved one, within P3D) is applied; dedupe keeps one row per key.
    void lookbackWithDedupeAppliesLateUpdates() {
        E2eHome h;
        h.write("events.jsonl", kEvents);
        const QString id = h.createConnection(
            fileConnection("events", "events.jsonl", "append_dedup", R"(, "lookback": "P3D")"));
        QCOMPARE(h.cli({"sync", id}).exitCode, 0);
        h.write("events.jsonl", kEvents + R"({"id": 1, "status": "late", "updated_at": "2024-01-04"}
{"id": 4, "status": "new", "updated_at": "2024-01-06"}
)");
        auto job = h.cliJson({"sync", id});
        QCOMPARE(job["status"].toString(), QStringLiteral("succeeded"));
        const QJsonObject stream = job["streams"].toArray()[0].toObject();
        // Read from 2024-01-02 on: ids 2, 1 (late) and 3 were all below or at the saved cursor.
        QCOMPARE(stream["records_committed"].toInt(), 4);
        QCOMPARE(stream["records_reread"].toInt(), 3);
        QCOMPARE(h.rows("SELECT id, status, updated_at FROM events ORDER BY id"),
                 (Rows{{"1", "late", "2024-01-04"},
                       {"2", "new", "2024-01-03"},
                       {"3", "new", "2024-01-05"},
                       {"4", "new", "2024-01-06"}}));
        // The state still means "up to the greatest cursor seen".
        QCOMPARE(streamState(h, id)["cursor"].toString(), QStringLiteral("2024-01-06"));
        // Without the lookback the late update is lost: the proof that the lookback did the work.
        E2eHome without;
        without.write("events.jsonl", kEvents);
        const QString plain =
            without.createConnection(fileConnection("events", "events.jsonl", "append_dedup", ""));
        QCOMPARE(without.cli({"sync", plain}).exitCode, 0);
        without.write("events.jsonl", kEvents + R"({"id": 1, "status": "late", "updated_at": "2024-01-04"}
)");
        QCOMPARE(without.cli({"sync", plain}).exitCode, 0);
        QCOMPARE(without.rows("SELECT status FROM events WHERE id = 1"), (Rows{{"new"}}));
    }

    // With append the records within the lookback are written again and counted, in the output, the JSON
    // and the job's log.
    void lookbackWithAppendCountsRereads() {
        E2eHome h;
        h.write("events.csv", "id,status,updated_at\n1,new,2024-01-01\n2,new,2024-01-03\n3,new,2024-01-05\n");
        const QString id =
            h.createConnection(fileConnection("events", "events.csv", "append", R"(, "lookback": "P2D")"));
        QCOMPARE(h.cli({"sync", id}).exitCode, 0);
        const auto second = h.cli({"sync", id});
        QCOMPARE(second.exitCode, 0);
        QVERIFY2(second.out.contains("events: succeeded, 2 records, generation 0 (sync), re-read 2 records "
                                     "within the lookback"),
                 qPrintable(second.out));
        QCOMPARE(h.rows("SELECT id, updated_at FROM events ORDER BY updated_at, _airbyte_extracted_at"),
                 (Rows{{"1", "2024-01-01"},
                       {"2", "2024-01-03"},
                       {"2", "2024-01-03"},
                       {"3", "2024-01-05"},
                       {"3", "2024-01-05"}}));
        const QJsonArray jobs = h.cliJson({"jobs", id}).array();
        QCOMPARE(jobs[0].toObject()["streams"].toArray()[0].toObject()["records_reread"].toInt(), 2);
        QCOMPARE(jobs[1].toObject()["streams"].toArray()[0].toObject()["records_reread"].toInt(), 0);
        const auto log = h.cli({"logs", QString::number(jobs[0]["job_id"].toInt())});
        QVERIFY2(log.out.contains("stream `events`: re-read 2 records within the lookback (P2D)"),
                 qPrintable(log.out));
        QVERIFY(h.cliJson({"connection", "show", id})["streams"].toArray()[0].toObject()["lookback"] ==
                QJsonValue("P2D"));
    }

    // A numeric cursor with a number lookback, from a SQLite table: seq 110 and above are read again.
    void numericLookbackFromSqlite() {
        E2eHome h;
        execSource(h, "CREATE TABLE orders (id INTEGER PRIMARY KEY, item TEXT, seq INTEGER);"
                      "INSERT INTO orders VALUES (1, 'a', 100), (2, 'b', 105), (3, 'c', 120);");
        const QString id = h.createConnection(sqliteConnection("append_dedup", "seq", R"(, "lookback": 10)"));
        QCOMPARE(h.cli({"sync", id}).exitCode, 0);
        // Two late updates: one within the lookback (115 >= 120 - 10), one below it (108).
        execSource(h, "UPDATE orders SET item = 'B', seq = 115 WHERE id = 2; "
                      "UPDATE orders SET item = 'A', seq = 108 WHERE id = 1;");
        auto job = h.cliJson({"sync", id});
        QCOMPARE(job["streams"].toArray()[0].toObject()["records_committed"].toInt(), 2);
        QCOMPARE(job["streams"].toArray()[0].toObject()["records_reread"].toInt(), 2);
        QCOMPARE(h.rows("SELECT id, item, seq FROM orders ORDER BY id"),
                 (Rows{{"1", "a", "100"}, {"2", "B", "115"}, {"3", "c", "120"}}));
    }

    void lookbackRefusals() {
        E2eHome h;
        // A duration on a numeric cursor: refused before anything is read.
        execSource(h, "CREATE TABLE orders (id INTEGER PRIMARY KEY, item TEXT, seq INTEGER, code TEXT);"
                      "INSERT INTO orders VALUES (1, 'a', 100, 'A-1');");
        const QString numeric =
            h.createConnection(sqliteConnection("append", "seq", R"(, "lookback": "P3D")"));
        auto r = h.cli({"sync", numeric});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(
            r.err.contains("stream `orders`: lookback `P3D` is a duration, but cursor `seq` is numeric; give "
                           "the lookback as a number (for example 1000)"),
            qPrintable(r.err));
        QVERIFY(!QFile::exists(h.warehouse()) ||
                h.rows("SELECT count(*) FROM sqlite_master WHERE name = 'orders'") == Rows{{"0"}});

        // A text cursor that holds no dates: the first sync has nothing to look back from, the second is
        // refused with the saved value.
        h.write("codes.json", sqliteConnection("append", "code", R"(, "lookback": "P1D")")
                                  .replace("\"shop\"", "\"codes\"")
                                  .replace("warehouse.sqlite", "codes.sqlite"));
        const QString codes = h.cli({"connection", "create", h.path("codes.json")}).out.trimmed();
        QCOMPARE(h.cli({"sync", codes}).exitCode, 0);
        r = h.cli({"sync", codes});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(
            r.err.contains("stream `orders`: lookback `P1D` needs a date or timestamp cursor, but the saved "
                           "cursor \"A-1\" is neither (expected e.g. 2024-05-01 or 2024-05-01T12:00:00Z)"),
            qPrintable(r.err));

        // A lookback on a full-refresh stream never gets into Sluice.
        h.write("full.json",
                R"({"name": "full", "source": {"type": "file", "config": {"path": "events.jsonl"}},
          "destination": {"type": "sqlite", "config": {"path": "warehouse.sqlite"}},
          "streams": [{"name": "events", "sync_mode": "full_refresh", "lookback": "P3D"}]})");
        r = h.cli({"connection", "create", h.path("full.json")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(
            r.err.contains("stream `events`: lookback applies to incremental streams only, but the stream is "
                           "Full refresh | Overwrite (remove `lookback` or make the stream incremental)"),
            qPrintable(r.err));
    }

    // A backfill re-imports exactly its range into a new generation; the old rows and the state stay, and the
    // next sync goes on from where the last one ended.
    void backfillFromSqlite() {
        E2eHome h;
        execSource(h, "CREATE TABLE orders (id INTEGER PRIMARY KEY, item TEXT, updated_at TEXT);"
                      "INSERT INTO orders VALUES (1, 'a', '2024-01-01'), (2, 'b', '2024-01-02'), "
                      "(3, 'c', '2024-01-03'), (4, 'd', '2024-01-04'), (5, 'e', '2024-01-05');");
        const QString id = h.createConnection(sqliteConnection("append", "updated_at"));
        QCOMPARE(h.cli({"sync", id}).exitCode, 0);
        const QJsonValue before = streamState(h, id);
        // A change the cursor did not see (same updated_at), and a new row after the saved cursor.
        execSource(
            h,
            "UPDATE orders SET item = 'C' WHERE id = 3; INSERT INTO orders VALUES (6, 'f', '2024-01-06');");

        auto unconfirmed =
            h.cli({"backfill", id, "--stream", "orders", "--from", "2024-01-02", "--to", "2024-01-03"});
        QCOMPARE(unconfirmed.exitCode, 2);
        QVERIFY2(unconfirmed.err.contains("refusing without confirmation: pass --yes"),
                 qPrintable(unconfirmed.err));
        QCOMPARE(jobCount(h, id), 1);

        auto job = h.cliJson(
            {"backfill", id, "--stream", "orders", "--from", "2024-01-02", "--to", "2024-01-03", "--yes"});
        QCOMPARE(job["type"].toString(), QStringLiteral("backfill"));
        QCOMPARE(job["status"].toString(), QStringLiteral("succeeded"));
        const QJsonObject stream = job["streams"].toArray()[0].toObject();
        QCOMPARE(stream["action"].toString(), QStringLiteral("backfill"));
        QCOMPARE(stream["generation_id"].toInt(), 1);
        QCOMPARE(stream["minimum_generation_id"].toInt(), 0);
        QCOMPARE(stream["records_committed"].toInt(), 2);
        QCOMPARE(h.rows("SELECT id, item, updated_at, _airbyte_generation_id FROM orders "
                        "ORDER BY _airbyte_generation_id, id"),
                 (Rows{{"1", "a", "2024-01-01", "0"},
                       {"2", "b", "2024-01-02", "0"},
                       {"3", "c", "2024-01-03", "0"},
                       {"4", "d", "2024-01-04", "0"},
                       {"5", "e", "2024-01-05", "0"},
                       {"2", "b", "2024-01-02", "1"},
                       {"3", "C", "2024-01-03", "1"}}));
        QCOMPARE(streamState(h, id), before);
        const QJsonDocument generations = h.cliJson({"generations", id, "--stream", "orders"});
        QCOMPARE(generations["current_generation"].toInt(), 1);
        QCOMPARE(h.cliJson({"jobs", id}).array()[0].toObject()["type"].toString(),
                 QStringLiteral("backfill"));
        const auto listed = h.cli({"jobs", id});
        QVERIFY2(listed.out.split('\n')[1].contains("backfill\tsucceeded"), qPrintable(listed.out));

        // The next sync reads only what came after the saved cursor, in the backfill's generation.
        auto next = h.cliJson({"sync", id});
        QCOMPARE(next["streams"].toArray()[0].toObject()["records_committed"].toInt(), 1);
        QCOMPARE(next["streams"].toArray()[0].toObject()["generation_id"].toInt(), 1);
        QCOMPARE(h.rows("SELECT id, item, _airbyte_generation_id FROM orders WHERE id = 6"),
                 (Rows{{"6", "f", "1"}}));
        QCOMPARE(streamState(h, id)["cursor"].toString(), QStringLiteral("2024-01-06"));

        // No --to: up to the current end.
        auto open = h.cliJson({"backfill", id, "--stream", "orders", "--from", "2024-01-05", "--yes"});
        QCOMPARE(open["streams"].toArray()[0].toObject()["records_committed"].toInt(), 2);
        QCOMPARE(h.rows("SELECT id FROM orders WHERE _airbyte_generation_id = 2 ORDER BY id"),
                 (Rows{{"5"}, {"6"}}));
    }

    // With dedupe the backfilled version of a key wins in the final table; keys outside the range keep
    // their old-generation rows.
    void backfillWithDedupeFromJsonl() {
        E2eHome h;
        h.write("events.jsonl", kEvents);
        const QString id = h.createConnection(fileConnection("events", "events.jsonl", "append_dedup", ""));
        QCOMPARE(h.cli({"sync", id}).exitCode, 0);
        const QJsonValue before = streamState(h, id);
        h.write("events.jsonl", R"({"id": 1, "status": "new", "updated_at": "2024-01-01"}
{"id": 2, "status": "fixed", "updated_at": "2024-01-03"}
{"id": 3, "status": "new", "updated_at": "2024-01-05"}
)");
        auto job = h.cliJson(
            {"backfill", id, "--stream", "events", "--from", "2024-01-02", "--to", "2024-01-04", "--yes"});
        QCOMPARE(job["streams"].toArray()[0].toObject()["records_committed"].toInt(), 1);
        QCOMPARE(h.rows("SELECT id, status, _airbyte_generation_id FROM events ORDER BY id"),
                 (Rows{{"1", "new", "0"}, {"2", "fixed", "1"}, {"3", "new", "0"}}));
        QCOMPARE(streamState(h, id), before);
        // Nothing new in the source: the next sync adds nothing.
        QCOMPARE(h.cliJson({"sync", id})["records_committed"].toInt(), 0);
    }

    void backfillRefusals() {
        E2eHome h;
        execSource(h, "CREATE TABLE orders (id INTEGER PRIMARY KEY, item TEXT, seq INTEGER, updated_at TEXT);"
                      "INSERT INTO orders VALUES (1, 'a', 100, '2024-01-01');");
        const QString numeric = h.createConnection(sqliteConnection("append", "seq"));
        QCOMPARE(h.cli({"sync", numeric}).exitCode, 0);
        const QJsonValue state = streamState(h, numeric);
        const auto refused = [&](const QString& id, const QStringList& args, const QString& message) {
            const auto r = h.cli(QStringList{"backfill", id} + args + QStringList{"--yes"});
            QCOMPARE(r.exitCode, 2);
            QCOMPARE(r.err.trimmed(), "sluicectl: " + message);
        };
        refused(numeric, {"--stream", "orders", "--from", "abc"},
                "stream `orders`: --from `abc` is not a value of cursor `seq` (integer)");
        refused(numeric, {"--stream", "orders", "--from", "200", "--to", "100"},
                "stream `orders`: --from 200 is after --to 100");
        refused(numeric, {"--stream", "nope", "--from", "1"}, "connection `shop` has no stream `nope`");
        refused(numeric, {"--from", "1"},
                "backfill needs --stream NAME and --from VALUE (and optionally --to VALUE)");
        QCOMPARE(jobCount(h, numeric), 1);
        QCOMPARE(streamState(h, numeric), state);
        QCOMPARE(h.cliJson({"generations", numeric, "--stream", "orders"})["current_generation"].toInt(), 0);

        h.write("dated.json", sqliteConnection("append", "updated_at")
                                  .replace("\"shop\"", "\"dated\"")
                                  .replace("warehouse.sqlite", "dated.sqlite"));
        const QString dated = h.cli({"connection", "create", h.path("dated.json")}).out.trimmed();
        QCOMPARE(h.cli({"sync", dated}).exitCode, 0);
        refused(dated, {"--stream", "orders", "--from", "yesterday"},
                "stream `orders`: --from `yesterday` is not a date or timestamp, as cursor `updated_at` "
                "holds (its "
                "saved value is \"2024-01-01\")");

        h.write("full.json",
                R"({"name": "full", "source": {"type": "sqlite", "config": {"path": "shop.sqlite"}},
          "destination": {"type": "sqlite", "config": {"path": "warehouse.sqlite"}},
          "streams": [{"name": "orders", "sync_mode": "full_refresh"}]})");
        const QString full = h.cli({"connection", "create", h.path("full.json")}).out.trimmed();
        refused(
            full, {"--stream", "orders", "--from", "1"},
            "stream `orders`: backfill re-imports a cursor range of an incremental stream, but the stream is "
            "Full refresh | Overwrite (a refresh re-imports it all)");

        h.write("nocursor.json",
                R"({"name": "nocursor", "source": {"type": "file", "config": {"path": "e.jsonl"}},
          "destination": {"type": "sqlite", "config": {"path": "warehouse.sqlite"}},
          "streams": [{"name": "e", "sync_mode": "incremental"}]})");
        h.write("e.jsonl", QByteArray(R"({"id": 1})") + "\n");
        const QString noCursor = h.cli({"connection", "create", h.path("nocursor.json")}).out.trimmed();
        refused(
            noCursor, {"--stream", "e", "--from", "1"},
            R"(stream `e`: incremental sync needs a cursor: set `cursor_field` (for example ["updated_at"]); )"
            "the source defines none");

        h.write("http.json",
                QStringLiteral(R"({"name": "api", "source": {"type": "http", "config": {"url": "%1",
          "records_path": "data"}}, "destination": {"type": "sqlite", "config": {"path": "warehouse.sqlite"}},
          "streams": [{"name": "items", "sync_mode": "incremental", "cursor_field": ["id"]}]})")
                    .arg(kNowhere)
                    .toUtf8());
        const QString http = h.cli({"connection", "create", h.path("http.json")}).out.trimmed();
        refused(http, {"--stream", "items", "--from", "1"},
                "stream `items`: backfill is not available for HTTP sources: an HTTP API is read page by "
                "page and "
                "cannot be asked for a cursor range");

        h.write("airbyte.json", QStringLiteral(R"({"name": "ab", "source": {"type": "airbyte", "config":
          {"command": ["%1/connectors/fake_source.py"], "config": {}}},
          "destination": {"type": "sqlite", "config": {"path": "warehouse.sqlite"}},
          "streams": [{"name": "items", "sync_mode": "incremental", "cursor_field": ["id"]}]})")
                                    .arg(qEnvironmentVariable("SLUICE_TEST_DATA"))
                                    .toUtf8());
        const QString airbyte = h.cli({"connection", "create", h.path("airbyte.json")}).out.trimmed();
        refused(
            airbyte, {"--stream", "items", "--from", "1"},
            "stream `items`: backfill is not available for Airbyte connectors: their state belongs to the "
            "connector, which cannot be asked for a cursor range");
        for (const QString& id : {full, noCursor, http, airbyte})
            QCOMPARE(jobCount(h, id), 0);
    }

    // The job lock: no backfill while a job of the connection runs.
    void backfillWhileAJobRuns() {
        E2eHome h;
        const QString id = h.createConnection(R"({"name": "slow",
          "source": {"type": "demo", "config": {"count": 2000, "page_size": 50, "delay_ms": 50}},
          "destination": {"type": "sqlite", "config": {"path": "warehouse.sqlite"}},
          "streams": [{"name": "users", "sync_mode": "incremental", "destination_sync_mode": "append_dedup"}],
          "settings": {"state_checkpoint_interval": 20, "retry": {"max_attempts": 1}}})");
        QProcess sync;
        sync.setProgram(qEnvironmentVariable("SLUICECTL"));
        sync.setArguments({"--home", h.home(), "sync", id});
        sync.start();
        QTRY_VERIFY_WITH_TIMEOUT(queryRows(h.home() + "/sluice.db",
                                           "SELECT count(*) FROM jobs WHERE status='running'") == Rows{{"1"}},
                                 10000);
        const auto r = h.cli({"backfill", id, "--stream", "users", "--from", "2020-01-01", "--yes"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("already has a running job") && r.err.contains("sluicectl cancel"),
                 qPrintable(r.err));
        QCOMPARE(h.cli({"cancel", QString::number(1)}).exitCode, 0);
        QVERIFY(sync.waitForFinished(60000));
        QCOMPARE(queryRows(h.home() + "/sluice.db", "SELECT count(*) FROM jobs"), (Rows{{"1"}}));
    }
};

QTEST_GUILESS_MAIN(TestLookbackBackfill)
#include "tst_lookback_backfill.moc"
