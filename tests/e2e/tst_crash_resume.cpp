// SIGKILL a running `sluicectl sync` and sync again: nothing committed is lost, dedupe tables end exact,
// overwrite tables equal the source, no staging table is left, and the killed job is not "running" forever.
#include "e2e_home.h"

#include <QJsonArray>
#include <QProcess>
#include <QRandomGenerator>
#include <QtTest>

#include <csignal>

using namespace sluice::test;

namespace {
QByteArray demoConnection(const QString& name, int delayMs) {
    return QStringLiteral(R"({"name": "%1",
      "source": {"type": "demo", "config": {"count": 6000, "seed": 7, "page_size": 250, "delay_ms": %2}},
      "destination": {"type": "sqlite", "config": {"path": "warehouse.sqlite"}},
      "streams": [{"name": "users", "sync_mode": "incremental", "destination_sync_mode": "append_dedup"},
                  {"name": "products", "sync_mode": "full_refresh", "destination_sync_mode": "overwrite"},
                  {"name": "purchases", "sync_mode": "incremental", "destination_sync_mode": "append"}],
      "settings": {"state_checkpoint_interval": 100, "retry": {"max_attempts": 1}}})")
        .arg(name)
        .arg(delayMs)
        .toUtf8();
}

const char* kUsers = "SELECT id, name, email, age, address, updated_at FROM users ORDER BY id";
const char* kProducts = "SELECT id, name, price, attributes FROM products ORDER BY id";
const char* kPurchases = "SELECT id, user_id, total, updated_at FROM purchases ORDER BY id";
} // namespace

class TestCrashResume : public QObject {
    Q_OBJECT
private slots:
    void killedSyncResumesExactly_data() {
        QTest::addColumn<int>("killAfterMs");
        QTest::addColumn<QString>("fault");
        QRandomGenerator seeded(20261121);
        for (int trial = 0; trial < 4; ++trial) {
            const int ms = 150 + static_cast<int>(seeded.bounded(1200));
            QTest::newRow(qPrintable(QStringLiteral("kill at %1 ms").arg(ms))) << ms << QString();
        }
        // Exact moments: after the destination committed rows and their checkpoint but before Sluice's database
        // stored the state; in the middle of an overwrite swap; after a stream completed.
        // Users, then products, then purchases are read; each checkpoints every 100 of 6,000 records.
        QTest::newRow("between the commits, dedupe") << 0 << "after-destination-commit:7";
        QTest::newRow("between the commits, overwrite") << 0 << "after-destination-commit:90";
        QTest::newRow("between the commits, append") << 0 << "after-destination-commit:150";
        QTest::newRow("during a swap") << 0 << "during-swap:1";
        QTest::newRow("after a completed stream") << 0 << "after-stream-complete:2";
    }

    void killedSyncResumesExactly() {
        QFETCH(int, killAfterMs);
        QFETCH(QString, fault);
        // The reference: the same data synced without interruption.
        E2eHome reference;
        const QString refId = reference.createConnection(demoConnection("ref", 0));
        QCOMPARE(reference.cli({"sync", refId}).exitCode, 0);

        E2eHome h;
        const QString id = h.createConnection(demoConnection("crash", 15));
        QProcess p;
        p.setProgram(qEnvironmentVariable("SLUICECTL"));
        p.setArguments({"--home", h.home(), "sync", id});
        if (!fault.isEmpty()) {
            auto env = QProcessEnvironment::systemEnvironment();
            env.insert("SLUICE_FAULT", fault);
            p.setProcessEnvironment(env);
        }
        p.start();
        QVERIFY(p.waitForStarted());
        if (fault.isEmpty()) {
            QTest::qWait(killAfterMs);
            ::kill(static_cast<pid_t>(p.processId()), SIGKILL);
        }
        QVERIFY(p.waitForFinished(20000));
        QCOMPARE(p.exitStatus(), QProcess::CrashExit);

        // The killed job is reported as failed, never as running.
        auto jobs = h.cliJson({"jobs", id}).array();
        QCOMPARE(jobs.size(), 1);
        QVERIFY2(jobs[0].toObject()["status"].toString() == "failed" || jobs[0].toObject()["status"].toString() == "succeeded",
                 qPrintable(jobs[0].toObject()["status"].toString()));

        auto again = h.cliJson({"sync", id});
        QCOMPARE(again["status"].toString(), QStringLiteral("succeeded"));

        QCOMPARE(h.rows(kUsers), reference.rows(kUsers));
        QCOMPARE(h.rows(kProducts), reference.rows(kProducts));
        // Checkpoints are committed with the rows they cover, so even append streams come out exact.
        QCOMPARE(h.rows(kPurchases), reference.rows(kPurchases));
        QCOMPARE(h.rows("SELECT count(*) FROM sqlite_master WHERE name LIKE '\\_airbyte\\_tmp\\_%' ESCAPE '\\'"),
                 (Rows{{"0"}}));
        QCOMPARE(queryRows(h.home() + "/sluice.db", "PRAGMA integrity_check"), (Rows{{"ok"}}));
        QCOMPARE(h.rows("PRAGMA integrity_check"), (Rows{{"ok"}}));
    }
};

QTEST_GUILESS_MAIN(TestCrashResume)
#include "tst_crash_resume.moc"
