// Two connections writing into one destination (SPEC §8): a table another connection owns is refused before
// anything is written, with a message naming both connections and the way out; a `prefix` gives a connection
// tables of its own (final, history and staging); concurrent first syncs leave exactly one owner; deleting a
// connection releases its tables and keeps their data.
#include "e2e_home.h"
#include "engine/engine_queries.h"
#include "store/connection_repository.h"
#include "store/store.h"
#include "util/sqlite_db.h"

#include <QJsonArray>
#include <QProcess>
#include <QtTest>
#include <memory>

using namespace sluice::test;

namespace {
QByteArray demo(const QString& name, int count, const QString& settings = {}, const QString& warehouse = {},
                const char* mode = "overwrite") {
    return QStringLiteral(R"({"name": "%1",
      "source": {"type": "demo", "config": {"count": %2, "page_size": 10}},
      "destination": {"type": "sqlite", "config": {"path": "%3"}},
      "streams": [{"name": "products", "sync_mode": "full_refresh", "destination_sync_mode": "%4"}],
      "settings": {"retry": {"max_attempts": 3, "backoff_seconds": 0}%5}})")
        .arg(name)
        .arg(count)
        .arg(warehouse.isEmpty() ? QStringLiteral("warehouse.sqlite") : warehouse, QString::fromLatin1(mode),
             settings.isEmpty() ? QString() : ", " + settings)
        .toUtf8();
}

// Records per generation as `generations --json` reports them: {{generation, records}, ...}.
Rows generationsOf(const E2eHome& h, const QString& id, const QString& stream) {
    Rows out;
    const auto doc = h.cliJson({"generations", id, "--stream", stream});
    for (const auto& g : doc["generations"].toArray())
        out.push_back({std::to_string(g.toObject().value("generation_id").toInt()),
                       std::to_string(g.toObject().value("records").toInt())});
    return out;
}

std::unique_ptr<QProcess> start(const QString& home, const QStringList& args) {
    auto p = std::make_unique<QProcess>();
    p->setProgram(qEnvironmentVariable("SLUICECTL"));
    p->setArguments(QStringList{"--home", home} + args);
    p->start();
    return p;
}
} // namespace

class TestSharedDestination : public QObject {
    Q_OBJECT
private slots:
    // Before: the second overwrite replaced the first connection's 100 rows with its 7.
    void secondConnectionIsRefusedUntilItHasAPrefix() {
        E2eHome h;
        const QString first = h.createConnection(demo("first", 100));
        const QString second = h.createConnection(demo("second", 7));
        QCOMPARE(h.cli({"sync", first}).exitCode, 0);
        const Rows firstRows =
            h.rows("SELECT id, _airbyte_generation_id, _airbyte_raw_id FROM products ORDER BY id");
        QCOMPARE(firstRows.size(), size_t(100));
        const auto tablesBefore = h.tables();

        auto refused = h.cli({"sync", second});
        QCOMPARE(refused.exitCode, 2); // a refused action (SPEC §7), not a failure to retry
        for (const char* part : {"table `products`", "`first`", "`second`", "prefix", "connection delete"})
            QVERIFY2(refused.err.contains(part), qPrintable(refused.err));
        QVERIFY2(!refused.err.contains("no such table"), qPrintable(refused.err));
        // Nothing of the first connection moved, nothing was created, and the job was not retried.
        QCOMPARE(h.rows("SELECT id, _airbyte_generation_id, _airbyte_raw_id FROM products ORDER BY id"),
                 firstRows);
        QCOMPARE(h.tables(), tablesBefore);
        const auto jobs = h.cliJson({"jobs", second}).array();
        QCOMPARE(jobs.size(), 1);
        QCOMPARE(jobs[0]["status"].toString(), QStringLiteral("failed"));
        QCOMPARE(jobs[0]["attempts"].toArray().size(), 1);
        QCOMPARE(generationsOf(h, first, "products"), (Rows{{"1", "100"}}));
        // The second connection does not see the first one's rows as its own either.
        for (const auto& g : generationsOf(h, second, "products"))
            QCOMPARE(g[1], std::string("0"));

        // With a prefix the second connection has tables of its own.
        h.write("second.json", demo("second", 7, R"("prefix": "crm_")"));
        QCOMPARE(h.cli({"connection", "update", second, h.path("second.json")}).exitCode, 0);
        auto withPrefix = h.cli({"sync", second});
        QVERIFY2(withPrefix.exitCode == 0, qPrintable(withPrefix.err));
        QCOMPARE(h.rows("SELECT count(*) FROM crm_products"), (Rows{{"7"}}));
        QCOMPARE(h.rows("SELECT id, _airbyte_generation_id, _airbyte_raw_id FROM products ORDER BY id"),
                 firstRows);
        QCOMPARE(generationsOf(h, second, "products"), (Rows{{"1", "0"}, {"2", "7"}}));
        QCOMPARE(h.cli({"sync", first}).exitCode, 0);
        QCOMPARE(h.rows("SELECT count(*), min(_airbyte_generation_id) FROM products"), (Rows{{"100", "2"}}));
        QCOMPARE(h.rows("SELECT count(*) FROM crm_products"), (Rows{{"7"}}));
        QCOMPARE(generationsOf(h, first, "products"), (Rows{{"1", "0"}, {"2", "100"}}));
        QCOMPARE(h.tables(),
                 (std::vector<std::string>{"_airbyte_sluice_checkpoints", "_airbyte_sluice_tables",
                                           "crm_products", "products"}));
    }

