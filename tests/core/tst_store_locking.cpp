// Sluice's database shared by several connections (processes in real life; threads with a connection each
// here, which SQLite locks the same way): a write waits for the lock another connection holds instead of
// failing, a write that cannot get it within the bound says what is locked and what to do, and a write
// begun on a read snapshot (which SQLite would refuse at once) is refused as the bug it is.
#include "config/connection_config.h"
#include "engine/job_planner.h"
#include "store/connection_repository.h"
#include "store/job_repository.h"
#include "store/migrations.h"
#include "store/settings_repository.h"
#include "store/state_repository.h"
#include "store/store.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QtTest>
#include <atomic>
#include <condition_variable>
#include <functional>
#include <latch>
#include <mutex>
#include <thread>

using namespace sluice::core;

namespace {

// Another connection takes the write lock, commits a change (so every other connection's snapshot is stale)
// and lets go `holdMs` later, on a thread of its own. Constructed once it holds the lock.
class LockHolder {
public:
    LockHolder(const std::string& path, int holdMs) {
        m_thread = std::thread([this, path, holdMs] {
            auto db = Database::open(path);
            if (!db || !db->exec("BEGIN IMMEDIATE") ||
                !db->exec("INSERT INTO settings (key, value) VALUES ('holder', '1') "
                          "ON CONFLICT(key) DO UPDATE SET value = value || '1'"))
                qFatal("the lock holder could not take the lock");
            {
                std::lock_guard lock(m_mutex);
                m_holding = true;
            }
            m_changed.notify_all();
            std::this_thread::sleep_for(std::chrono::milliseconds(holdMs));
            if (!db->exec("COMMIT"))
                qFatal("the lock holder could not commit");
        });
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [this] { return m_holding; });
    }
    ~LockHolder() { m_thread.join(); }

private:
    std::thread m_thread;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    bool m_holding = false;
};

ConnectionConfig connection(const std::string& name) {
    auto c = parseConnectionJson(R"({"name": ")" + name + R"(", "source": {"type": "demo"},
        "destination": {"type": "sqlite", "config": {"path": "/tmp/unused.sqlite"}},
        "streams": [{"name": "users", "sync_mode": "full_refresh", "destination_sync_mode": "overwrite"}]})",
                                 "test", "/");
    if (!c)
        qFatal("%s", c.error().message.c_str());
    return c.value();
}

Status status(const Status& s) {
    return s;
}
template <typename T> Status status(const Result<T>& r) {
    return r.ok() ? Status() : Status(r.error());
}

int64_t count(Database& db, const std::string& sql) {
    return db.queryInt(sql).value().value_or(-1);
}

} // namespace

class TestStoreLocking : public QObject {
    Q_OBJECT
private slots:
    // Each write of the store, run while another connection holds the write lock and commits: it waits and
    // succeeds. (startAttempt read the attempt number outside its write: refused at once.)
    void everyStoreWriteWaitsForAnotherWriter() {
        QTemporaryDir dir;
        const std::string path = (dir.path() + "/sluice.db").toStdString();
        auto store = Store::open(path);
        QVERIFY(store.ok());
        Database& db = store->db();
        ConnectionRepository connections(db);
        JobRepository jobs(db);
        StateRepository states(db);
        SettingsRepository settings(db);
        ConnectionConfig c = connection("c");
        c.id = connections.create(c).value();
        const int64_t other = connections.create(connection("other")).value();
        const int64_t job = jobs.startJob(c.id, "sync", "").value();
        int attempt = jobs.startAttempt(job).value();

        const std::vector<std::pair<const char*, std::function<Status()>>> writes = {
            {"startJob", [&] { return status(jobs.startJob(other, "sync", "")); }},
            {"startAttempt", [&] { return status(jobs.startAttempt(job)); }},
            {"finishAttempt", [&] { return jobs.finishAttempt(job, attempt, JobStatus::Failed, "x"); }},
            {"addCommitted", [&] { return jobs.addCommitted(job, attempt, 5); }},
            {"saveStream",
             [&] {
                 return jobs.saveStream(
                     job, {"", "users", 1, 0, StreamAction::Sync, 0, JobStreamStatus::Pending, {}});
             }},
            {"addStreamCommitted", [&] { return jobs.addStreamCommitted(job, "", "users", 5); }},
            {"setStreamStatus",
             [&] { return jobs.setStreamStatus(job, "", "users", JobStreamStatus::Running); }},
            {"addLog", [&] { return jobs.addLog(job, attempt, "INFO", "engine", "a line"); }},
            {"requestCancel", [&] { return jobs.requestCancel(job); }},
            {"saveState",
             [&] {
                 return states.saveState(c.id, "", "users", {"{}", 1, 1, {}});
             }},
            {"resetState", [&] { return states.resetState(c.id, "", "users", 2); }},
            {"addGeneration", [&] { return states.addGeneration(c.id, "", "users", 3, job, "sync"); }},
            {"addPendingRefresh",
             [&] {
                 return states.addPendingRefresh(c.id, {"", "users", "retain", 3, job});
             }},
            {"removePendingRefresh", [&] { return states.removePendingRefresh(c.id, "", "users"); }},
            {"planJob", [&] { return status(planJob(db, c, JobRequest{}, {}, job)); }},
            {"settings.set", [&] { return settings.set("k", "v"); }},
            {"setStreamSchema", [&] { return connections.setStreamSchema(c.id, "", "users", "{}"); }},
            {"setBlockedReason", [&] { return connections.setBlockedReason(c.id, "", "users", "why"); }},
            {"connection.update", [&] { return connections.update(c.id, c); }},
            {"connection.create", [&] { return status(connections.create(connection("third"))); }},
            {"finishJob", [&] { return jobs.finishJob(job, JobStatus::Failed, "x"); }},
            {"closeStaleJobs", [&] { return status(jobs.closeStaleJobs()); }},
            {"connection.remove", [&] { return connections.remove(other); }},
        };
        for (const auto& [name, write] : writes) {
            // A read first, as a job does between its writes: this connection has seen the database.
            QVERIFY(db.queryInt("SELECT count(*) FROM jobs").ok());
            LockHolder holder(path, 150);
            const Status st = write();
            QVERIFY2(st.ok(), (std::string(name) + ": " + (st.ok() ? "" : st.error().message)).c_str());
        }
    }

