// The engine's GUI-facing API: first start, jobs on worker threads, progress, cancel, matrix refusals and
// the inspector's questions, all answered by signals from the engine thread.
#include "engine/engine.h"
#include "engine/first_start.h"
#include "store/connection_repository.h"
#include "store/job_repository.h"
#include "store/state_repository.h"
#include "store/store.h"
#include "test_support.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace sluice::core;
using sluice::test::createConnection;

namespace {
template <typename T> T lastArg(QSignalSpy& spy, int index = 0) {
    return spy.last().at(index).value<T>();
}

// An engine on a fresh home, and the demo connection its first start created.
struct DemoEngine {
    QTemporaryDir home;
    EngineThread thread{home.path().toStdString()};
    qint64 demoId = 0;

    Engine* engine() const { return thread.engine(); }
    bool start() {
        QSignalSpy demo(thread.engine(), &Engine::demoCreated);
        thread.engine()->refreshConnections();
        if (!demo.wait(10000))
            return false;
        demoId = demo.first().at(0).toLongLong();
        return true;
    }
};

QString slowDemo(const QString& home) {
    return QStringLiteral(
               R"({"name": "slow", "source": {"type": "demo", "config": {"count": 5000, "page_size": 50,
        "delay_ms": 30}}, "destination": {"type": "sqlite", "config": {"path": "%1/w.sqlite"}},
        "streams": [{"name": "users", "sync_mode": "full_refresh", "destination_sync_mode": "overwrite"}]})")
        .arg(home);
}
} // namespace