    // The prefix names every table of the connection: final, history and (while it exists) staging.
    void prefixNamesHistoryAndStagingToo() {
        E2eHome h;
        const QString plain = h.createConnection(demo("plain", 5, {}, {}, "overwrite_dedup"));
        const QString crm = h.createConnection(demo("crm", 6, R"("prefix": "crm_")", {}, "overwrite_dedup"));
        QCOMPARE(h.cli({"sync", plain}).exitCode, 0);
        QCOMPARE(h.cli({"sync", crm}).exitCode, 0);
        QCOMPARE(h.tables(),
                 (std::vector<std::string>{"_airbyte_raw_crm_products", "_airbyte_raw_products",
                                           "_airbyte_sluice_checkpoints", "_airbyte_sluice_tables",
                                           "crm_products", "products"}));
        QCOMPARE(h.rows("SELECT count(*) FROM products"), (Rows{{"5"}}));
        QCOMPARE(h.rows("SELECT count(*) FROM crm_products"), (Rows{{"6"}}));
        // Each connection's staging table is its own: a failed attempt of `crm` keeps its staging table for
        // the next attempt, and `plain` syncs meanwhile without touching it.
        h.write("crm.json", QByteArray(demo("crm", 6, R"("prefix": "crm_")", {}, "overwrite_dedup"))
                                .replace("\"page_size\": 10", "\"page_size\": 2, \"fail_after_records\": 3")
                                .replace("\"max_attempts\": 3", "\"max_attempts\": 1"));
        QCOMPARE(h.cli({"connection", "update", crm, h.path("crm.json")}).exitCode, 0);
        QCOMPARE(h.cli({"sync", crm}).exitCode, 1);
        const Rows staged = h.rows("SELECT id FROM _airbyte_tmp_crm_products ORDER BY id");
        QCOMPARE(staged.size(), size_t(2));
        QCOMPARE(h.cli({"sync", plain}).exitCode, 0);
        QCOMPARE(h.rows("SELECT count(*) FROM products"), (Rows{{"5"}}));
        QCOMPARE(h.rows("SELECT count(*) FROM crm_products"), (Rows{{"6"}}));
        QCOMPARE(h.rows("SELECT id FROM _airbyte_tmp_crm_products ORDER BY id"), staged);
    }

