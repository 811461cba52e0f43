#include "test_support.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

using sluice::test::runCli;
using sluice::test::writeFile;

namespace {
QByteArray connectionFile(const QString& name) {
    return QStringLiteral(R"({
  "name": "%1",
  "source": {"type": "file", "config": {"path": "sales.jsonl"}},
  "destination": {"type": "sqlite", "config": {"path": "warehouse.sqlite"}},
  "streams": [{"name": "sales", "sync_mode": "incremental", "destination_sync_mode": "append_dedup",
               "cursor_field": ["updated_at"], "primary_key": [["year_month"]]}]
})").arg(name).toUtf8();
}
} // namespace

class TestCliConnection : public QObject {
    Q_OBJECT
private slots:
    void versionAndHelp() {
        QTemporaryDir home;
        auto v = runCli(home.path(), {"--version"});
        QCOMPARE(v.exitCode, 0);
        QVERIFY(v.out.startsWith("sluicectl "));
        auto h = runCli(home.path(), {"--help"});
        QCOMPARE(h.exitCode, 0);
        QVERIFY(h.out.contains("connection create FILE.json"));
        QVERIFY(h.out.contains("generations ID --stream NAME"));
        auto bad = runCli(home.path(), {"frobnicate"});
        QCOMPARE(bad.exitCode, 2);
        QVERIFY(bad.err.contains("unknown command `frobnicate`"));
    }

    void createListShowUpdateDelete() {
        QTemporaryDir home;
        const QString file = writeFile(home.path() + "/conf/sales.json", connectionFile("sales"));
        auto created = runCli(home.path(), {"connection", "create", file});
        QCOMPARE(created.exitCode, 0);
        QCOMPARE(created.out.trimmed(), QStringLiteral("1"));

        auto list = runCli(home.path(), {"connection", "list", "--json"});
        QCOMPARE(list.exitCode, 0);
        const auto arr = QJsonDocument::fromJson(list.out.toUtf8()).array();
        QCOMPARE(arr.size(), 1);
        QCOMPARE(arr[0]["name"].toString(), QStringLiteral("sales"));
        QCOMPARE(arr[0]["id"].toInt(), 1);
        // The relative path is stored relative to the file it was written in.
        QCOMPARE(arr[0]["source"]["config"]["path"].toString(), home.path() + "/conf/sales.jsonl");

        auto byName = runCli(home.path(), {"connection", "show", "sales"});
        QCOMPARE(byName.exitCode, 0);
        QCOMPARE(QJsonDocument::fromJson(byName.out.toUtf8())["streams"][0]["destination_sync_mode"].toString(),
                 QStringLiteral("append_dedup"));

        const QString renamed = writeFile(home.path() + "/conf/renamed.json", connectionFile("sales-v2"));
        QCOMPARE(runCli(home.path(), {"connection", "update", "1", renamed}).exitCode, 0);
        QCOMPARE(QJsonDocument::fromJson(runCli(home.path(), {"connection", "show", "1", "--json"}).out.toUtf8())["name"]
                     .toString(),
                 QStringLiteral("sales-v2"));

        QCOMPARE(runCli(home.path(), {"connection", "delete", "sales-v2"}).exitCode, 0);
        auto missing = runCli(home.path(), {"connection", "show", "1"});
        QCOMPARE(missing.exitCode, 2);
        QVERIFY(missing.err.contains("no connection with id or name \"1\""));
    }

    void refusesBadFiles_data() {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("expected");
        QTest::newRow("invalid json") << QByteArray("{ nope") << "not valid JSON";
        QTest::newRow("missing key") << QByteArray(R"({"name": "x", "source": {"type": "demo"}, "streams": []})")
                                     << "missing required key `destination`";
        QTest::newRow("unknown source") << QByteArray(R"({"name": "x", "source": {"type": "oracle"},
            "destination": {"type": "sqlite", "config": {"path": "w.sqlite"}}, "streams": []})")
                                        << "unknown source type `oracle`";
        QTest::newRow("unknown destination") << QByteArray(R"({"name": "x", "source": {"type": "demo"},
            "destination": {"type": "snowflake"}, "streams": []})") << "unknown destination type `snowflake`";
        QTest::newRow("unknown sync mode") << QByteArray(R"({"name": "x", "source": {"type": "demo"},
            "destination": {"type": "sqlite", "config": {"path": "w.sqlite"}},
            "streams": [{"name": "users", "sync_mode": "sometimes"}]})") << "unknown sync mode `sometimes`";
        QTest::newRow("name taken") << connectionFile("taken") << "a connection named \"taken\" already exists";
    }

    void refusesBadFiles() {
        QFETCH(QByteArray, content);
        QFETCH(QString, expected);
        QTemporaryDir home;
        QCOMPARE(runCli(home.path(), {"connection", "create", writeFile(home.path() + "/taken.json",
                                                                         connectionFile("taken"))})
                     .exitCode,
                 0);
        const QString before = runCli(home.path(), {"connection", "list", "--json"}).out;
        const QString file = writeFile(home.path() + "/bad.json", content);
        auto r = runCli(home.path(), {"connection", "create", file});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(expected), qPrintable(r.err));
        QVERIFY2(r.err.contains("bad.json"), qPrintable(r.err)); // names the file
        QCOMPARE(runCli(home.path(), {"connection", "list", "--json"}).out, before);
    }
};

QTEST_GUILESS_MAIN(TestCliConnection)
#include "tst_cli_connection.moc"