    // Threads with a store each run jobs on connections of their own, as processes do: no write fails.
    void concurrentJobLifecyclesNeverFail() {
        QTemporaryDir dir;
        const std::string path = (dir.path() + "/sluice.db").toStdString();
        std::vector<int64_t> ids;
        {
            auto store = Store::open(path);
            QVERIFY(store.ok());
            for (int t = 0; t < 4; ++t)
                ids.push_back(
                    ConnectionRepository(store->db()).create(connection("c" + std::to_string(t))).value());
        }
        std::mutex mutex;
        std::vector<std::string> failures;
        auto fail = [&](const std::string& what, const Status& st) {
            if (st.ok())
                return false;
            std::lock_guard lock(mutex);
            failures.push_back(what + ": " + st.error().message);
            return true;
        };
        constexpr int kJobs = 25;
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t)
            threads.emplace_back([&, t] {
                auto store = Store::open(path);
                if (fail("open", status(store)))
                    return;
                Database& db = store->db();
                JobRepository jobs(db);
                StateRepository states(db);
                ConnectionConfig c = connection("c" + std::to_string(t));
                c.id = ids[static_cast<size_t>(t)];
                for (int j = 0; j < kJobs; ++j) {
                    auto job = jobs.startJob(c.id, "sync", "");
                    if (fail("startJob", status(job)))
                        return;
                    if (fail("planJob", status(planJob(db, c, JobRequest{}, {}, *job))))
                        return;
                    auto attempt = jobs.startAttempt(*job);
                    if (fail("startAttempt", status(attempt)))
                        return;
                    for (int k = 0; k < 5; ++k) {
                        if (fail("addLog", jobs.addLog(*job, *attempt, "INFO", "engine", "line")) ||
                            fail("saveState", states.saveState(c.id, "", "users", {"{}", 1, k, {}})) ||
                            fail("addCommitted", jobs.addCommitted(*job, *attempt, 1)))
                            return;
                    }
                    if (fail("finishAttempt", jobs.finishAttempt(*job, *attempt, JobStatus::Succeeded, "")) ||
                        fail("finishJob", jobs.finishJob(*job, JobStatus::Succeeded, "")))
                        return;
                }
            });
        for (auto& t : threads)
            t.join();
        QVERIFY2(failures.empty(), failures.empty() ? "" : failures.front().c_str());
        auto store = Store::open(path);
        QCOMPARE(count(store->db(), "SELECT count(*) FROM jobs WHERE status = 'succeeded'"),
                 int64_t(4 * kJobs));
        QCOMPARE(count(store->db(), "SELECT sum(records_committed) FROM attempts"), int64_t(4 * kJobs * 5));
    }

    // Many processes opening a new home at once: one creates the schema, none fails.
    void simultaneousFirstOpensAllSucceed() {
        QTemporaryDir dir;
        const std::string path = (dir.path() + "/sluice.db").toStdString();
        constexpr int kOpeners = 8;
        std::latch start(kOpeners);
        std::atomic<int> failed = 0;
        std::vector<std::thread> threads;
        for (int i = 0; i < kOpeners; ++i)
            threads.emplace_back([&] {
                start.arrive_and_wait();
                auto store = Store::open(path);
                if (!store || !SettingsRepository(store->db()).set("opened", "yes"))
                    ++failed;
            });
        for (auto& t : threads)
            t.join();
        QCOMPARE(failed.load(), 0);
        auto store = Store::open(path);
        QCOMPARE(storeSchemaVersion(store->db()), kSchemaVersion);
    }

    // A lock that is never let go: the write gives up after three busy timeouts, and says what is locked,
    // by whom, and what to do.
    void lockHeldPastTheBoundSaysWhatAndWhatToDo() {
        QTemporaryDir dir;
        const std::string path = (dir.path() + "/sluice.db").toStdString();
        QVERIFY(Store::open(path).ok());
        auto holder = Database::open(path);
        QVERIFY(holder->exec("BEGIN IMMEDIATE").ok());
        auto db = Database::open(path, Database::Mode::ReadWrite, 100);
        db->describeSharing("Sluice's database", "another Sluice process on this home");
        QElapsedTimer timer;
        timer.start();
        const Status st = SettingsRepository(db.value()).set("k", "v");
        const qint64 ms = timer.elapsed();
        QVERIFY(!st.ok());
        QVERIFY(st.error().busy);
        QVERIFY(st.error().kind == ErrorKind::Transient);
        const std::string& m = st.error().message;
        QVERIFY2(m.rfind("Sluice's database " + path + " stayed locked for ", 0) == 0, m.c_str());
        QVERIFY2(
            m.find(" s while writing to it: another Sluice process on this home held its write lock all that "
                   "time. Wait until it is done (or close it), then try again") != std::string::npos,
            m.c_str());
        QVERIFY2(ms >= 300 && ms < 5000, std::to_string(ms).c_str());
        QVERIFY(holder->exec("ROLLBACK").ok());
        QVERIFY(SettingsRepository(db.value()).set("k", "v").ok());
    }

    // SQLITE_BUSY in the middle of a transaction: all of it is rolled back and run again from the start.
    void busyTransactionRunsAgainFromTheStart() {
        QTemporaryDir dir;
        auto store = Store::open((dir.path() + "/sluice.db").toStdString());
        Database& db = store->db();
        int runs = 0;
        const Status st = db.write("testing", [&]() -> Status {
            ++runs;
            SLUICE_TRY(db.execute("INSERT INTO settings (key, value) VALUES (?, 'v')",
                                  "run" + std::to_string(runs)));
            return runs == 1 ? Status(Error::locked("database is locked")) : Status();
        });
        QVERIFY(st.ok());
        QCOMPARE(runs, 2);
        QCOMPARE(count(db, "SELECT count(*) FROM settings WHERE key LIKE 'run%'"), int64_t(1));
        QCOMPARE(count(db, "SELECT count(*) FROM settings WHERE key = 'run2'"), int64_t(1));
        // Any other failure is not run again.
        runs = 0;
        QVERIFY(!db.write("testing", [&]() -> Status {
                       ++runs;
                       return Error::invalid("no");
                   }).ok());
        QCOMPARE(runs, 1);
    }

    // A write inside another one is a savepoint: it fails alone, and the outer one commits the rest.
    void nestedWriteFailsAlone() {
        QTemporaryDir dir;
        auto store = Store::open((dir.path() + "/sluice.db").toStdString());
        Database& db = store->db();
        const Status st = db.write("outer", [&]() -> Status {
            SLUICE_TRY(db.execute("INSERT INTO settings (key, value) VALUES ('outer', 'v')"));
            const Status inner = db.write("inner", [&]() -> Status {
                SLUICE_TRY(db.execute("INSERT INTO settings (key, value) VALUES ('inner', 'v')"));
                return Error::invalid("inner fails");
            });
            return inner.ok() ? Status(Error::internal("the inner write should fail")) : Status();
        });
        QVERIFY2(st.ok(), st.ok() ? "" : st.error().message.c_str());
        QCOMPARE(count(db, "SELECT count(*) FROM settings WHERE key = 'outer'"), int64_t(1));
        QCOMPARE(count(db, "SELECT count(*) FROM settings WHERE key = 'inner'"), int64_t(0));
        QVERIFY(!db.inTransaction());
    }

    // A query left on a row holds a read snapshot; a write then would be an upgrade SQLite refuses at once
    // when another process committed meanwhile. It is refused always, so tests find it; done queries hold
    // nothing.
    void writeOnAReadSnapshotIsRefusedAsABug() {
        QTemporaryDir dir;
        auto store = Store::open((dir.path() + "/sluice.db").toStdString());
        Database& db = store->db();
        QVERIFY(SettingsRepository(db).set("a", "1").ok());
        QVERIFY(SettingsRepository(db).set("b", "2").ok());
        // Only these two: the store keeps its own settings too (the home id of migration 4).
        auto open = db.prepare("SELECT key FROM settings WHERE key IN ('a', 'b') ORDER BY key");
        QVERIFY(open->step().value());
        const Status st = SettingsRepository(db).set("c", "3");
        QVERIFY(!st.ok());
        QVERIFY(st.error().kind == ErrorKind::Internal);
        QVERIFY2(st.error().message.find("read snapshot") != std::string::npos, st.error().message.c_str());
        QVERIFY(open->step().value());
        QVERIFY(!open->step().value()); // done: the statement let go of its snapshot
        QVERIFY(SettingsRepository(db).set("c", "3").ok());
        QCOMPARE(SettingsRepository(db).get("c").value().value_or(""), std::string("3"));
    }
};

QTEST_GUILESS_MAIN(TestStoreLocking)
#include "tst_store_locking.moc"