    // Two first syncs at once, from two homes (connection 1 in each): exactly one owns the table, the other
    // is told so; before, 6 of 10 syncs failed with "no such table: _airbyte_tmp_products".
    void concurrentFirstSyncsHaveOneOwner() {
        E2eHome a, b;
        int aWon = 0, bWon = 0;
        for (int round = 0; round < 10; ++round) {
            const QString warehouse = a.path(QStringLiteral("shared-%1.sqlite").arg(round));
            const QString ca = a.createConnection(demo(QStringLiteral("a%1").arg(round), 60, {}, warehouse));
            const QString cb = b.createConnection(demo(QStringLiteral("b%1").arg(round), 40, {}, warehouse));
            auto pa = start(a.home(), {"sync", ca});
            auto pb = start(b.home(), {"sync", cb});
            QVERIFY(pa->waitForFinished(60000) && pb->waitForFinished(60000));
            const QString ea = QString::fromUtf8(pa->readAllStandardError());
            const QString eb = QString::fromUtf8(pb->readAllStandardError());
            QVERIFY2(!ea.contains("no such table") && !eb.contains("no such table"), qPrintable(ea + eb));
            QVERIFY2((pa->exitCode() == 0) != (pb->exitCode() == 0), qPrintable(ea + eb));
            const bool aOwns = pa->exitCode() == 0;
            const QString loser = aOwns ? eb : ea;
            QVERIFY2((aOwns ? pb->exitCode() : pa->exitCode()) == 2, qPrintable(loser));
            QVERIFY2(loser.contains("belongs to connection") && loser.contains(aOwns ? "`a" : "`b"),
                     qPrintable(loser));
            const auto owner =
                queryRows(warehouse, "SELECT DISTINCT connection_name FROM _airbyte_sluice_tables");
            QCOMPARE(owner, (Rows{{QStringLiteral("%1%2").arg(aOwns ? "a" : "b").arg(round).toStdString()}}));
            QCOMPARE(queryRows(warehouse, "SELECT count(*) FROM products"), (Rows{{aOwns ? "60" : "40"}}));
            QCOMPARE(queryRows(warehouse, "SELECT count(*) FROM sqlite_master WHERE name LIKE '%tmp%'"),
                     (Rows{{"0"}}));
            (aOwns ? aWon : bWon)++;
        }
        qInfo("10 rounds of two concurrent first syncs: a owned %d, b owned %d", aWon, bWon);
    }

    // A connection of another home (also id 1) with a prefix keeps its own checkpoints and tables.
    void connectionsOfTwoHomesWithPrefixes() {
        E2eHome a, b;
        const QString warehouse = a.warehouse();
        const QString ca = a.createConnection(demo("alpha", 30, {}, warehouse, "append"));
        const QString cb = b.createConnection(demo("beta", 20, R"("prefix": "b_")", warehouse, "append"));
        QCOMPARE(ca, QStringLiteral("1"));
        QCOMPARE(cb, QStringLiteral("1"));
        for (int i = 0; i < 2; ++i) {
            QCOMPARE(a.cli({"sync", ca}).exitCode, 0);
            QCOMPARE(b.cli({"sync", cb}).exitCode, 0);
        }
        QCOMPARE(a.rows("SELECT _airbyte_generation_id, count(*) FROM products GROUP BY 1"),
                 (Rows{{"1", "30"}, {"2", "30"}}));
        QCOMPARE(a.rows("SELECT _airbyte_generation_id, count(*) FROM b_products GROUP BY 1"),
                 (Rows{{"1", "20"}, {"2", "20"}}));
        QCOMPARE(a.rows("SELECT count(DISTINCT connection_id) FROM _airbyte_sluice_checkpoints"),
                 (Rows{{"2"}}));
        // Without its prefix, beta is refused: the table belongs to alpha of the other home.
        b.write("beta.json", demo("beta", 20, {}, warehouse, "append"));
        QCOMPARE(b.cli({"connection", "update", cb, b.path("beta.json")}).exitCode, 0);
        auto refused = b.cli({"sync", cb});
        QCOMPARE(refused.exitCode, 2);
        QVERIFY2(refused.err.contains("`alpha`") && refused.err.contains(a.home()), qPrintable(refused.err));
    }

    // Deleting a connection releases its tables (the data stays): another connection may then take them.
    void deleteReleasesTheTables() {
        E2eHome h;
        const QString first = h.createConnection(demo("first", 10, {}, {}, "append"));
        const QString second = h.createConnection(demo("second", 4, {}, {}, "append"));
        QCOMPARE(h.cli({"sync", first}).exitCode, 0);
        QCOMPARE(h.cli({"sync", second}).exitCode, 2);
        auto deleted = h.cli({"connection", "delete", first});
        QCOMPARE(deleted.exitCode, 0);
        QVERIFY2(deleted.out.contains("released"), qPrintable(deleted.out));
        QCOMPARE(h.rows("SELECT count(*) FROM products"), (Rows{{"10"}}));
        QCOMPARE(h.rows("SELECT count(*) FROM _airbyte_sluice_tables"), (Rows{{"0"}}));
        QCOMPARE(h.cli({"sync", second}).exitCode, 0);
        QCOMPARE(h.rows("SELECT count(*) FROM products"), (Rows{{"14"}}));
        QCOMPARE(h.rows("SELECT DISTINCT connection_name FROM _airbyte_sluice_tables"), (Rows{{"second"}}));
    }

