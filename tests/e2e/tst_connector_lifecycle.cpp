// Hung and silent connectors end, and none outlives Sluice. Driven through the real sluicectl (and the job
// worker the GUI runs jobs on), with the fake connector told to hang in a command or to fall silent after
// a checkpoint: time limits of check and discover, the read's heartbeat and its retry, `sluicectl cancel`,
// the GUI's cancel, Ctrl-C and SIGTERM of `sluicectl sync`, and SIGKILL of sluicectl itself.
#include "airbyte_test_support.h"
#include "e2e_home.h"
#include "engine/job_worker.h"
#include "store/connection_repository.h"
#include "store/store.h"

#include <QDir>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>

using namespace sluice::test;

namespace {

// The fake connector's configuration: one stream of 10 records, plus `extra`.
json fake(const json& extra) {
    json c = {{"streams", {{{"name", "users"}, {"count", 10}}}}};
    for (const auto& [k, v] : extra.items())
        c[k] = v;
    return c;
}

// A connection reading the fake connector into the home's warehouse; `source` adds keys to the airbyte
// source's configuration (its limits), `settings` replaces the connection's settings.
QByteArray connection(const json& fakeConfig, const json& source = json::object(),
                      const json& settings = {{"retry", {{"max_attempts", 1}}}}) {
    json c = {
        {"name", "hung"},
        {"source", {{"type", "airbyte"}, {"config", {{"command", {fakeSource()}}, {"config", fakeConfig}}}}},
        {"destination", {{"type", "sqlite"}, {"config", {{"path", "warehouse.sqlite"}}}}},
        {"streams", {{{"name", "users"}, {"sync_mode", "incremental"}, {"destination_sync_mode", "append"}}}},
        {"settings", settings}};
    for (const auto& [k, v] : source.items())
        c["source"]["config"][k] = v;
    return QByteArray::fromStdString(c.dump());
}

// Three records, a state after them, then silence (once: a second run goes on to the end).
json silentAfterCheckpoint(const E2eHome& h) {
    return fake({{"checkpoint_every", 3},
                 {"sleep_after", 3},
                 {"sleep_once_marker", h.path("slept").toStdString()},
                 {"pid_dir", h.path("pids").toStdString()}});
}

QString pidFile(const E2eHome& h, const QString& command) {
    return h.path("pids/" + command + ".pid");
}

// The stored connection, as the GUI hands it to a JobWorker.
void loadConnection(const E2eHome& h, const QString& id, ConnectionConfig& out) {
    auto store = Store::openInHome(h.home().toStdString());
    SLUICE_VERIFY_OK(store);
    auto found = ConnectionRepository(store->db()).find(id.toStdString());
    SLUICE_VERIFY_OK(found);
    out = found.value();
}

QJsonObject lastJob(const E2eHome& h, const QString& id) {
    return h.cliJson({"jobs", id}).array().first().toObject();
}

std::string streamState(const E2eHome& h, const QString& id) {
    const QJsonObject state = h.cliJson({"state", id}).object();
    const QJsonValue s = state["streams"].toArray().first().toObject()["state"];
    return QJsonDocument(s.toObject()).toJson(QJsonDocument::Compact).toStdString();
}

Rows ids(const E2eHome& h) {
    return h.rows("SELECT id FROM users ORDER BY id");
}

Rows idRows(int from, int to) {
    Rows out;
    for (int i = from; i <= to; ++i)
        out.push_back({std::to_string(i)});
    return out;
}

// `sluicectl ARGS` running in the background, as a user's terminal would hold it.
void startCli(QProcess& p, const E2eHome& h, const QStringList& args) {
    p.start(qEnvironmentVariable("SLUICECTL"), QStringList{"--home", h.home()} + args);
    QVERIFY(p.waitForStarted());
}

} // namespace

class TestConnectorLifecycle : public QObject {
    Q_OBJECT

private slots:
    // Seen: a connector that sleeps in `check` made `sluicectl check` wait forever.
    void hungCheckOrDiscoverTimesOut_data() {
        QTest::addColumn<QString>("command");
        QTest::newRow("check") << "check";
        QTest::newRow("discover") << "discover";
    }

