// Connectors other people wrote, through the real sluicectl: the older-CDK connector of
// tests/data/connectors/legacy_cdk_source.py keeps LEGACY state and reads it back by stream name.
#include "e2e_home.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QtTest>
#include <nlohmann/json.hpp>

using namespace sluice::test;
using nlohmann::json;

namespace {

std::string legacyConnector() {
    return (qEnvironmentVariable("SLUICE_TEST_DATA") + "/connectors/legacy_cdk_source.py").toStdString();
}

json user(int id, const std::string& day) {
    return {{"id", id}, {"name", "user-" + std::to_string(id)}, {"updated_at", day}};
}

// users with ids 1..n, updated on consecutive days of January.
json users(int n) {
    json rows = json::array();
    for (int i = 1; i <= n; ++i)
        rows.push_back(user(i, "2024-01-" + QString::number(i).rightJustified(2, '0').toStdString()));
    return rows;
}

// A connection reading the connector into the home's warehouse; `extra` adds keys to the connector's config.
QByteArray connection(const E2eHome& h, const json& extra = json::object()) {
    json config = {{"data_file", h.path("data.json").toStdString()}, {"api_token", "token-1"}};
    for (const auto& [k, v] : extra.items())
        config[k] = v;
    json c = {
        {"name", "legacy"},
        {"source", {{"type", "airbyte"}, {"config", {{"command", {legacyConnector()}}, {"config", config}}}}},
        {"destination", {{"type", "sqlite"}, {"config", {{"path", "warehouse.sqlite"}}}}},
        {"streams",
         {{{"name", "users"}, {"sync_mode", "incremental"}, {"destination_sync_mode", "append"}},
          {{"name", "orders"}, {"sync_mode", "incremental"}, {"destination_sync_mode", "append"}}}},
        {"settings", {{"retry", {{"max_attempts", 1}}}}}};
    return QByteArray::fromStdString(c.dump());
}

void writeData(const E2eHome& h, const json& usersRows, const json& ordersRows) {
    h.write("data.json",
            QByteArray::fromStdString(json{{"users", usersRows}, {"orders", ordersRows}}.dump()));
}

json fileJson(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return json();
    return json::parse(f.readAll().toStdString(), nullptr, false);
}

QByteArray fileText(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

Rows idRows(int from, int to) {
    Rows out;
    for (int i = from; i <= to; ++i)
        out.push_back({std::to_string(i)});
    return out;
}

} // namespace

class TestAirbyteFidelity : public QObject {
    Q_OBJECT

private slots:
    // Seen: a LEGACY state went back as a GLOBAL state, so every sync of such a connector read everything.
    void legacyStateIsPassedBackAsItsDataObject() {
        E2eHome h;
        QVERIFY(QDir().mkpath(h.path("dump")));
        writeData(h, users(3), json::array({user(1, "2024-02-01")}));
        const QString id = h.createConnection(connection(h, {{"dump_dir", h.path("dump").toStdString()}}));

        auto first = h.cliJson({"sync", id});
        QCOMPARE(first["status"].toString(), QStringLiteral("succeeded"));
        QCOMPARE(first["records_committed"].toInt(), 4);
        const QJsonObject state = h.cliJson({"state", id}).object();
        QCOMPARE(state["global_type"].toString(), QStringLiteral("LEGACY"));
        const json expected = json::parse(R"({"users":{"updated_at":"2024-01-03"},
                                              "orders":{"updated_at":"2024-02-01"}})");
        QCOMPARE(json::parse(QJsonDocument(state["global"].toObject()).toJson().toStdString()), expected);

        // Two new users: the second sync reads only them, and the connector got back its own object.
        writeData(h, users(5), json::array({user(1, "2024-02-01")}));
        auto second = h.cliJson({"sync", id});
        QCOMPARE(second["status"].toString(), QStringLiteral("succeeded"));
        QCOMPARE(second["records_committed"].toInt(), 2);
        QCOMPARE(fileJson(h.path("dump/state.json")), expected);
        QCOMPARE(h.rows("SELECT id FROM users ORDER BY rowid"), idRows(1, 5));
        QCOMPARE(h.rows("SELECT id FROM orders ORDER BY rowid"), idRows(1, 1));

