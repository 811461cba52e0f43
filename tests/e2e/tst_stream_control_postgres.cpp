// Issue 14, points 1 and 6 on PostgreSQL: a sync of chosen tables, and a state edit that must outrank the
// checkpoint the PostgreSQL destination keeps with the rows.
#include "e2e_home.h"
#include "pg_server.h"

#include <QJsonArray>
#include <QtTest>

using namespace sluice::test;

namespace {
QByteArray connectionFile(const std::string& source, const std::string& destination) {
    return QStringLiteral(R"({"name": "pg",
      "source": {"type": "postgres", "config": %1},
      "destination": {"type": "postgres", "config": %2},
      "streams": [{"name": "a", "namespace": "sc_src", "sync_mode": "incremental",
                   "destination_sync_mode": "append", "cursor_field": ["updated_at"]},
                  {"name": "b", "namespace": "sc_src", "sync_mode": "incremental",
                   "destination_sync_mode": "append_dedup", "cursor_field": ["updated_at"]}],
      "settings": {"retry": {"max_attempts": 1}}})")
        .arg(QString::fromStdString(source), QString::fromStdString(destination))
        .toUtf8();
}
} // namespace

class TestStreamControlPostgres : public QObject {
    Q_OBJECT

    PgServer m_pg;

private slots:
    void initTestCase() {
        const QString err = m_pg.start();
        QVERIFY2(err.isEmpty(), qPrintable(err));
        QVERIFY(m_pg.exec("CREATE SCHEMA sc_src;"
                          "CREATE TABLE sc_src.a (id int PRIMARY KEY, v text, updated_at int);"
                          "INSERT INTO sc_src.a VALUES (1, 'one', 10), (2, 'two', 20), (3, 'three', 30);"
                          "CREATE TABLE sc_src.b (id int PRIMARY KEY, v text, updated_at int);"
                          "INSERT INTO sc_src.b VALUES (1, 'uno', 10);"));
    }

    void chosenTableThenStateEdit() {
        E2eHome h;
        const QString id =
            h.createConnection(connectionFile(m_pg.configJson("sc_src"), m_pg.configJson("sc_dst")));
        QCOMPARE(h.cli({"sync", id, "--stream", "a"}).exitCode, 0);
        std::vector<std::string> streamTables; // without Sluice's and Airbyte's own (_airbyte_...)
        for (const auto& t : m_pg.tables("sc_dst"))
            if (t.rfind("_airbyte", 0) != 0)
                streamTables.push_back(t);
        QCOMPARE(streamTables, (std::vector<std::string>{"a"}));
        QVERIFY(h.cliJson({"state", id, "--stream", "b"})["state"].isNull());
        QCOMPARE(h.cli({"sync", id}).exitCode, 0);
        QCOMPARE(m_pg.rows("SELECT id, v FROM sc_dst.b"), (Rows{{"1", "uno"}}));
        QCOMPARE(m_pg.rows("SELECT count(*) FROM sc_dst.a"), (Rows{{"3"}}));

        const CliRun bad = h.cli({"state", "set", id, "--stream", "a", "--cursor", "x", "--yes"});
        QCOMPARE(bad.exitCode, 2);
        QVERIFY2(bad.err.contains("`x` is not an integer, the type of cursor `updated_at` of stream `a`"),
                 qPrintable(bad.err));

        // The destination's checkpoint says 30; the edit to 20 wins, and the next sync reads 20 and 30 again.
        QCOMPARE(h.cli({"state", "set", id, "--stream", "a", "--cursor", "20", "--yes"}).exitCode, 0);
        auto job = h.cliJson({"sync", id, "--stream", "a", "--json"});
        QCOMPARE(job["streams"][0]["records_committed"].toInt(), 2);
        QCOMPARE(m_pg.rows("SELECT id, count(*) FROM sc_dst.a GROUP BY 1 ORDER BY 1"),
                 (Rows{{"1", "1"}, {"2", "2"}, {"3", "2"}}));
        QCOMPARE(h.cliJson({"state", id, "--stream", "a"})["state"].toObject()["cursor"].toInt(), 30);

        // Undo of an edit that syncs have moved past restores the state before the edit, and says so.
        const CliRun undo = h.cli({"state", "undo", id, "--stream", "a"});
        QCOMPARE(undo.exitCode, 2); // no --yes: the question is printed, nothing done
        QVERIFY2(undo.err.contains("Syncs ran since the edit of"), qPrintable(undo.err));
        QCOMPARE(h.cli({"state", "undo", id, "--stream", "a", "--yes"}).exitCode, 0);
        QCOMPARE(h.cliJson({"state", id, "--stream", "a"})["state"].toObject()["cursor"].toInt(), 30);
        QCOMPARE(h.cliJson({"sync", id, "--stream", "a", "--json"})["records_committed"].toInt(), 0);
    }
};

QTEST_GUILESS_MAIN(TestStreamControlPostgres)
#include "tst_stream_control_postgres.moc"
