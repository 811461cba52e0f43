// The job runner's retry policy (SPEC §5) and resumable full refresh, driven in-process with a flaky source.
#include "engine/job_runner.h"
#include "store/connection_repository.h"
#include "store/job_repository.h"
#include "store/store.h"
#include "test_support.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace sluice::core;

namespace {
struct Fixture {
    QTemporaryDir dir;
    std::unique_ptr<Store> store;
    ConnectionConfig connection;

    explicit Fixture(const std::string& sourceConfig, const std::string& retry, const std::string& stream,
                     const std::string& destPath = {}) {
        store = std::make_unique<Store>(Store::openInHome(dir.path().toStdString()).value());
        const std::string dest = destPath.empty() ? (dir.path() + "/w.sqlite").toStdString() : destPath;
        auto c = parseConnectionJson(
            R"({"name": "flaky", "source": {"type": "demo", "config": )" + sourceConfig +
                R"(}, "destination": {"type": "sqlite", "config": {"path": ")" + dest +
                R"("}}, "streams": [)" + stream + R"(], "settings": {"state_checkpoint_interval": 100,
                                         "retry": )" +
                retry + "}}",
            "test", "/");
        if (!c)
            qFatal("%s", c.error().message.c_str());
        connection = c.value();
        ConnectionRepository repo(store->db());
        connection.id = repo.create(connection).value();
    }

    std::vector<AttemptRecord> attempts(int64_t jobId) {
        JobRepository jobs(store->db());
        return jobs.attempts(jobId).value();
    }
    std::string logText(int64_t jobId) {
        JobRepository jobs(store->db());
        std::string out;
        for (const auto& l : jobs.logs(jobId).value())
            out += "[" + std::to_string(l.attempt) + "] " + l.message + "\n";
        return out;
    }
};

const char* kUsersOverwrite =
    R"({"name": "users", "sync_mode": "full_refresh", "destination_sync_mode": "overwrite"})";
} // namespace

class TestJobRunner : public QObject {
    Q_OBJECT
private slots:
    // Attempts that commit records are retried at once and resume where the last one stopped.
    void resumableFullRefreshAcrossAttempts() {
        Fixture f(R"({"count": 1000, "page_size": 100, "fail_after_records": 250})",
                  R"({"backoff_seconds": 10})", kUsersOverwrite);
        std::vector<int> waits;
        JobOptions options;
        options.backoffWait = [&](int s) {
            waits.push_back(s);
            return true;
        };
        JobRunner runner(*f.store, options);
        auto outcome = runner.run(f.connection, {});
        QVERIFY(outcome.ok());
        QCOMPARE(outcome->status, JobStatus::Succeeded);
        QVERIFY(waits.empty()); // progress was made every time: no backoff
        const auto attempts = f.attempts(outcome->jobId);
        QVERIFY2(attempts.size() >= 4, std::to_string(attempts.size()).c_str());
        for (size_t i = 0; i + 1 < attempts.size(); ++i) {
            QCOMPARE(attempts[i].status, JobStatus::Failed);
            QVERIFY(attempts[i].recordsCommitted > 0);
        }
        QCOMPARE(attempts.back().status, JobStatus::Succeeded);
        const std::string log = f.logText(outcome->jobId);
        QVERIFY2(log.find("[1] Number of Resumed Full Refresh Streams: {0}") != std::string::npos,
                 log.c_str());
        QVERIFY2(log.find("[2] Number of Resumed Full Refresh Streams: {1}") != std::string::npos,
                 log.c_str());
        QVERIFY2(log.find("[2]  Resumed stream name: users namespace: null") != std::string::npos,
                 log.c_str());
        QVERIFY(log.find("simulated failure after 250 records") != std::string::npos);
        // The staged generation was resumed, not restarted: the table holds each user exactly once.
        const QString w = f.dir.path() + "/w.sqlite";
        QCOMPARE(
            sluice::test::queryRows(w, "SELECT count(*), count(DISTINCT id), min(id), max(id) FROM users"),
            (std::vector<std::vector<std::string>>{{"1000", "1000", "1", "1000"}}));
    }

    // Attempts that commit nothing back off (tripled each time) and stop after max_consecutive_failures.
    void backoffAndConsecutiveFailures() {
        Fixture f(R"({"count": 100, "fail_after_records": 0})",
                  R"({"backoff_seconds": 10, "max_consecutive_failures": 5})", kUsersOverwrite);
        std::vector<int> waits;
        JobOptions options;
        options.backoffWait = [&](int s) {
            waits.push_back(s);
            return true;
        };
        JobRunner runner(*f.store, options);
        auto outcome = runner.run(f.connection, {});
        QVERIFY(outcome.ok());
        QCOMPARE(outcome->status, JobStatus::Failed);
        QCOMPARE(f.attempts(outcome->jobId).size(), size_t(5));
        QCOMPARE(waits, (std::vector<int>{10, 30, 90, 270}));
    }

