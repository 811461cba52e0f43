// 20 seeded trials, each SIGKILLing a running `sluicectl sync` at a random moment: while it reads, inside a
// destination batch commit, between that commit and the state's, inside the state write, in the middle of an
// overwrite swap, after a stream completed. Half of them interrupt a first sync, half a second one (after
// the source grew), so the overwrite stream has old data to keep. After each kill: the killed job is shown
// as failed, never running; what the destination had committed is still there; then a sync to completion
// must leave exactly what an uninterrupted run leaves: dedupe and append tables exact, overwrite tables
// equal to the source, no staging table, both databases passing PRAGMA integrity_check.
#include "e2e_home.h"

#include <QJsonArray>
#include <QProcess>
#include <QRandomGenerator>
#include <QtTest>
#include <algorithm>
#include <csignal>

using namespace sluice::test;

namespace {

// The source grows between the two syncs: 600 records per stream, then 750.
QByteArray demoConnection(int count, int delayMs) {
    return QStringLiteral(R"({"name": "crash",
      "source": {"type": "demo", "config": {"count": %1, "seed": 7, "churn": 0.2, "page_size": 50, "delay_ms": %2}},
      "destination": {"type": "sqlite", "config": {"path": "warehouse.sqlite"}},
      "streams": [{"name": "users", "sync_mode": "incremental", "destination_sync_mode": "append_dedup"},
                  {"name": "products", "sync_mode": "full_refresh", "destination_sync_mode": "overwrite"},
                  {"name": "purchases", "sync_mode": "incremental", "destination_sync_mode": "append"}],
      "settings": {"state_checkpoint_interval": 25, "retry": {"max_attempts": 1}}})")
        .arg(count)
        .arg(delayMs)
        .toUtf8();
}

constexpr int kFirstCount = 600, kSecondCount = 750, kDelayMs = 25;

const char* kUsers = "SELECT id, name, email, age, address, updated_at FROM users ORDER BY id";
const char* kProducts = "SELECT id, name, price, attributes FROM products ORDER BY id";
const char* kPurchases = "SELECT id, user_id, total, updated_at FROM purchases ORDER BY id";
const char* kStaging = "SELECT name FROM sqlite_master WHERE name LIKE '\\_airbyte\\_tmp\\_%' ESCAPE '\\'";

// Every record a table holds, by its delivery id: what was committed must survive the kill and the resync.
Rows rawIds(const E2eHome& h, const char* table) {
    return h.tables().empty()
               ? Rows{}
               : h.rows(std::string("SELECT \"_airbyte_raw_id\" FROM ") + table + " ORDER BY 1");
}

bool contains(const Rows& all, const Rows& part) {
    return std::includes(all.begin(), all.end(), part.begin(), part.end());
}

bool hasTable(const E2eHome& h, const std::string& name) {
    const auto t = h.tables();
    return std::find(t.begin(), t.end(), name) != t.end();
}

struct Snapshot {
    Rows users, products, purchases;
};

Snapshot capture(const E2eHome& h) {
    return {h.rows(kUsers), h.rows(kProducts), h.rows(kPurchases)};
}

// The version a demo stream's last destination checkpoint names: a stream that completed in the killed job
// saved version + 1, so the sync after the kill is, for that stream, already the next one.
int checkpointVersion(const E2eHome& h, const char* stream) {
    if (!hasTable(h, "_airbyte_sluice_checkpoints"))
        return -1;
    const Rows r =
        h.rows(std::string("SELECT json_extract(state, '$.version') FROM _airbyte_sluice_checkpoints "
                           "WHERE name = '") +
               stream + "'");
    return r.empty() || r[0][0] == "NULL" ? -1 : std::stoi(r[0][0]);
}

} // namespace

class TestCrashResume : public QObject {
    Q_OBJECT

    // The same syncs without interruption: [0] after one sync, [1] after two syncs of the first source;
    // [2] after a sync of the first source and one of the grown source, [3] after one more of the grown.
    Snapshot m_ref[4];

private slots:
    void initTestCase() {
        E2eHome first, grown;
        const QString a = first.createConnection(demoConnection(kFirstCount, 0));
        const QString b = grown.createConnection(demoConnection(kFirstCount, 0));
        QCOMPARE(first.cli({"sync", a}).exitCode, 0);
        m_ref[0] = capture(first);
        QCOMPARE(first.cli({"sync", a}).exitCode, 0);
        m_ref[1] = capture(first);
        QCOMPARE(grown.cli({"sync", b}).exitCode, 0);
        grown.write("grown.json", demoConnection(kSecondCount, 0));
        QCOMPARE(grown.cli({"connection", "update", b, grown.path("grown.json")}).exitCode, 0);
        QCOMPARE(grown.cli({"sync", b}).exitCode, 0);
        m_ref[2] = capture(grown);
        QCOMPARE(grown.cli({"sync", b}).exitCode, 0);
        m_ref[3] = capture(grown);
        QVERIFY(m_ref[2].products.size() > m_ref[0].products.size());
        // The source changes between syncs (churn): a stream synced once more really differs.
        QVERIFY(m_ref[1].users != m_ref[0].users);
        QVERIFY(m_ref[3].purchases != m_ref[2].purchases);
    }

