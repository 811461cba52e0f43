// A job left "running" by a process that is gone is closed the next time Sluice starts (opens its store),
// also when its process number now belongs to another process (the job's lock is free); live jobs are left
// alone.
#include "config/connection_config.h"
#include "store/connection_repository.h"
#include "store/job_repository.h"
#include "store/store.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <unistd.h>

using namespace sluice::core;

namespace {
int64_t insertJob(Database& db, int64_t connectionId, int64_t pid, const std::string& startedAt) {
    auto st = db.prepare("INSERT INTO jobs (connection_id, type, status, created_at, started_at, pid) "
                         "VALUES (?, 'sync', 'running', ?, ?, ?)");
    st->bind(1, connectionId).bind(2, startedAt).bind(3, startedAt).bind(4, pid);
    if (!st->run())
        qFatal("insert failed");
    const int64_t id = db.lastInsertRowId();
    auto a =
        db.prepare("INSERT INTO attempts (job_id, number, status, started_at) VALUES (?, 1, 'running', ?)");
    a->bind(1, id).bind(2, startedAt);
    (void)a->run();
    return id;
}
} // namespace

class TestStaleJobs : public QObject {
    Q_OBJECT
private slots:
    void closedAtStartUnlessTheirProcessLives() {
        QTemporaryDir dir;
        const std::string path = (dir.path() + "/sluice.db").toStdString();
        QProcess gone, younger;
        gone.start("true");
        QVERIFY(gone.waitForFinished());
        younger.start("sleep", {"30"});
        QVERIFY(younger.waitForStarted());

        int64_t deadJob, reusedJob, liveJob, runningHere;
        {
            auto store = Store::open(path);
            QVERIFY(store.ok());
            auto c = parseConnectionJson(R"({"name": "c", "source": {"type": "demo"},
                "destination": {"type": "sqlite", "config": {"path": "/tmp/x.sqlite"}}, "streams": []})",
                                         "test", "/");
            QVERIFY(c.ok());
            auto id = ConnectionRepository(store->db()).create(c.value());
            QVERIFY(id.ok());
            c->name = "d";
            auto other = ConnectionRepository(store->db()).create(c.value());
            QVERIFY(other.ok());
            // Jobs of an older Sluice have no lock: their pid decides.
            deadJob = insertJob(store->db(), *id, gone.processId(), "2030-01-01T00:00:00.000Z");
            liveJob = insertJob(store->db(), *id, 1, "2030-01-01T00:00:00.000Z");
            // A job whose lock nobody holds is over, even though its pid lives again (reused after a crash).
            reusedJob = insertJob(store->db(), *id, younger.processId(), "2030-01-01T00:00:00.000Z");
            QVERIFY(QDir().mkpath(dir.path() + "/run"));
            QFile lock(dir.path() + QStringLiteral("/run/job-%1.lock").arg(reusedJob));
            QVERIFY(lock.open(QIODevice::WriteOnly));
            // A job this process runs holds its lock.
            auto started = JobRepository(store->db()).startJob(*other, "sync", "");
            QVERIFY(started.ok());
            runningHere = *started;
            QVERIFY(QFile::exists(dir.path() + QStringLiteral("/run/job-%1.lock").arg(runningHere)));
        }
        auto store = Store::open(path);
        QVERIFY(store.ok());
        JobRepository jobs(store->db());
        for (int64_t id : {deadJob, reusedJob}) {
            auto j = jobs.job(id);
            QCOMPARE(j->status, JobStatus::Failed);
            QVERIFY2(j->error.find("interrupted") != std::string::npos, j->error.c_str());
            QVERIFY(!j->endedAt.empty());
            QCOMPARE(jobs.attempts(id)->front().status, JobStatus::Failed);
        }
        QVERIFY(!QFile::exists(dir.path() + QStringLiteral("/run/job-%1.lock").arg(reusedJob)));
        QCOMPARE(jobs.job(liveJob)->status, JobStatus::Running);
        QCOMPARE(jobs.job(runningHere)->status, JobStatus::Running);
        // Finishing it releases and removes the lock.
        QVERIFY(jobs.finishJob(runningHere, JobStatus::Succeeded, "").ok());
        QVERIFY(!QFile::exists(dir.path() + QStringLiteral("/run/job-%1.lock").arg(runningHere)));
        younger.kill();
        younger.waitForFinished();
    }
};

QTEST_GUILESS_MAIN(TestStaleJobs)
#include "tst_stale_jobs.moc"
