// A SQLite file as a source, synced through sluicectl into the SQLite warehouse (Incremental | Append +
// Dedupe).
#include "e2e_home.h"
#include "util/sqlite_db.h"

#include <QJsonArray>
#include <QtTest>

using namespace sluice::test;

namespace {
// No primary_key and no cursor rules beyond the cursor: the key comes from the table's PRIMARY KEY.
const QByteArray kConnection = R"({
  "name": "shop",
  "source": {"type": "sqlite", "config": {"path": "shop.sqlite"}},
  "destination": {"type": "sqlite", "config": {"path": "warehouse.sqlite"}},
  "streams": [{"name": "customers", "sync_mode": "incremental", "destination_sync_mode": "append_dedup",
               "cursor_field": ["updated_at"]}],
  "settings": {"retry": {"max_attempts": 1}}
})";

void execSource(const E2eHome& h, const std::string& sql) {
    auto db = sluice::core::Database::open(h.path("shop.sqlite").toStdString());
    QVERIFY(db.ok());
    auto st = db->exec(sql);
    QVERIFY2(st.ok(), st.ok() ? "" : st.error().message.c_str());
}
} // namespace

class TestSqliteSourceSync : public QObject {
    Q_OBJECT
private slots:
    void incrementalDedupeWithSourceDefinedKey() {
        E2eHome h;
        execSource(h, R"(CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT, tier TEXT, vip BOOLEAN,
                           updated_at TEXT);
                         INSERT INTO customers VALUES (1, 'Ann', 'gold', 1, '2024-01-01'),
                                                      (2, 'Bob', 'silver', 0, '2024-01-02'),
                                                      (3, 'Cid', 'bronze', 0, '2024-01-02');
                         CREATE VIEW gold AS SELECT * FROM customers WHERE tier = 'gold';)");
        const QString id = h.createConnection(kConnection);
        QVERIFY(!id.isEmpty());

        const QJsonArray streams = h.cliJson({"discover", id})["streams"].toArray();
        QCOMPARE(streams.size(), 2);
        QCOMPARE(streams[0]["name"].toString(), QStringLiteral("customers"));
        QCOMPARE(streams[0]["source_defined_primary_key"].toArray(), (QJsonArray{QJsonArray{"id"}}));
        QVERIFY(streams[0]["is_resumable"].toBool());
        QCOMPARE(streams[1]["name"].toString(), QStringLiteral("gold"));
        QVERIFY(!streams[1]["is_resumable"].toBool());

        auto first = h.cliJson({"sync", id});
        QCOMPARE(first["status"].toString(), QStringLiteral("succeeded"));
        const char* query = "SELECT id, name, tier, vip, updated_at FROM customers ORDER BY id";
        QCOMPARE(h.rows(query), (Rows{{"1", "Ann", "gold", "1", "2024-01-01"},
                                      {"2", "Bob", "silver", "0", "2024-01-02"},
                                      {"3", "Cid", "bronze", "0", "2024-01-02"}}));

        // Unchanged: nothing delivered again, not even the two records at the saved maximum.
        auto unchanged = h.cliJson({"sync", id});
        QCOMPARE(unchanged["status"].toString(), QStringLiteral("succeeded"));
        QCOMPARE(unchanged["records_committed"].toInt(), 0);

        // Bob is promoted (a greater cursor) and Dee arrives at the old maximum (a tie): both come, once.
        execSource(h, "UPDATE customers SET tier = 'gold', updated_at = '2024-01-03' WHERE id = 2;"
                      "INSERT INTO customers VALUES (4, 'Dee', 'silver', 1, '2024-01-02');");
        auto next = h.cliJson({"sync", id});
        QCOMPARE(next["status"].toString(), QStringLiteral("succeeded"));
        QCOMPARE(next["records_committed"].toInt(), 2);
        QCOMPARE(h.rows(query), (Rows{{"1", "Ann", "gold", "1", "2024-01-01"},
                                      {"2", "Bob", "gold", "0", "2024-01-03"},
                                      {"3", "Cid", "bronze", "0", "2024-01-02"},
                                      {"4", "Dee", "silver", "1", "2024-01-02"}}));
        // Every delivered version stays in the history table: 3 + 2.
        QCOMPARE(h.rows("SELECT count(*) FROM _airbyte_raw_customers")[0][0], std::string("5"));
        QCOMPARE(h.rows("SELECT DISTINCT _airbyte_generation_id FROM customers"), (Rows{{"0"}}));

        auto state = h.cliJson({"state", id});
        QVERIFY2(QJsonDocument(state).toJson().contains("2024-01-03"),
                 QJsonDocument(state).toJson().constData());
    }
};

QTEST_GUILESS_MAIN(TestSqliteSourceSync)
#include "tst_sqlite_source_sync.moc"
