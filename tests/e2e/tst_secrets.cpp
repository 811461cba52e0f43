// Secrets never leak: a connector that prints its password (stderr, LOG messages, the error that ends a
// failed attempt) is synced, a PostgreSQL password is stored, the connection is exported and imported again;
// then Sluice's database (with its WAL), its log file, the job logs, every --json output and every stderr are
// scanned for the values. The secrets live in <home>/secrets.json, mode 0600, in a home of mode 0700.
#include "airbyte_test_support.h"
#include "e2e_home.h"

#include <QDirIterator>
#include <QFileInfo>
#include <QJsonArray>
#include <QProcess>
#include <csignal>
#include <sys/stat.h>

using namespace sluice::test;

namespace {

const std::string kPassword = "hunter2-Pa55word-4a7c";
const std::string kApiKey = "ak_live_9f8e7d6c5b";
const std::string kPgPassword = "pg-s3cret-Zq81";

json airbyteConnection(bool failing, const json& password) {
    json config = {{"password", password},
                   {"api_key", kApiKey},
                   {"leak_secret", true},
                   {"checkpoint_every", 2},
                   {"streams", json::array({{{"name", "users"}, {"count", 6}}})}};
    if (failing)
        config["fail_after"] = 3;
    return {{"name", "leaky"},
            {"source", {{"type", "airbyte"}, {"config", {{"command", {fakeSource()}}, {"config", config}}}}},
            {"destination", {{"type", "sqlite"}, {"config", {{"path", "warehouse.sqlite"}}}}},
            {"streams", json::array({{{"name", "users"},
                                      {"sync_mode", "incremental"},
                                      {"destination_sync_mode", "append_dedup"}}})},
            {"settings", {{"retry", {{"max_attempts", 1}}}}}};
}

json postgresConnection() {
    return {
        {"name", "pg"},
        {"source", {{"type", "demo"}, {"config", {{"count", 5}}}}},
        {"destination",
         {{"type", "postgres"},
          {"config", {{"host", "127.0.0.1"}, {"database", "d"}, {"user", "u"}, {"password", kPgPassword}}}}},
        {"streams", json::array({{{"name", "users"}}})}};
}

int mode(const QString& path) {
    struct stat st {};
    return ::stat(path.toLocal8Bit().constData(), &st) == 0 ? int(st.st_mode & 07777) : -1;
}

} // namespace

class TestSecrets : public QObject {
    Q_OBJECT

    E2eHome m_dir;
    QString m_home; // created by sluicectl itself, so its mode is Sluice's doing
    QStringList m_outputs;

    CliRun run(const QStringList& args, int expectedExit = 0) {
        auto r = runCli(m_home, args);
        m_outputs << r.out << r.err;
        if (r.exitCode != expectedExit)
            qWarning("sluicectl %s exited %d: %s", qPrintable(args.join(' ')), r.exitCode, qPrintable(r.err));
        return r;
    }
    QString write(const QString& name, const json& j) {
        return m_dir.write(name, QByteArray::fromStdString(j.dump()));
    }

    void assertNoSecretIn(const QByteArray& bytes, const QString& where) {
        for (const auto& s : {kPassword, kApiKey, kPgPassword})
            QVERIFY2(!bytes.contains(QByteArray::fromStdString(s)),
                     qPrintable(where + " holds the secret " + QString::fromStdString(s)));
    }

private slots:
    void initTestCase() {
        // CI has no keyring; a developer's desktop may: the file is what this test inspects.
        qputenv("SLUICE_SECRET_STORE", "file");
        m_home = m_dir.path("fresh-home");
    }