    void backoffIsCappedAtFiveMinutes() {
        Fixture f(R"({"count": 100, "fail_after_records": 0})",
                  R"({"backoff_seconds": 100, "max_consecutive_failures": 4, "max_attempts": 20})",
                  kUsersOverwrite);
        std::vector<int> waits;
        JobOptions options;
        options.backoffWait = [&](int s) {
            waits.push_back(s);
            return true;
        };
        JobRunner runner(*f.store, options);
        auto outcome = runner.run(f.connection, {});
        QCOMPARE(outcome->status, JobStatus::Failed);
        QCOMPARE(waits, (std::vector<int>{100, 300, 300}));
    }

    void maxAttemptsBoundsTheJob() {
        Fixture f(R"({"count": 1000, "page_size": 100, "fail_after_records": 250})", R"({"max_attempts": 2})",
                  kUsersOverwrite);
        JobRunner runner(*f.store);
        auto outcome = runner.run(f.connection, {});
        QCOMPARE(outcome->status, JobStatus::Failed);
        QCOMPARE(f.attempts(outcome->jobId).size(), size_t(2));
        // The failed overwrite left no table behind but its staging, to be dropped by the next job.
        QCOMPARE(outcome->error.message, std::string("demo source: simulated failure after 250 records"));
    }

    void configurationErrorsAreNotRetried() {
        Fixture f(R"({"count": 10})", R"({"backoff_seconds": 0})", kUsersOverwrite,
                  "/nonexistent/folder/w.sqlite");
        JobRunner runner(*f.store);
        auto outcome = runner.run(f.connection, {});
        QCOMPARE(outcome->status, JobStatus::Failed);
        QCOMPARE(f.attempts(outcome->jobId).size(), size_t(1));
        QVERIFY2(outcome->error.message.find("/nonexistent/folder does not exist") != std::string::npos,
                 outcome->error.message.c_str());
    }

    void cancelStopsAtNextCheckpointAndKeepsCommittedData() {
        Fixture f(R"({"count": 5000, "page_size": 100})", R"({})",
                  R"({"name": "users", "sync_mode": "incremental", "destination_sync_mode": "append"})");
        std::atomic<bool> cancel{false};
        struct Observer : JobObserver {
            std::atomic<bool>* flag;
            void streamProgress(int64_t, const std::string&, int64_t committed, int64_t) override {
                if (committed >= 300)
                    flag->store(true);
            }
        } observer;
        observer.flag = &cancel;
        JobOptions options;
        options.cancelFlag = &cancel;
        options.observer = &observer;
        JobRunner runner(*f.store, options);
        auto outcome = runner.run(f.connection, {});
        QCOMPARE(outcome->status, JobStatus::Cancelled);
        const auto rows = sluice::test::queryRows(f.dir.path() + "/w.sqlite", "SELECT count(*) FROM users");
        const int committed = std::stoi(rows[0][0]);
        QVERIFY2(committed >= 300 && committed < 5000, rows[0][0].c_str());
        // The next sync continues from the stored state: every user once.
        JobRunner again(*f.store);
        QCOMPARE(again.run(f.connection, {})->status, JobStatus::Succeeded);
        QCOMPARE(sluice::test::queryRows(f.dir.path() + "/w.sqlite",
                                         "SELECT count(*), count(DISTINCT id) FROM users"),
                 (std::vector<std::vector<std::string>>{{"5000", "5000"}}));
    }

    void secondJobOfAConnectionIsRefused() {
        Fixture f(R"({"count": 10})", R"({})", kUsersOverwrite);
        JobRepository jobs(f.store->db());
        auto running = jobs.startJob(f.connection.id, "sync", "");
        QVERIFY(running.ok());
        JobRunner runner(*f.store);
        auto refused = runner.run(f.connection, {});
        QVERIFY(!refused.ok());
        QVERIFY(refused.error().kind == ErrorKind::Refused);
        QVERIFY2(refused.error().message.find("already has a running job") != std::string::npos,
                 refused.error().message.c_str());
    }
};

QTEST_GUILESS_MAIN(TestJobRunner)
#include "tst_job_runner.moc"