    void hungCheckOrDiscoverTimesOut() {
        QFETCH(QString, command);
        E2eHome h;
        QVERIFY(QDir().mkpath(h.path("pids")));
        const QString id = h.createConnection(
            connection(fake({{"hang_in", command.toStdString()}, {"pid_dir", h.path("pids").toStdString()}}),
                       {{"timeout_seconds", 2}}));
        QElapsedTimer t;
        t.start();
        const CliRun r = h.cli({command, id});
        const QString expected = "connector `" + QString::fromStdString(fakeSource()) + " " + command +
                                 "` did not finish within 2 s (timeout_seconds) and was stopped";
        QCOMPARE(r.exitCode, 1);
        if (command == "check")
            QVERIFY2(r.out.contains("source (airbyte): " + expected + "\n"), qPrintable(r.out));
        else
            QCOMPARE(r.err, "sluicectl: " + expected + "\n");
        QVERIFY2(t.elapsed() < 10000, QByteArray::number(t.elapsed()));
        QVERIFY(processGone(pidFile(h, command)));
    }

    // Seen: `sluicectl cancel` of a sync whose connector prints nothing left the job running.
    void cancelStopsASilentSync() {
        E2eHome h;
        QVERIFY(QDir().mkpath(h.path("pids")));
        const QString id = h.createConnection(
            connection(fake({{"hang_in", "read"}, {"pid_dir", h.path("pids").toStdString()}})));
        QProcess sync;
        startCli(sync, h, {"sync", id});
        QTRY_VERIFY_WITH_TIMEOUT(pidIn(pidFile(h, "read")) > 0, 30000);
        const QString job = QString::number(lastJob(h, id)["job_id"].toInteger());
        QCOMPARE(lastJob(h, id)["status"].toString(), QString("running"));
        QElapsedTimer t;
        t.start();
        QCOMPARE(h.cli({"cancel", job}).exitCode, 0);
        QVERIFY(sync.waitForFinished(30000));
        QVERIFY2(t.elapsed() < 10000, QByteArray::number(t.elapsed()));
        QCOMPARE(sync.exitCode(), 1);
        QVERIFY2(QString::fromUtf8(sync.readAllStandardError()).contains("job " + job + " cancelled"),
                 "stderr names the cancelled job");
        const QJsonObject j = lastJob(h, id);
        QCOMPARE(j["status"].toString(), QString("cancelled"));
        QCOMPARE(j["attempts"].toArray().first().toObject()["status"].toString(), QString("cancelled"));
        QVERIFY(processGone(pidFile(h, "read")));
    }