    void prefixRoundTripsThroughShow() {
        E2eHome h;
        const QString id = h.createConnection(demo("crm", 3, R"("prefix": "crm_")"));
        const auto shown = h.cliJson({"connection", "show", id});
        QCOMPARE(shown["settings"]["prefix"].toString(), QStringLiteral("crm_"));
        // What show prints is a connection file (without its id) that gives the same connection back.
        QJsonObject file = shown.object();
        file.remove("id");
        h.write("shown.json", QJsonDocument(file).toJson());
        QCOMPARE(h.cli({"connection", "update", id, h.path("shown.json")}).exitCode, 0);
        QCOMPARE(h.cliJson({"connection", "show", id}).object(), shown.object());
        const auto plain = h.cliJson({"connection", "show", h.createConnection(demo("plain", 3))});
        QCOMPARE(plain["settings"]["prefix"].toString(), QString());

        auto bad = h.cli({"connection", "create", h.write("bad.json", demo("bad", 3, R"("prefix": 5)"))});
        QCOMPARE(bad.exitCode, 2);
        QVERIFY2(bad.err.contains("`settings.prefix`") && bad.err.contains("bad.json"), qPrintable(bad.err));
    }

    // The per-generation aggregate reads the stream's own table: its prefixed one, or the distinct name a
    // stream named like SQLite's own tables gets (before, both read a table that is not the stream's).
    void aggregateReadsTheStreamsOwnTable() {
        E2eHome h;
        h.write("data/sqlite_sales.jsonl", "{\"id\": 1, \"total\": 100}\n{\"id\": 2, \"total\": 250}\n");
        h.write("data/sales.jsonl", "{\"id\": 1, \"total\": 7}\n");
        const QString id = h.createConnection(R"({"name": "sales",
          "source": {"type": "file", "config": {"path": "data"}},
          "destination": {"type": "sqlite", "config": {"path": "warehouse.sqlite"}},
          "streams": [{"name": "sqlite_sales", "sync_mode": "full_refresh", "destination_sync_mode": "append"},
                      {"name": "sales", "sync_mode": "full_refresh", "destination_sync_mode": "append"}],
          "settings": {"prefix": "eu_"}})");
        QCOMPARE(h.cli({"sync", id}).exitCode, 0);
        QCOMPARE(h.rows("SELECT sum(total) FROM eu_sales"), (Rows{{"7"}}));
        {
            // A table named like the stream, but not its own (the connection's tables have the prefix).
            auto db = sluice::core::Database::open(h.warehouse().toStdString());
            SLUICE_VERIFY_OK(db);
            SLUICE_VERIFY_OK(db->exec("CREATE TABLE sales (id, total, _airbyte_generation_id); "
                                      "INSERT INTO sales VALUES (1, 1000, 0)"));
        }

        auto store = sluice::core::Store::openInHome(h.home().toStdString());
        SLUICE_VERIFY_OK(store);
        auto c = sluice::core::ConnectionRepository(store->db()).find("sales");
        SLUICE_VERIFY_OK(c);
        for (const auto& [stream, count, sum] :
             {std::tuple{"sqlite_sales", 2, 350.0}, std::tuple{"sales", 1, 7.0}}) {
            auto report = sluice::core::aggregateReport(store->db(), c.value(), stream, "total");
            QVERIFY2(report.error.isEmpty(), qPrintable(report.error));
            QCOMPARE(report.rows.size(), qsizetype(1));
            QCOMPARE(report.rows[0].generation, qint64(1));
            QCOMPARE(report.rows[0].count, qint64(count));
            QCOMPARE(report.rows[0].sum, sum);
        }
    }
};

QTEST_GUILESS_MAIN(TestSharedDestination)
#include "tst_shared_destination.moc"