class TestEngineApi : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { registerEngineMetaTypes(); }

    void firstStartCreatesTheDemoOnce() {
        QTemporaryDir home;
        {
            EngineThread thread(home.path().toStdString());
            QSignalSpy demo(thread.engine(), &Engine::demoCreated);
            QSignalSpy list(thread.engine(), &Engine::connectionsChanged);
            thread.engine()->refreshConnections();
            QTRY_COMPARE(list.count(), 1);
            QCOMPARE(demo.count(), 1);
            auto connections = lastArg<QVector<ConnectionSummary>>(list);
            QCOMPARE(connections.size(), 1);
            QCOMPARE(connections.front().name, QStringLiteral("demo"));
            QCOMPARE(connections.front().sourceType, QStringLiteral("demo"));
            thread.engine()->deleteConnection(connections.front().id);
            QTRY_VERIFY(list.count() == 2 && lastArg<QVector<ConnectionSummary>>(list).isEmpty());
        }
        EngineThread again(home.path().toStdString());
        QSignalSpy demo(again.engine(), &Engine::demoCreated);
        QSignalSpy list(again.engine(), &Engine::connectionsChanged);
        again.engine()->refreshConnections();
        QTRY_COMPARE(list.count(), 1);
        QCOMPARE(demo.count(), 0); // deleting the demo does not bring it back
        QVERIFY(lastArg<QVector<ConnectionSummary>>(list).isEmpty());
    }

    void syncRunsOffTheEngineThreadWithProgress() {
        DemoEngine demo;
        QVERIFY(demo.start());
        Engine* engine = demo.engine();
        const qint64 id = demo.demoId;

        QSignalSpy started(engine, &Engine::jobStarted);
        QSignalSpy progress(engine, &Engine::jobProgress);
        QSignalSpy finished(engine, &Engine::jobFinished);
        QSignalSpy log(engine, &Engine::jobLog);
        engine->startSync(id);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 30000);
        QCOMPARE(started.count(), 1);
        QVERIFY(progress.count() >= 1);
        QVERIFY(log.count() >= 1);
        auto f = lastArg<JobFinished>(finished);
        QCOMPARE(f.status, QStringLiteral("succeeded"));
        QCOMPARE(f.type, QStringLiteral("sync"));

        QSignalSpy loaded(engine, &Engine::connectionLoaded);
        engine->loadConnection(id);
        QTRY_COMPARE(loaded.count(), 1);
        auto d = lastArg<ConnectionDetails>(loaded);
        QVERIFY2(d.error.isEmpty(), qPrintable(d.error));
        QCOMPARE(d.streams.size(), 3);
        for (const auto& s : d.streams) {
            QCOMPARE(s.records, qint64(1000));
            QCOMPARE(s.status, QStringLiteral("succeeded"));
            QVERIFY(s.cursorSourceDefined);
            QVERIFY(s.keySourceDefined);
        }

        // The seed's sum per generation, over the stored versions of the dedupe stream.
        QSignalSpy aggregate(engine, &Engine::aggregateLoaded);
        engine->loadAggregate(id, QStringLiteral("users"), QStringLiteral("score"));
        QTRY_COMPARE(aggregate.count(), 1);
        auto a = lastArg<AggregateReport>(aggregate);
        QVERIFY2(a.error.isEmpty(), qPrintable(a.error));
        QCOMPARE(a.rows.size(), 1);
        QCOMPARE(a.rows.front().count, qint64(1000));
        QVERIFY(a.rows.front().sum > 0);
        engine->loadAggregate(id, QStringLiteral("users"), QStringLiteral("name"));
        QTRY_COMPARE(aggregate.count(), 2);
        QVERIFY(lastArg<AggregateReport>(aggregate).error.contains(QStringLiteral("not numeric")));

        // Job history with attempts and log lines.
        QSignalSpy details(engine, &Engine::jobDetailsLoaded);
        engine->loadJobDetails(f.jobId);
        QTRY_COMPARE(details.count(), 1);
        auto jd = lastArg<JobDetails>(details);
        QCOMPARE(jd.attempts.size(), 1);
        QCOMPARE(jd.job.trigger, QStringLiteral("gui")); // the engine's startSync is a click in the app
        QCOMPARE(jd.streams.size(), 3);
        QVERIFY(!jd.log.isEmpty());
    }

    void refusesWhatTheMatrixForbids() {
        DemoEngine demo;
        QVERIFY(demo.start());
        Engine* engine = demo.engine();
        const qint64 id = demo.demoId;

        QSignalSpy rejected(engine, &Engine::jobRejected);
        engine->startRefresh(id, {{QStringLiteral("products"), QStringLiteral("remove")}});
        QTRY_COMPARE(rejected.count(), 1);
        QVERIFY(lastArg<JobRejected>(rejected).reason.contains(QStringLiteral("not available")));

        QSignalSpy preview(engine, &Engine::refreshPreviewLoaded);
        engine->loadRefreshPreview(id, {});
        QTRY_COMPARE(preview.count(), 1);
        auto p = lastArg<RefreshPreview>(preview);
        QCOMPARE(p.streams.size(), 3);
        QVERIFY(p.streams[0].removeAvailable && p.streams[0].retainAvailable); // users: append + dedupe
        QVERIFY(!p.streams[1].retainAvailable && !p.streams[1].retainReason.isEmpty()); // products: overwrite
        QVERIFY(!p.streams[2].removeAvailable && p.streams[2].retainAvailable);         // purchases: append
    }

    // A connection due by its schedule is synced by the engine's timer; one with a pending refresh waits.
    void schedulerStartsDueConnections() {
        QTemporaryDir home;
        auto every = [&](const QString& name) {
            return QStringLiteral(R"({"name": "%1", "source": {"type": "demo", "config": {"count": 10}},
                "destination": {"type": "sqlite", "config": {"path": "%2/%1.sqlite"}},
                "streams": [{"name": "users"}], "settings": {"schedule": {"type": "interval", "minutes": 1}}})")
                .arg(name, home.path());
        };
        const qint64 due = createConnection(home.path(), every("due"));
        const qint64 waiting = createConnection(home.path(), every("waiting"));
        {
            auto store = Store::openInHome(home.path().toStdString());
            JobRepository jobs(store->db());
            StateRepository states(store->db());
            for (qint64 id : {due, waiting}) {
                auto job = jobs.startJob(id, "sync", "");
                QVERIFY(job.ok());
                QVERIFY(jobs.finishJob(job.value(), JobStatus::Succeeded, "").ok());
            }
            // Both last ran two minutes ago: both are due, but one has a refresh pending.
            QVERIFY(
                store->db()
                    .exec("UPDATE jobs SET started_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-2 minutes')")
                    .ok());
            QVERIFY(states.addPendingRefresh(waiting, {"", "users", "retain", 1, 1}).ok());
        }
        EngineThread thread(home.path().toStdString());
        QSignalSpy started(thread.engine(), &Engine::jobStarted);
        QSignalSpy ticks(thread.engine(), &Engine::schedulerTicked);
        thread.engine()->setSchedulerInterval(50);
        QTRY_COMPARE_WITH_TIMEOUT(started.count(), 1, 10000);
        QCOMPARE(started.first().at(1).toLongLong(), due);
        {
            // Stored as started by the schedule; the jobs started above without a trigger read as unknown.
            auto store = Store::openInHome(home.path().toStdString());
            auto ran = JobRepository(store->db()).jobsOf(due);
            QVERIFY(ran.ok());
            QCOMPARE(ran->size(), size_t(2));
            QCOMPARE(ran->front().trigger, std::string("schedule"));
            QCOMPARE(ran->back().trigger, std::string());
        }
        // Not a pause that hopes the scheduler looked: five more of its decisions, each starting nothing.
        const int seen = int(ticks.count());
        QTRY_VERIFY_WITH_TIMEOUT(ticks.count() >= seen + 5, 10000);
        QCOMPARE(started.count(), 1);
        for (int i = seen; i < ticks.count(); ++i)
            QCOMPARE(ticks.at(i).at(0).toInt(), 0);
    }

    void exportsCsvInATask() {
        QTemporaryDir home;
        EngineThread thread(home.path().toStdString());
        QSignalSpy done(thread.engine(), &Engine::exportFinished);
        const QString path = home.path() + "/stale.csv";
        thread.engine()->exportCsv(path, RowSet{{"id", "name"}, {{"1", "Ann, \"the\" first"}, {"2", ""}}});
        QTRY_COMPARE(done.count(), 1);
        QCOMPARE(done.first().at(1).toString(), QString());
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), QByteArray("id,name\r\n1,\"Ann, \"\"the\"\" first\"\r\n2,\r\n"));
    }

    void cancelStopsARunningJob() {
        QTemporaryDir home;
        const qint64 id = createConnection(home.path(), slowDemo(home.path()));
        EngineThread thread(home.path().toStdString());
        Engine* engine = thread.engine();
        QSignalSpy started(engine, &Engine::jobStarted);
        QSignalSpy progress(engine, &Engine::jobProgress);
        QSignalSpy finished(engine, &Engine::jobFinished);
        engine->startSync(id);
        QTRY_VERIFY_WITH_TIMEOUT(progress.count() >= 1, 20000);
        // The engine thread answers while the job runs.
        QSignalSpy list(engine, &Engine::connectionsChanged);
        engine->refreshConnections();
        QTRY_VERIFY(list.count() >= 1);
        QCOMPARE(lastArg<QVector<ConnectionSummary>>(list).front().status, QStringLiteral("running"));
        engine->cancelJob(id);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 20000);
        QCOMPARE(lastArg<JobFinished>(finished).status, QStringLiteral("cancelled"));
    }
};

QTEST_GUILESS_MAIN(TestEngineApi)
#include "tst_engine_api.moc"