    void secretsStayOutOfEverythingButTheSecretFile() {
        const QString file = write("leaky.json", airbyteConnection(true, kPassword));
        QCOMPARE(run({"connection", "create", file}).exitCode, 0);
        QCOMPARE(run({"connection", "create", write("pg.json", postgresConnection())}).exitCode, 0);

        // A failing attempt: its error carries the connector's stderr, which prints the password.
        auto failed = run({"sync", "leaky", "--json"}, 1);
        QCOMPARE(failed.exitCode, 1);
        QVERIFY2(failed.err.contains("**********"), qPrintable(failed.err));

        // The export masks the secrets; imported again (without fail_after), the masked secrets keep their
        // values.
        auto shown = run({"connection", "show", "leaky", "--json"});
        json exported = json::parse(shown.out.toStdString());
        QCOMPARE(exported["source"]["config"]["config"]["password"], json("**********"));
        QCOMPARE(exported["source"]["config"]["config"]["api_key"], json("**********"));
        exported.erase("id");
        exported["source"]["config"]["config"].erase("fail_after");
        QCOMPARE(run({"connection", "update", "leaky", write("exported.json", exported)}).exitCode, 0);
        auto synced = run({"sync", "leaky", "--json"});
        QCOMPARE(synced.exitCode, 0);
        QCOMPARE(m_dir.rows("SELECT count(*) FROM users"), (Rows{{"6"}}));

        // Everything a user or another program can read afterwards.
        run({"connection", "list", "--json"});
        run({"connection", "show", "pg", "--json"});
        const auto jobs = json::parse(run({"jobs", "leaky", "--json"}).out.toStdString());
        QCOMPARE(jobs.size(), size_t(2));
        for (const auto& j : jobs)
            run({"logs", QString::number(j["job_id"].get<int64_t>())});
        for (const auto& out : m_outputs)
            assertNoSecretIn(out.toUtf8(), "sluicectl's output");
        QVERIFY(m_outputs.join("").contains("password is **********"));

        QDirIterator it(m_home, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        int scanned = 0;
        while (it.hasNext()) {
            const QString path = it.next();
            if (QFileInfo(path).fileName().startsWith("secrets."))
                continue;
            QFile f(path);
            QVERIFY(f.open(QIODevice::ReadOnly));
            assertNoSecretIn(f.readAll(), path);
            ++scanned;
        }
        QVERIFY2(scanned >= 2, "sluice.db and the log file were scanned");
        QVERIFY(QFile::exists(m_home + "/logs/sluice.log"));

        // Where they are instead: the secret file, the user's alone.
        QFile secrets(m_home + "/secrets.json");
        QVERIFY(secrets.open(QIODevice::ReadOnly));
        const QByteArray kept = secrets.readAll();
        QVERIFY(kept.contains(QByteArray::fromStdString(kPassword)));
        QVERIFY(kept.contains(QByteArray::fromStdString(kPgPassword)));
        QCOMPARE(mode(m_home), 0700);
        QCOMPARE(mode(m_home + "/logs"), 0700);
        QCOMPARE(mode(m_home + "/secrets.json"), 0600);
        QCOMPARE(mode(m_home + "/sluice.db"), 0600);
        if (QFile::exists(m_home + "/sluice.db-wal"))
            QCOMPARE(mode(m_home + "/sluice.db-wal"), 0600);
        QCOMPARE(mode(m_dir.warehouse()), 0600);

        // Deleting a connection deletes its secrets.
        QCOMPARE(run({"connection", "delete", "pg"}).exitCode, 0);
        QFile after(m_home + "/secrets.json");
        QVERIFY(after.open(QIODevice::ReadOnly));
        QVERIFY(!after.readAll().contains(QByteArray::fromStdString(kPgPassword)));
    }

    void configLeftByAKilledSyncIsRemoved() {
        // The connector reads its configuration, secrets included, from a file in a private temporary folder.
        // A SIGKILLed sluicectl cannot remove it: the next connector run must.
        const QString tmp = m_dir.path("tmp");
        QVERIFY(QDir().mkpath(tmp));
        qputenv("TMPDIR", tmp.toLocal8Bit());
        json c = airbyteConnection(false, kPassword);
        c["name"] = "sleepy";
        c["settings"]["prefix"] = "sleepy_"; // the warehouse's `users` is the first test's connection's
        c["source"]["config"]["config"]["sleep_after"] = 2;
        // The read's own pid file: discover writes one too, and a kill after it may fall between the two.
        QVERIFY(QDir().mkpath(m_dir.path("pids")));
        c["source"]["config"]["config"]["pid_dir"] = m_dir.path("pids").toStdString();
        QCOMPARE(run({"connection", "create", write("sleepy.json", c)}).exitCode, 0);
        QProcess sync;
        sync.start(qEnvironmentVariable("SLUICECTL"), {"--home", m_home, "sync", "sleepy"});
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(m_dir.path("pids/read.pid")), 20000);
        ::kill(static_cast<pid_t>(sync.processId()), SIGKILL);
        QVERIFY(sync.waitForFinished());
        QFile pidFile(m_dir.path("pids/read.pid"));
        QVERIFY(pidFile.open(QIODevice::ReadOnly));
        ::kill(static_cast<pid_t>(pidFile.readAll().trimmed().toInt()), SIGKILL);
        auto leftovers = [&] {
            QStringList found;
            QDirIterator it(tmp, QDir::Files, QDirIterator::Subdirectories);
            while (it.hasNext()) {
                QFile f(it.next());
                if (f.open(QIODevice::ReadOnly) && f.readAll().contains(QByteArray::fromStdString(kPassword)))
                    found << f.fileName();
            }
            return found;
        };
        QVERIFY2(!leftovers().isEmpty(), "the killed sync left its connector configuration (the attack)");
        QCOMPARE(run({"discover", "sleepy"}).exitCode, 0);
        QCOMPARE(leftovers(), QStringList());
        qunsetenv("TMPDIR");
    }

    void maskIsNotAPassword() {
        // A new connection cannot take its secret from an export: there is nothing to keep.
        json c = postgresConnection();
        c["name"] = "masked";
        c["destination"]["config"]["password"] = "**********";
        auto r = run({"connection", "create", write("masked.json", c)}, 2);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("destination.config.password") && r.err.contains("masked.json"),
                 qPrintable(r.err));
    }

    void keyringRequiredButAbsent() {
        // Asked for the keyring where none answers: a clear refusal, not a silent plain-text file.
        if (QFileInfo::exists(qEnvironmentVariable("XDG_RUNTIME_DIR") + "/bus"))
            QSKIP("this session has a D-Bus session bus, so a keyring may answer");
        qputenv("SLUICE_SECRET_STORE", "keyring");
        qunsetenv("DBUS_SESSION_BUS_ADDRESS");
        json c = postgresConnection();
        c["name"] = "keyring";
        auto r = runCli(m_dir.path("keyring-home"), {"connection", "create", write("keyring.json", c)});
        qputenv("SLUICE_SECRET_STORE", "file");
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.err.contains("keyring"), qPrintable(r.err));
        QVERIFY(!QFile::exists(m_dir.path("keyring-home/secrets.json")));
    }
};

QTEST_GUILESS_MAIN(TestSecrets)
#include "tst_secrets.moc"
