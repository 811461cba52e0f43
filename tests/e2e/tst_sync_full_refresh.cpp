// Full refresh streams: overwrite swaps in each new generation whole; a failure leaves the old one in place.
#include "e2e_home.h"

#include <QJsonArray>
#include <QtTest>

using namespace sluice::test;

namespace {
QByteArray csvOf(int version, int rows) {
    QByteArray csv = "id,name,price\n";
    for (int i = 1; i <= rows; ++i)
        csv += QByteArray::number(i) + ",item " + QByteArray::number(i) + " v" + QByteArray::number(version) + "," +
               QByteArray::number(i * version) + ".5\n";
    return csv;
}

QByteArray connection(const char* mode) {
    return QByteArray(R"({"name": "products",
      "source": {"type": "file", "config": {"path": "products.csv"}},
      "destination": {"type": "sqlite", "config": {"path": "warehouse.sqlite"}},
      "streams": [{"name": "products", "sync_mode": "full_refresh", "destination_sync_mode": ")") +
           mode + R"(", "primary_key": [["id"]]}],
      "settings": {"retry": {"max_attempts": 2, "backoff_seconds": 0}}})";
}
} // namespace

class TestSyncFullRefresh : public QObject {
    Q_OBJECT
private slots:
    void overwriteFiveTimes() {
        E2eHome h;
        h.write("products.csv", csvOf(1, 3));
        const QString id = h.createConnection(connection("overwrite"));
        for (int version = 1; version <= 5; ++version) {
            const int rows = 2 + version; // the source grows
            h.write("products.csv", csvOf(version, rows));
            auto job = h.cliJson({"sync", id});
            QCOMPARE(job["status"].toString(), QStringLiteral("succeeded"));
            QCOMPARE(job["streams"][0]["generation_id"].toInt(), version);
            // The table equals the source, all of it in the new generation.
            Rows expected;
            for (int i = 1; i <= rows; ++i)
                expected.push_back({std::to_string(i), "item " + std::to_string(i) + " v" + std::to_string(version),
                                    std::to_string(i * version) + ".5", std::to_string(version)});
            QCOMPARE(h.rows("SELECT id, name, price, _airbyte_generation_id FROM products ORDER BY id"), expected);
            // No staging table is ever left behind.
            QCOMPARE(h.tables(), (std::vector<std::string>{"_airbyte_sluice_checkpoints",
                                                           "_airbyte_sluice_tables", "products"}));
        }
    }

    void failedOverwriteKeepsPreviousData() {
        E2eHome h;
        h.write("products.csv", csvOf(1, 4));
        const QString id = h.createConnection(connection("overwrite"));
        QCOMPARE(h.cli({"sync", id}).exitCode, 0);
        const Rows before = h.rows("SELECT id, name, price, _airbyte_generation_id FROM products ORDER BY id");
        QCOMPARE(before.size(), size_t(4));

        // The new version of the file breaks half way: a row with too many fields.
        QByteArray broken = csvOf(2, 3) + "4,oops,1.5,extra,fields\n5,item 5 v2,10.5\n";
        h.write("products.csv", broken);
        auto r = h.cli({"sync", id, "--json"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("products.csv:5"), qPrintable(r.err));
        QCOMPARE(h.rows("SELECT id, name, price, _airbyte_generation_id FROM products ORDER BY id"), before);

        // Fixed again: the next job replaces the data in a newer generation; staging does not accumulate.
        h.write("products.csv", csvOf(3, 2));
        auto job = h.cliJson({"sync", id});
        QCOMPARE(job["status"].toString(), QStringLiteral("succeeded"));
        QCOMPARE(h.rows("SELECT id, _airbyte_generation_id FROM products ORDER BY id"), (Rows{{"1", "3"}, {"2", "3"}}));
        QCOMPARE(h.tables(), (std::vector<std::string>{"_airbyte_sluice_checkpoints",
                                                       "_airbyte_sluice_tables", "products"}));
    }

    void appendKeepsEveryGeneration() {
        E2eHome h;
        h.write("products.csv", csvOf(1, 2));
        const QString id = h.createConnection(connection("append"));
        QCOMPARE(h.cli({"sync", id}).exitCode, 0);
        h.write("products.csv", csvOf(2, 3));
        QCOMPARE(h.cli({"sync", id}).exitCode, 0);
        QCOMPARE(h.rows("SELECT _airbyte_generation_id, count(*) FROM products GROUP BY 1 ORDER BY 1"),
                 (Rows{{"1", "2"}, {"2", "3"}}));
        auto gens = h.cliJson({"generations", id, "--stream", "products"});
        QCOMPARE(gens["current_generation"].toInt(), 2);
        QCOMPARE(gens["generations"].toArray().size(), 2);
        QCOMPARE(gens["generations"][1]["records"].toInt(), 3);
    }

    void overwriteDedupeKeepsOneRowPerKey() {
        E2eHome h;
        h.write("products.csv", "id,name,price\n1,a,1.0\n2,b,2.0\n1,a2,3.0\n");
        const QString id = h.createConnection(connection("overwrite_dedup"));
        QCOMPARE(h.cli({"sync", id}).exitCode, 0);
        // Without a cursor the latest delivered version wins.
        QCOMPARE(h.rows("SELECT id, name FROM products ORDER BY id"), (Rows{{"1", "a2"}, {"2", "b"}}));
        QCOMPARE(h.rows("SELECT count(*) FROM _airbyte_raw_products")[0][0], std::string("3"));
        h.write("products.csv", "id,name,price\n2,b,2.0\n");
        QCOMPARE(h.cli({"sync", id}).exitCode, 0);
        QCOMPARE(h.rows("SELECT id, name, _airbyte_generation_id FROM products"), (Rows{{"2", "b", "2"}}));
        QCOMPARE(h.rows("SELECT count(*) FROM _airbyte_raw_products")[0][0], std::string("1"));
    }
};

QTEST_GUILESS_MAIN(TestSyncFullRefresh)
#include "tst_sync_full_refresh.moc"
