// Incremental syncs from a JSONL file into SQLite, as SPEC §2 and the seed's Louis XVI example describe.
#include "e2e_home.h"

#include <QJsonArray>
#include <QtTest>

using namespace sluice::test;

namespace {
const QByteArray kConnection = R"({
  "name": "kings",
  "source": {"type": "file", "config": {"path": "kings.jsonl"}},
  "destination": {"type": "sqlite", "config": {"path": "warehouse.sqlite"}},
  "streams": [{"name": "kings", "sync_mode": "incremental", "destination_sync_mode": "append",
               "cursor_field": ["updated_at"]}],
  "settings": {"retry": {"max_attempts": 1}}
})";

const QByteArray kFirst = R"({"name": "Louis XVI", "deceased": false, "updated_at": 1754}
{"name": "Marie Antoinette", "deceased": false, "updated_at": 1755}
{"name": "Louis XVII", "deceased": false, "updated_at": 1785}
)";

// The king and queen lose their heads: the source now holds their updated records.
const QByteArray kSecond = R"({"name": "Louis XVI", "deceased": true, "updated_at": 1793}
{"name": "Marie Antoinette", "deceased": true, "updated_at": 1793}
{"name": "Louis XVII", "deceased": false, "updated_at": 1785}
)";

const char* kQuery = "SELECT name, deceased, updated_at FROM kings ORDER BY rowid";
} // namespace

class TestSyncIncremental : public QObject {
    Q_OBJECT
private slots:
    void louisXviExample() {
        E2eHome h;
        h.write("kings.jsonl", kFirst);
        const QString id = h.createConnection(kConnection);
        QCOMPARE(h.cli({"sync", id}).exitCode, 0);
        QCOMPARE(h.rows(kQuery), (Rows{{"Louis XVI", "0", "1754"},
                                       {"Marie Antoinette", "0", "1755"},
                                       {"Louis XVII", "0", "1785"}}));

        h.write("kings.jsonl", kSecond);
        QCOMPARE(h.cli({"sync", id}).exitCode, 0);
        const Rows five = {{"Louis XVI", "0", "1754"},
                           {"Marie Antoinette", "0", "1755"},
                           {"Louis XVII", "0", "1785"},
                           {"Louis XVI", "1", "1793"},
                           {"Marie Antoinette", "1", "1793"}};
        QCOMPARE(h.rows(kQuery), five);

        // Nothing new in the source: nothing added, in particular not the records at the saved maximum.
        auto again = h.cliJson({"sync", id});
        QCOMPARE(again["status"].toString(), QStringLiteral("succeeded"));
        QCOMPARE(again["records_committed"].toInt(), 0);
        QCOMPARE(h.rows(kQuery), five);

        // A new record whose cursor ties the saved maximum is not lost.
        h.write("kings.jsonl", kSecond + R"({"name": "Madame Royale", "deceased": false, "updated_at": 1793}
)");
        QCOMPARE(h.cli({"sync", id}).exitCode, 0);
        QCOMPARE(h.rows("SELECT count(*) FROM kings")[0][0], std::string("6"));
        QCOMPARE(h.rows("SELECT name FROM kings ORDER BY rowid DESC LIMIT 1")[0][0],
                 std::string("Madame Royale"));
        // Incremental syncs stay in generation 0.
        QCOMPARE(h.rows("SELECT DISTINCT _airbyte_generation_id FROM kings"), (Rows{{"0"}}));
    }

    void typedColumnsAndMetadata() {
        E2eHome h;
        h.write(
            "people.jsonl",
            R"({"id": 1, "name": "Ada", "score": 9.5, "active": true, "address": {"city": "London"}, "tags": ["a", "b"], "age": 36}
{"id": 2, "name": "Grace", "score": 7, "active": false, "address": null, "tags": [], "age": "unknown"}
)");
        const QString id = h.createConnection(R"({"name": "people",
            "source": {"type": "file", "config": {"path": "people.jsonl"}},
            "destination": {"type": "sqlite", "config": {"path": "warehouse.sqlite"}},
            "streams": [{"name": "people", "sync_mode": "full_refresh", "destination_sync_mode": "append"}]})");
        auto job = h.cliJson({"sync", id});
        QCOMPARE(job["status"].toString(), QStringLiteral("succeeded"));
        const int jobId = job["job_id"].toInt();

