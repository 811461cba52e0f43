// Look back and backfill (issue 14, points 4 and 5) from a PostgreSQL table on a throwaway server, through
// the real sluicectl into the SQLite warehouse: a timestamptz cursor with an ISO-8601 lookback, an integer
// cursor with a number lookback, and a backfilled timestamp range with the state kept.
#include "e2e_home.h"
#include "pg_server.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QtTest>

using namespace sluice::test;

namespace {
QByteArray connectionFile(const QString& name, const std::string& source, const QString& stream) {
    return QStringLiteral(R"({"name": "%1",
      "source": {"type": "postgres", "config": %2},
      "destination": {"type": "sqlite", "config": {"path": "warehouse.sqlite"}},
      "streams": [%3], "settings": {"retry": {"max_attempts": 1}}})")
        .arg(name, QString::fromStdString(source), stream)
        .toUtf8();
}

QJsonValue streamState(const E2eHome& h, const QString& id) {
    return h.cliJson({"state", id})["streams"].toArray()[0].toObject()["state"];
}
} // namespace

class TestPostgresLookback : public QObject {
    Q_OBJECT

    PgServer m_pg;

private slots:
    void initTestCase() {
        const QString err = m_pg.start();
        QVERIFY2(err.isEmpty(), qPrintable(err));
    }

    void timestampLookbackWithDedupe() {
        QVERIFY(m_pg.exec("CREATE SCHEMA lb; CREATE TABLE lb.events (id int PRIMARY KEY, status text, "
                          "updated_at timestamptz); INSERT INTO lb.events VALUES "
                          "(1, 'new', '2024-01-01 08:00+00'), (2, 'new', '2024-01-03 08:00+00'), "
                          "(3, 'new', '2024-01-05 08:00+00')"));
        E2eHome h;
        const QString id = h.createConnection(
            connectionFile("events", m_pg.configJson("lb"),
                           R"({"name": "events", "namespace": "lb", "sync_mode": "incremental",
                "destination_sync_mode": "append_dedup", "cursor_field": ["updated_at"],
                "lookback": "P1DT12H"})"));
        QCOMPARE(h.cli({"sync", id}).exitCode, 0);
        // A late update within the lookback (from 2024-01-03T20:00Z on) and one before it.
        QVERIFY(m_pg.exec(
            "UPDATE lb.events SET status = 'late', updated_at = '2024-01-04 09:00+00' WHERE id = 1; "
            "UPDATE lb.events SET status = 'lost', updated_at = '2024-01-03 19:00+00' WHERE id = 2"));
        auto job = h.cliJson({"sync", id});
        const QJsonObject stream = job["streams"].toArray()[0].toObject();
        QCOMPARE(stream["records_committed"].toInt(), 2);
        QCOMPARE(stream["records_reread"].toInt(), 2);
        QCOMPARE(h.rows("SELECT id, status, updated_at FROM events ORDER BY id"),
                 (Rows{{"1", "late", "2024-01-04T09:00:00.000000Z"},
                       {"2", "new", "2024-01-03T08:00:00.000000Z"},
                       {"3", "new", "2024-01-05T08:00:00.000000Z"}}));
        QCOMPARE(streamState(h, id)["cursor"].toString(), QStringLiteral("2024-01-05T08:00:00.000000Z"));
    }

    void numberLookbackWithAppend() {
        QVERIFY(m_pg.exec(
            "CREATE SCHEMA nb; CREATE TABLE nb.ledger (id int PRIMARY KEY, amount int, seq bigint); "
            "INSERT INTO nb.ledger VALUES (1, 10, 1000), (2, 20, 1500), (3, 30, 2000)"));
        E2eHome h;
        const QString id = h.createConnection(
            connectionFile("ledger", m_pg.configJson("nb"),
                           R"({"name": "ledger", "namespace": "nb", "sync_mode": "incremental",
                "destination_sync_mode": "append", "cursor_field": ["seq"], "lookback": 600})"));
        QCOMPARE(h.cli({"sync", id}).exitCode, 0);
        const auto second = h.cli({"sync", id});
        QCOMPARE(second.exitCode, 0);
        QVERIFY2(
            second.out.contains("ledger: succeeded, 2 records, generation 0 (sync), re-read 2 records within "
                                "the lookback"),
            qPrintable(second.out));
        QCOMPARE(h.rows("SELECT id, seq FROM ledger ORDER BY seq, _airbyte_extracted_at"),
                 (Rows{{"1", "1000"}, {"2", "1500"}, {"2", "1500"}, {"3", "2000"}, {"3", "2000"}}));
    }

    void backfillTimestampRange() {
        QVERIFY(m_pg.exec("CREATE SCHEMA bf; CREATE TABLE bf.orders (id int PRIMARY KEY, item text, "
                          "updated_at timestamptz); INSERT INTO bf.orders VALUES "
                          "(1, 'a', '2024-01-01 00:00+00'), (2, 'b', '2024-01-02 00:00+00'), "
                          "(3, 'c', '2024-01-02 12:30+00'), (4, 'd', '2024-01-03 00:00+00')"));
        E2eHome h;
        const QString id = h.createConnection(
            connectionFile("orders", m_pg.configJson("bf"),
                           R"({"name": "orders", "namespace": "bf", "sync_mode": "incremental",
                "destination_sync_mode": "append", "cursor_field": ["updated_at"]})"));
        QCOMPARE(h.cli({"sync", id}).exitCode, 0);
        const QJsonValue before = streamState(h, id);
        QVERIFY(m_pg.exec("UPDATE bf.orders SET item = 'B' WHERE id = 2; "
                          "INSERT INTO bf.orders VALUES (5, 'e', '2024-01-04 00:00+00')"));

        // Typed without the microseconds the source writes: compared as instants, both ends included.
        auto job = h.cliJson({"backfill", id, "--stream", "orders", "--from", "2024-01-02T00:00:00Z", "--to",
                              "2024-01-02T12:30:00+00:00", "--yes"});
        QCOMPARE(job["type"].toString(), QStringLiteral("backfill"));
        const QJsonObject stream = job["streams"].toArray()[0].toObject();
        QCOMPARE(stream["generation_id"].toInt(), 1);
        QCOMPARE(stream["records_committed"].toInt(), 2);
        QCOMPARE(
            h.rows("SELECT id, item, _airbyte_generation_id FROM orders ORDER BY _airbyte_generation_id, id"),
            (Rows{{"1", "a", "0"},
                  {"2", "b", "0"},
                  {"3", "c", "0"},
                  {"4", "d", "0"},
                  {"2", "B", "1"},
                  {"3", "c", "1"}}));
        QCOMPARE(streamState(h, id), before);

        auto next = h.cliJson({"sync", id});
        QCOMPARE(next["streams"].toArray()[0].toObject()["records_committed"].toInt(), 1);
        QCOMPARE(h.rows("SELECT id, _airbyte_generation_id FROM orders WHERE id = 5"), (Rows{{"5", "1"}}));

        const auto refused = h.cli({"backfill", id, "--stream", "orders", "--from", "last week", "--yes"});
        QCOMPARE(refused.exitCode, 2);
        QCOMPARE(refused.err.trimmed(),
                 QStringLiteral(
                     "sluicectl: stream `orders`: --from `last week` is not a date or timestamp, as cursor "
                     "`updated_at` holds (its saved value is \"2024-01-04T00:00:00.000000Z\")"));
    }
};

QTEST_GUILESS_MAIN(TestPostgresLookback)
#include "tst_postgres_lookback.moc"