    // Seen: 3 records and a state had arrived when the cancel came, and 0 were committed.
    void cancelKeepsWhatTheLastStateCovers() {
        E2eHome h;
        QVERIFY(QDir().mkpath(h.path("pids")));
        const QString id = h.createConnection(connection(silentAfterCheckpoint(h)));
        QProcess sync;
        startCli(sync, h, {"sync", id});
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(h.path("slept")), 30000); // printed 3 records and a state
        QCOMPARE(h.cli({"cancel", QString::number(lastJob(h, id)["job_id"].toInteger())}).exitCode, 0);
        QVERIFY(sync.waitForFinished(30000));
        QCOMPARE(lastJob(h, id)["status"].toString(), QString("cancelled"));
        QCOMPARE(lastJob(h, id)["records_committed"].toInteger(), 3);
        QCOMPARE(ids(h), idRows(1, 3));
        QCOMPARE(streamState(h, id), std::string(R"({"cursor":3})"));
        QVERIFY(processGone(pidFile(h, "read")));
        // The next sync goes on from that state: every record exactly once.
        QCOMPARE(h.cli({"sync", id}).exitCode, 0);
        QCOMPARE(ids(h), idRows(1, 10));
    }

    // Seen: Ctrl-C of `sluicectl sync` left the connector's read running.
    void interruptCancelsTheSyncCleanly_data() {
        QTest::addColumn<int>("signal");
        QTest::newRow("SIGINT") << int(SIGINT);
        QTest::newRow("SIGTERM") << int(SIGTERM);
    }

    void interruptCancelsTheSyncCleanly() {
        QFETCH(int, signal);
        E2eHome h;
        QVERIFY(QDir().mkpath(h.path("pids")));
        const QString id = h.createConnection(connection(silentAfterCheckpoint(h)));
        QProcess sync;
        startCli(sync, h, {"sync", id});
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(h.path("slept")), 30000);
        ::kill(pid_t(sync.processId()), signal);
        QVERIFY(sync.waitForFinished(30000));
        QCOMPARE(sync.exitStatus(), QProcess::NormalExit); // it ended by itself, not by the signal
        QCOMPARE(sync.exitCode(), 1);
        const QJsonObject j = lastJob(h, id);
        QCOMPARE(j["status"].toString(), QString("cancelled"));
        QCOMPARE(j["records_committed"].toInteger(), 3);
        QCOMPARE(ids(h), idRows(1, 3));
        QCOMPARE(streamState(h, id), std::string(R"({"cursor":3})"));
        QVERIFY(processGone(pidFile(h, "read")));
    }

    // Seen: after the hung sluicectl was killed, both connector processes were still running.
    void killedSluicectlTakesItsConnectorAlong_data() {
        QTest::addColumn<QString>("command");
        QTest::newRow("sync") << "sync";
        QTest::newRow("check") << "check";
    }

    void killedSluicectlTakesItsConnectorAlong() {
        QFETCH(QString, command);
        const QString hangIn = command == "sync" ? "read" : command;
        E2eHome h;
        QVERIFY(QDir().mkpath(h.path("pids")));
        const QString id = h.createConnection(
            connection(fake({{"hang_in", hangIn.toStdString()},
                             {"pid_dir", h.path("pids").toStdString()},
                             {"child_pid_file", h.path("pids/{command}.child.pid").toStdString()}})));
        QProcess cli;
        startCli(cli, h, {command, id});
        const QString connector = pidFile(h, hangIn), child = h.path("pids/" + hangIn + ".child.pid");
        QTRY_VERIFY_WITH_TIMEOUT(pidIn(connector) > 0 && pidIn(child) > 0, 30000);
        QVERIFY(!processGone(connector) && !processGone(child));
        ::kill(pid_t(cli.processId()), SIGKILL);
        QVERIFY(cli.waitForFinished(10000));
        // The connector, and the child it started (as a shell wrapper's real connector would be).
        QTRY_VERIFY_WITH_TIMEOUT(processGone(connector), 3000);
        QTRY_VERIFY_WITH_TIMEOUT(processGone(child), 3000);
    }

    // A read that stays silent longer than the heartbeat fails its attempt; the retry finishes the job.
    void heartbeatFailsTheAttemptAndTheRetryFinishes() {
        E2eHome h;
        QVERIFY(QDir().mkpath(h.path("pids")));
        const QString id =
            h.createConnection(connection(silentAfterCheckpoint(h), {{"heartbeat_timeout_seconds", 2}},
                                          {{"retry", {{"max_attempts", 3}, {"backoff_seconds", 0}}}}));
        const CliRun r = h.cli({"sync", id});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonObject j = lastJob(h, id);
        QCOMPARE(j["status"].toString(), QString("succeeded"));
        const QJsonArray attempts = j["attempts"].toArray();
        QCOMPARE(attempts.size(), 2);
        QCOMPARE(attempts[0].toObject()["status"].toString(), QString("failed"));
        QCOMPARE(attempts[0].toObject()["failure"].toString(),
                 "connector `" + QString::fromStdString(fakeSource()) +
                     " read` printed nothing for 2 s (heartbeat_timeout_seconds) and was stopped");
        QCOMPARE(attempts[0].toObject()["records_committed"].toInteger(), 3);
        QCOMPARE(attempts[1].toObject()["status"].toString(), QString("succeeded"));
        QCOMPARE(attempts[1].toObject()["records_committed"].toInteger(), 7);
        QCOMPARE(ids(h), idRows(1, 10));
    }

    // The GUI cancels through its job worker's flag: the silent connector is stopped all the same.
    void workerCancelStopsASilentConnector() {
        E2eHome h;
        QVERIFY(QDir().mkpath(h.path("pids")));
        const QString id = h.createConnection(
            connection(fake({{"hang_in", "read"}, {"pid_dir", h.path("pids").toStdString()}})));
        ConnectionConfig config;
        loadConnection(h, id, config);
        if (QTest::currentTestFailed())
            return;
        JobWorker worker(h.home().toStdString(), config, JobRequest{});
        QTRY_VERIFY_WITH_TIMEOUT(pidIn(pidFile(h, "read")) > 0, 30000);
        worker.cancel();
        JobWorker::Snapshot snapshot;
        QTRY_VERIFY_WITH_TIMEOUT((snapshot = worker.take()).finished, 15000);
        QVERIFY(snapshot.outcome && snapshot.outcome->ok());
        QCOMPARE(snapshot.outcome->value().status, sluice::core::JobStatus::Cancelled);
        QVERIFY(processGone(pidFile(h, "read")));
    }

    // The connector's STREAM_STATUS and ESTIMATE (rows and bytes) are kept per stream of the job, shown by
    // `sluicectl sync` and `jobs`, and in the progress the GUI gets.
    void connectorStreamStatusAndEstimatesArePerStream() {
        E2eHome h;
        const QString id = h.createConnection(connection(fake({})));
        ConnectionConfig config;
        loadConnection(h, id, config);
        if (QTest::currentTestFailed())
            return;
        {
            JobWorker worker(h.home().toStdString(), config, JobRequest{});
            JobWorker::Snapshot snapshot;
            QTRY_VERIFY_WITH_TIMEOUT((snapshot = worker.take()).finished, 30000);
            QVERIFY(snapshot.outcome && snapshot.outcome->ok());
            QCOMPARE(snapshot.outcome->value().status, sluice::core::JobStatus::Succeeded);
            QCOMPARE(snapshot.streams.size(), size_t(1));
            QCOMPARE(snapshot.streams[0].stream, std::string("users"));
            QCOMPARE(snapshot.streams[0].connectorStatus, std::string("COMPLETE"));
            QCOMPARE(snapshot.streams[0].estimate, int64_t(10));
            QCOMPARE(snapshot.streams[0].bytesEstimate, int64_t(1000));
        }
        const QJsonObject first = lastJob(h, id)["streams"].toArray().first().toObject();
        QCOMPARE(first["connector_status"].toString(), QStringLiteral("COMPLETE"));
        QCOMPARE(first["records_estimated"].toInt(), 10);
        QCOMPARE(first["bytes_estimated"].toInt(), 1000);

        // Nothing new: the estimate says so.
        const CliRun second = h.cli({"sync", id});
        QCOMPARE(second.exitCode, 0);
        QVERIFY2(
            second.out.contains("  users: succeeded, 0 records, generation 0 (sync), source says COMPLETE\n"),
            qPrintable(second.out));
        const QJsonObject again = lastJob(h, id)["streams"].toArray().first().toObject();
        QCOMPARE(again["records_estimated"].toInt(), 0);
        QCOMPARE(again["bytes_estimated"].toInt(), 0);
    }

    // The limits are checked when the connection is created; stored, they show their defaults.
    void limitsAreValidated_data() {
        QTest::addColumn<QByteArray>("limits");
        QTest::addColumn<QString>("message");
        QTest::newRow("negative") << QByteArray(R"({"heartbeat_timeout_seconds": -5})")
                                  << "`source.config.heartbeat_timeout_seconds` must be at least 0";
        QTest::newRow("text") << QByteArray(R"({"timeout_seconds": "soon"})")
                              << "`source.config.timeout_seconds` must be an integer, found a string";
        QTest::newRow("huge") << QByteArray(R"({"timeout_seconds": 10000000000})")
                              << "`source.config.timeout_seconds` must be at most 604800";
    }

    void limitsAreValidated() {
        QFETCH(QByteArray, limits);
        QFETCH(QString, message);
        E2eHome h;
        const QString file = h.write("bad.json", connection(fake({}), json::parse(limits.toStdString())));
        const CliRun r = h.cli({"connection", "create", file});
        QCOMPARE(r.exitCode, 2);
        QCOMPARE(r.err, "sluicectl: " + file + ": " + message + "\n");
        QCOMPARE(h.cliJson({"connection", "list"}).array().size(), 0);
    }

    void limitsHaveDefaults() {
        E2eHome h;
        const QString id = h.createConnection(connection(fake({})));
        const QJsonObject source = h.cliJson({"connection", "show", id}).object()["source"].toObject();
        QCOMPARE(source["config"].toObject()["timeout_seconds"].toInt(), 600);
        QCOMPARE(source["config"].toObject()["heartbeat_timeout_seconds"].toInt(), 1800);
    }
};

QTEST_GUILESS_MAIN(TestConnectorLifecycle)
#include "tst_connector_lifecycle.moc"