    void killedSyncResumesExactly_data() {
        QTest::addColumn<bool>("secondSync");
        QTest::addColumn<int>("killAfterMs");
        QTest::addColumn<QString>("fault");
        // The moments to kill at, and how many times each point is reached at least in one sync.
        struct Moment {
            const char* fault;
            int maxHit;
        };
        const Moment moments[] = {{"", 0},
                                  {"before-destination-commit", 12},
                                  {"after-destination-commit", 12},
                                  {"during-state-save", 12},
                                  {"during-swap", 1},
                                  {"after-stream-complete", 3}};
        QRandomGenerator seeded(20261121);
        for (int trial = 0; trial < 20; ++trial) {
            const Moment& m = moments[trial % 6];
            const bool second = seeded.bounded(2) == 1;
            const int ms = 30 + static_cast<int>(seeded.bounded(450));
            const QString fault =
                *m.fault ? QStringLiteral("%1:%2").arg(m.fault).arg(1 + seeded.bounded(m.maxHit)) : QString();
            const QString label = QStringLiteral("%1: %2 sync, %3")
                                      .arg(trial + 1)
                                      .arg(second ? "second" : "first")
                                      .arg(fault.isEmpty() ? QStringLiteral("kill at %1 ms").arg(ms) : fault);
            QTest::newRow(qPrintable(label)) << second << ms << fault;
        }
    }

    void killedSyncResumesExactly() {
        QFETCH(bool, secondSync);
        QFETCH(int, killAfterMs);
        QFETCH(QString, fault);
        const int base = secondSync ? 2 : 0;

        E2eHome h;
        const QString id = h.createConnection(demoConnection(kFirstCount, secondSync ? 0 : kDelayMs));
        if (secondSync) {
            QCOMPARE(h.cli({"sync", id}).exitCode, 0);
            h.write("grown.json", demoConnection(kSecondCount, kDelayMs));
            QCOMPARE(h.cli({"connection", "update", id, h.path("grown.json")}).exitCode, 0);
        }
        QProcess p;
        p.setProgram(qEnvironmentVariable("SLUICECTL"));
        p.setArguments({"--home", h.home(), "sync", id});
        auto env = QProcessEnvironment::systemEnvironment();
        if (!fault.isEmpty())
            env.insert("SLUICE_FAULT", fault);
        p.setProcessEnvironment(env);
        p.start();
        QVERIFY(p.waitForStarted());
        if (fault.isEmpty()) {
            // The random moment counts from the job's start, so that it falls in the read, not in start-up.
            const QString store = h.home() + "/sluice.db";
            const char* running = "SELECT count(*) FROM jobs WHERE status = 'running'";
            for (int i = 0; i < 1000 && queryRows(store, running) == Rows{{"0"}} && !p.waitForFinished(10);
                 ++i) {
            }
            if (!p.waitForFinished(killAfterMs))
                ::kill(static_cast<pid_t>(p.processId()), SIGKILL);
        }
        QVERIFY(p.waitForFinished(30000));
        QVERIFY2(p.exitStatus() == QProcess::CrashExit,
                 "the sync ended before the kill: the trial tested nothing");

        // The killed job is closed as failed by the next sluicectl, never left running.
        const auto jobs = h.cliJson({"jobs", id}).array();
        QCOMPARE(jobs.size(), secondSync ? 2 : 1);
        const QJsonObject killed = jobs[0].toObject();
        QCOMPARE(killed["status"].toString(), QStringLiteral("failed"));
        QVERIFY2(killed["error"].toString().contains("interrupted"), qPrintable(killed["error"].toString()));

        // What the destination committed before the kill; the overwrite table is whole: old or new, never
        // half.
        const Rows purchasesBefore = hasTable(h, "purchases") ? rawIds(h, "purchases") : Rows{};
        const Rows historyBefore =
            hasTable(h, "_airbyte_raw_users") ? rawIds(h, "_airbyte_raw_users") : Rows{};
        if (hasTable(h, "products")) {
            const Rows products = h.rows(kProducts);
            QVERIFY2(products == m_ref[0].products || products == m_ref[2].products ||
                         (!secondSync && products.empty()),
                     qPrintable(QStringLiteral("products has %1 rows").arg(products.size())));
        }
        // Streams the killed job completed are, after the next sync, one sync further than the others.
        const int version = secondSync ? 1 : 0;
        const int usersRef = base + (checkpointVersion(h, "users") == version + 1 ? 1 : 0);
        const int purchasesRef = base + (checkpointVersion(h, "purchases") == version + 1 ? 1 : 0);

        auto again = h.cli({"sync", id, "--json"});
        QVERIFY2(again.exitCode == 0, qPrintable(again.err));

        QCOMPARE(h.rows(kUsers), m_ref[usersRef].users);
        QCOMPARE(h.rows(kProducts), m_ref[base].products);
        // Checkpoints are committed with the rows they cover, so even append streams come out exact.
        QCOMPARE(h.rows(kPurchases), m_ref[purchasesRef].purchases);
        QVERIFY(contains(rawIds(h, "purchases"), purchasesBefore));
        QVERIFY(contains(rawIds(h, "_airbyte_raw_users"), historyBefore));
        QCOMPARE(h.rows(kStaging), Rows{});
        QCOMPARE(queryRows(h.home() + "/sluice.db", "PRAGMA integrity_check"), (Rows{{"ok"}}));
        QCOMPARE(h.rows("PRAGMA integrity_check"), (Rows{{"ok"}}));
        QCOMPARE(queryRows(h.home() + "/sluice.db", "SELECT count(*) FROM jobs WHERE status = 'running'"),
                 (Rows{{"0"}}));
    }
};

QTEST_GUILESS_MAIN(TestCrashResume)
#include "tst_crash_resume.moc"