        const Rows columns = h.rows("SELECT name, type FROM pragma_table_info('people') ORDER BY cid");
        QCOMPARE(columns, (Rows{{"id", "INTEGER"},
                                {"name", "TEXT"},
                                {"score", "REAL"},
                                {"active", "INTEGER"},
                                {"address", "TEXT"},
                                {"tags", "TEXT"},
                                {"age", "TEXT"},
                                {"_airbyte_raw_id", "TEXT"},
                                {"_airbyte_extracted_at", "TEXT"},
                                {"_airbyte_generation_id", "INTEGER"},
                                {"_airbyte_meta", "TEXT"}}));
        QCOMPARE(h.rows("SELECT id, name, score, active, address, tags FROM people ORDER BY id"),
                 (Rows{{"1", "Ada", "9.5", "1", R"({"city":"London"})", R"(["a","b"])"},
                       {"2", "Grace", "7.0", "0", "NULL", "[]"}}));
        QCOMPARE(h.rows("SELECT json_extract(_airbyte_meta, '$.sync_id') FROM people LIMIT 1")[0][0],
                 std::to_string(jobId));
        // UUID raw ids and ISO-8601 UTC extraction times with milliseconds.
        for (const auto& r : h.rows("SELECT _airbyte_raw_id, _airbyte_extracted_at FROM people")) {
            QCOMPARE(r[0].size(), size_t(36));
            QVERIFY2(QRegularExpression(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$)")
                         .match(QString::fromStdString(r[1]))
                         .hasMatch(),
                     r[1].c_str());
        }
        QCOMPARE(h.rows("SELECT count(DISTINCT _airbyte_raw_id) FROM people")[0][0], std::string("2"));
    }

    void typecastFailureIsNulledAndRecorded() {
        E2eHome h;
        // Types are inferred from the first 10,000 records; a later value that does not fit is stored as
        // NULL and listed in _airbyte_meta.changes.
        QByteArray csv = "id,amount\n";
        for (int i = 1; i <= 10000; ++i)
            csv += QByteArray::number(i) + "," + QByteArray::number(i * 10) + "\n";
        csv += "10001,lots\n";
        h.write("orders.csv", csv);
        const QString id = h.createConnection(R"({"name": "orders",
            "source": {"type": "file", "config": {"path": "orders.csv"}},
            "destination": {"type": "sqlite", "config": {"path": "warehouse.sqlite"}},
            "streams": [{"name": "orders", "sync_mode": "incremental", "destination_sync_mode": "append",
                         "cursor_field": ["id"]}]})");
        QCOMPARE(h.cli({"sync", id}).exitCode, 0);
        QCOMPARE(
            h.rows(
                "SELECT id, amount, json_extract(_airbyte_meta, '$.changes') FROM orders WHERE id = 10001"),
            (Rows{{"10001", "NULL",
                   R"([{"change":"NULLED","field":"amount","reason":"DESTINATION_TYPECAST_ERROR"}])"}}));
        QCOMPARE(h.rows("SELECT amount, json_extract(_airbyte_meta, '$.changes') FROM orders WHERE id = 1"),
                 (Rows{{"10", "[]"}}));
        QCOMPARE(h.rows("SELECT count(*) FROM orders")[0][0], std::string("10001"));
    }

    void missingCursorIsInvalidConfiguration() {
        E2eHome h;
        h.write("kings.jsonl", kFirst);
        const QString id = h.createConnection(R"({"name": "nocursor",
            "source": {"type": "file", "config": {"path": "kings.jsonl"}},
            "destination": {"type": "sqlite", "config": {"path": "warehouse.sqlite"}},
            "streams": [{"name": "kings", "sync_mode": "incremental", "destination_sync_mode": "append"}]})");
        auto r = h.cli({"sync", id});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("needs a cursor"), qPrintable(r.err));
        QVERIFY(!QFile::exists(h.warehouse()) ||
                h.rows("SELECT count(*) FROM sqlite_master WHERE name='kings'")[0][0] == "0");
    }

    void stateAndJobsAreReported() {
        E2eHome h;
        h.write("kings.jsonl", kFirst);
        const QString id = h.createConnection(kConnection);
        QCOMPARE(h.cli({"sync", id}).exitCode, 0);
        auto state = h.cliJson({"state", id});
        const auto streams = state["streams"].toArray();
        QCOMPARE(streams.size(), 1);
        QCOMPARE(streams[0]["name"].toString(), QStringLiteral("kings"));
        QCOMPARE(streams[0]["state"]["cursor"].toInt(), 1785);

        auto jobs = h.cliJson({"jobs", id}).array();
        QCOMPARE(jobs.size(), 1);
        const auto job = jobs[0].toObject();
        QCOMPARE(job["type"].toString(), QStringLiteral("sync"));
        QCOMPARE(job["status"].toString(), QStringLiteral("succeeded"));
        QCOMPARE(job["trigger"].toString(), QStringLiteral("cli")); // started by sluicectl
        QCOMPARE(job["attempts"].toArray().size(), 1);
        QCOMPARE(job["attempts"][0]["number"].toInt(), 1);
        QCOMPARE(job["attempts"][0]["records_committed"].toInt(), 3);
        QCOMPARE(job["streams"][0]["name"].toString(), QStringLiteral("kings"));
        QCOMPARE(job["streams"][0]["generation_id"].toInt(), 0);
        QCOMPARE(job["streams"][0]["records_committed"].toInt(), 3);

        // The plain table says it too, in its last column.
        const auto table = h.cli({"jobs", id});
        QVERIFY2(table.out.contains("\tRECORDS\tTRIGGER\n") && table.out.contains("\t3\tcli\n"),
                 qPrintable(table.out));

        auto logs = h.cli({"logs", QString::number(job["job_id"].toInt())});
        QCOMPARE(logs.exitCode, 0);
        QVERIFY(logs.out.contains("Number of Resumed Full Refresh Streams: {0}"));
        QVERIFY(logs.out.contains("job succeeded"));
    }
};

QTEST_GUILESS_MAIN(TestSyncIncremental)
#include "tst_sync_incremental.moc"