        // Nothing new: nothing read, and both streams still complete.
        auto third = h.cliJson({"sync", id});
        QCOMPARE(third["status"].toString(), QStringLiteral("succeeded"));
        QCOMPARE(third["records_committed"].toInt(), 0);
        QCOMPARE(h.rows("SELECT count(*) FROM users"), (Rows{{"5"}}));
    }

    // A refreshed stream is read from its start: its entry of the LEGACY state is not passed back.
    void refreshOfALegacyStreamReadsItAgain() {
        E2eHome h;
        QVERIFY(QDir().mkpath(h.path("dump")));
        writeData(h, users(3), json::array({user(1, "2024-02-01")}));
        const QString id = h.createConnection(connection(h, {{"dump_dir", h.path("dump").toStdString()}}));
        QCOMPARE(h.cli({"sync", id}).exitCode, 0);

        const CliRun r = h.cli({"refresh", id, "--mode", "retain", "--stream", "users", "--yes"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
        QCOMPARE(fileJson(h.path("dump/state.json")),
                 json::parse(R"({"orders":{"updated_at":"2024-02-01"}})"));
        QCOMPARE(h.rows("SELECT id FROM users WHERE _airbyte_generation_id = 1 ORDER BY id"), idRows(1, 3));
        QCOMPARE(h.rows("SELECT id FROM orders ORDER BY rowid"), idRows(1, 1));
    }

    // The connector's own spec checks its configuration before the connection is stored.
    void configurationIsCheckedAgainstTheConnectorsSpec_data() {
        QTest::addColumn<QString>("patch");
        QTest::addColumn<QString>("message");
        QTest::newRow("maximum") << R"({"page_size": 5000})"
                                 << "`source.config.config.page_size` must be at most 1000, found 5000";
        QTest::newRow("enum") << R"({"region": "mars"})"
                              << "`source.config.config.region` is \"mars\", expected one of \"eu\", \"us\"";
        QTest::newRow("pattern") << R"({"start_date": "yesterday"})"
                                 << "`source.config.config.start_date` must match the pattern "
                                    "^[0-9]{4}-[0-9]{2}-[0-9]{2}$, found \"yesterday\"";
        QTest::newRow("required") << R"({"api_token": null})"
                                  << "missing required key `source.config.config.api_token`";
        QTest::newRow("oneOf")
            << R"({"credentials": {"auth_type": "oauth", "client_id": "x"}})"
            << "missing required key `source.config.config.credentials.client_secret` (for the "
               "choice OAuth)";
    }

    void configurationIsCheckedAgainstTheConnectorsSpec() {
        QFETCH(QString, patch);
        QFETCH(QString, message);
        E2eHome h;
        writeData(h, users(1), json::array());
        json c = json::parse(connection(h).toStdString());
        c["source"]["config"]["config"].merge_patch(json::parse(patch.toStdString()));
        const QString file = h.write("bad.json", QByteArray::fromStdString(c.dump()));
        const CliRun r = h.cli({"connection", "create", file});
        QVERIFY(r.exitCode != 0);
        QCOMPARE(r.err, "sluicectl: " + file +
                            ": the connector's configuration does not fit its spec: " + message + "\n");
        QCOMPARE(h.cliJson({"connection", "list"}).array().size(), 0);
    }

    // A key the spec marks airbyte_secret is a secret whatever its name: stored apart, masked, still sent.
    void specSecretsAreKeptInTheSecretStoreAndMasked() {
        E2eHome h;
        QVERIFY(QDir().mkpath(h.path("dump")));
        writeData(h, users(2), json::array());
        const std::string secret = "open-sesame-7431";
        const QString id = h.createConnection(connection(
            h, {{"passphrase", secret}, {"page_size", 10}, {"dump_dir", h.path("dump").toStdString()}}));
        QVERIFY(!id.isEmpty());

        const CliRun shown = h.cli({"connection", "show", id});
        QVERIFY2(!shown.out.contains(QString::fromStdString(secret)), qPrintable(shown.out));
        const json config = json::parse(shown.out.toStdString())["source"]["config"];
        QCOMPARE(config["config"]["passphrase"], json("**********"));
        QCOMPARE(config["config"]["page_size"], json(10)); // not a secret: shown as it is
        for (const QString& f : {QStringLiteral("sluice.db"), QStringLiteral("sluice.db-wal")}) {
            QFile db(h.home() + "/" + f);
            if (db.open(QIODevice::ReadOnly))
                QVERIFY2(!db.readAll().contains(QByteArray::fromStdString(secret)), qPrintable(f));
        }

        QCOMPARE(h.cli({"sync", id}).exitCode, 0);
        const json sent = fileJson(h.path("dump/read-config.json"));
        QCOMPARE(sent["passphrase"], json(secret));
        QCOMPARE(sent["region"], json("eu")); // the spec's default, filled in
    }

    // A connector with single-use tokens reports the new one in a CONTROL CONNECTOR_CONFIG: it is stored at
    // once (secret apart, masked), even when the attempt then fails, and the next run gets it.
    void rotatedConfigurationIsKeptForTheNextRun() {
        qputenv("SLUICE_SECRET_STORE", "file");
        E2eHome h;
        QVERIFY(QDir().mkpath(h.path("dump")));
        writeData(h, users(2), json::array());
        h.write("token", "token-1");
        const QString failFlag = h.write("fail-after-rotation", "");
        const QString id = h.createConnection(connection(h, {{"token_file", h.path("token").toStdString()},
                                                             {"fail_after_rotation", failFlag.toStdString()},
                                                             {"dump_dir", h.path("dump").toStdString()}}));

        // The first read spends token-1 and fails after reporting token-2.
        auto first = h.cliJson({"sync", id}, 1);
        QCOMPARE(first["status"].toString(), QStringLiteral("failed"));
        QCOMPARE(fileText(h.path("token")), QByteArray("token-2"));
        const CliRun shown = h.cli({"connection", "show", id});
        QVERIFY2(!shown.out.contains("token-2"), qPrintable(shown.out));
        const json config = json::parse(shown.out.toStdString())["source"]["config"]["config"];
        QCOMPARE(config["api_token"], json("**********"));
        QCOMPARE(config["rotations"], json(1)); // a value that is not secret is shown as it is
        QFile secrets(h.home() + "/secrets.json");
        QVERIFY(secrets.open(QIODevice::ReadOnly));
        QVERIFY(secrets.readAll().contains("token-2"));
        for (const QString& f : {QStringLiteral("sluice.db"), QStringLiteral("sluice.db-wal")}) {
            QFile db(h.home() + "/" + f);
            if (db.open(QIODevice::ReadOnly))
                QVERIFY2(!db.readAll().contains("token-2"), qPrintable(f));
        }
        const CliRun logs = h.cli({"logs", QString::number(first["job_id"].toInt())});
        QVERIFY2(logs.out.contains("connector updated its configuration (keys: config.api_token, "
                                   "config.rotations)"),
                 qPrintable(logs.out));
        QVERIFY2(!logs.out.contains("token-2"), qPrintable(logs.out));

        // The connector refuses any token but token-2: the second sync succeeding proves it was sent.
        QVERIFY(QFile::remove(failFlag));
        auto second = h.cliJson({"sync", id});
        QCOMPARE(second["status"].toString(), QStringLiteral("succeeded"));
        const json sent = fileJson(h.path("dump/read-config.json"));
        QCOMPARE(sent["api_token"], json("token-2"));
        QCOMPARE(sent["rotations"], json(1));
        QCOMPARE(fileText(h.path("token")), QByteArray("token-3"));
        QCOMPARE(json::parse(h.cli({"connection", "show", id})
                                 .out.toStdString())["source"]["config"]["config"]["rotations"],
                 json(2));
        QCOMPARE(h.rows("SELECT id FROM users ORDER BY rowid"), idRows(1, 2));
    }
};

QTEST_GUILESS_MAIN(TestAirbyteFidelity)
#include "tst_airbyte_fidelity.moc"
