// The engine thread never waits on a connector or a big query: check, discover and the inspector's queries
// run as cancellable tasks on workers, and the engine keeps answering everything else meanwhile.
#include "engine/engine.h"
#include "engine/task_runner.h"
#include "test_support.h"

#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>
#include <map>

using namespace sluice::core;
using sluice::test::createConnection;
using sluice::test::pidInFile;
using sluice::test::processGone;

namespace {
// The engine must answer a quick question within this while a connector hangs (issue 12).
constexpr qint64 kMaxAnswerMs = 100;

QString fakeSource() {
    return sluice::test::dataPath("connectors/fake_source.py");
}

// A connection being edited whose airbyte source sleeps forever in `verb` (check or discover) and writes
// its pid to `pidFile`; an empty verb: a connector that answers at once.
QString hangingConnection(const QString& home, const QString& verb, const QString& pidFile) {
    return QStringLiteral(R"({"name": "hung", "source": {"type": "airbyte", "config": {"command": ["%1"],
        "config": {"sleep_in": "%2", "pid_file": "%3"}}},
        "destination": {"type": "sqlite", "config": {"path": "%4/w.sqlite"}}, "streams": []})")
        .arg(fakeSource(), verb, pidFile, home);
}

TaskInfo taskArg(QSignalSpy& spy, int index) {
    return spy.at(index).at(0).value<TaskInfo>();
}

// The last task of `kind` that `spy` saw.
TaskInfo lastTask(QSignalSpy& spy, TaskKind kind) {
    for (int i = int(spy.count()) - 1; i >= 0; --i)
        if (taskArg(spy, i).kind == kind)
            return taskArg(spy, i);
    return {};
}

// Asks `ask` and waits for `spy` to see one more signal; returns how long that took (or -1).
template <typename Ask> qint64 answerTime(QSignalSpy& spy, Ask&& ask) {
    const auto before = spy.count();
    QElapsedTimer t;
    t.start();
    ask();
    while (spy.count() == before)
        if (!spy.wait(5000))
            return -1;
    return t.elapsed();
}

} // namespace

class TestEngineTasks : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { registerEngineMetaTypes(); }

    void engineAnswersWhileACheckHangs() {
        QTemporaryDir home;
        const QString pidFile = home.filePath("connector.pid");
        const qint64 id = createConnection(
            home.path(),
            QStringLiteral(R"({"name": "other", "source": {"type": "demo", "config": {"count": 5}},
                "destination": {"type": "sqlite", "config": {"path": "%1/o.sqlite"}},
                "streams": [{"name": "users"}]})")
                .arg(home.path()));
        EngineThread thread(home.path().toStdString());
        Engine* engine = thread.engine();
        QSignalSpy started(engine, &Engine::taskStarted);
        QSignalSpy finished(engine, &Engine::taskFinished);
        QSignalSpy checked(engine, &Engine::checkFinished);
        QSignalSpy list(engine, &Engine::connectionsChanged);
        QSignalSpy jobs(engine, &Engine::jobsLoaded);
        QSignalSpy loaded(engine, &Engine::connectionLoaded);
        QVERIFY(answerTime(list, [&] { engine->refreshConnections(); }) >= 0);

        engine->checkConnection(7, hangingConnection(home.path(), "check", pidFile));
        QTRY_VERIFY(pidInFile(pidFile) > 0); // the connector runs and hangs in check
        const qint64 connector = pidInFile(pidFile);
        QCOMPARE(started.count(), 1);
        const TaskInfo check = taskArg(started, 0);
        QCOMPARE(check.kind, TaskKind::Check);
        QCOMPARE(check.title, QStringLiteral("Testing connection"));
        QCOMPARE(check.token, 7);
        QCOMPARE(check.status, TaskStatus::Running);

        // Meanwhile every other question is answered at once, a connection's details (a task too) as well.
        qint64 slowest = 0;
        for (int round = 0; round < 5; ++round) {
            const qint64 a = answerTime(list, [&] { engine->refreshConnections(); });
            const qint64 b = answerTime(jobs, [&] { engine->loadJobs(id); });
            const qint64 c = answerTime(loaded, [&] { engine->loadConnection(id); });
            QVERIFY2(a >= 0 && b >= 0 && c >= 0, "the engine did not answer");
            QVERIFY2(a < kMaxAnswerMs && b < kMaxAnswerMs && c < kMaxAnswerMs,
                     qPrintable(QStringLiteral("answers took %1, %2 and %3 ms").arg(a).arg(b).arg(c)));
            slowest = std::max({slowest, a, b, c});
        }
        qInfo("with a connector hanging in check, the slowest of 15 answers took %lld ms", slowest);
        QCOMPARE(loaded.last().at(0).value<ConnectionDetails>().name, QStringLiteral("other"));
        QVERIFY(!processGone(connector));
        QCOMPARE(checked.count(), 0);

        // Cancel ends the check: the connector is stopped, and the task reports it, with no answer.
        QElapsedTimer t;
        t.start();
        engine->cancelTask(check.id);
        QTRY_VERIFY(lastTask(finished, TaskKind::Check).id == check.id);
        const TaskInfo end = lastTask(finished, TaskKind::Check);
        qInfo("the hung check was cancelled in %lld ms", t.elapsed());
        QCOMPARE(end.status, TaskStatus::Cancelled);
        QVERIFY(processGone(connector));
        QCOMPARE(checked.count(), 0); // an answer would have come before taskFinished
    }

    // The GUI asked for B after A: A's answer is dropped, and A's connector stopped.
    void aNewerQuestionSupersedesTheOlder() {
        QTemporaryDir home;
        const QString pidFile = home.filePath("connector.pid");
        EngineThread thread(home.path().toStdString());
        Engine* engine = thread.engine();
        QSignalSpy finished(engine, &Engine::taskFinished);
        QSignalSpy discovered(engine, &Engine::discoverFinished);
        engine->discoverStreams(1, hangingConnection(home.path(), "discover", pidFile));
        QTRY_VERIFY(pidInFile(pidFile) > 0);
        engine->discoverStreams(2, hangingConnection(home.path(), "", home.filePath("second.pid")));
        QTRY_COMPARE(discovered.count(), 1);
        const auto answer = discovered.first().at(0).value<DiscoverResult>();
        QCOMPARE(answer.token, 2);
        QVERIFY2(answer.error.isEmpty(), qPrintable(answer.error));
        QCOMPARE(answer.streams.size(), 2); // the fake connector's users and orders
        QTRY_COMPARE(finished.count(), 2);
        std::map<int, TaskStatus> ends{{taskArg(finished, 0).token, taskArg(finished, 0).status},
                                       {taskArg(finished, 1).token, taskArg(finished, 1).status}};
        QCOMPARE(ends[1], TaskStatus::Superseded);
        QCOMPARE(ends[2], TaskStatus::Succeeded);
        QVERIFY(processGone(pidInFile(pidFile)));
        QCOMPARE(discovered.count(), 1);
    }

    void aLongDiffIsCancelledQuickly() {
        QTemporaryDir home;
        const qint64 rows = 1000000;
        const qint64 id = syncBigStream(home.path(), rows);
        QVERIFY(id > 0);
        EngineThread thread(home.path().toStdString());
        Engine* engine = thread.engine();
        QSignalSpy started(engine, &Engine::taskStarted);
        QSignalSpy finished(engine, &Engine::taskFinished);
        QSignalSpy diffs(engine, &Engine::diffLoaded);

        // The whole diff, for comparison: generation 0 (the sync's) against itself, every row matched.
        QElapsedTimer full;
        full.start();
        engine->loadDiff(id, QStringLiteral("items"), 0, 0);
        QVERIFY(diffs.wait(120000));
        const qint64 fullMs = full.elapsed();
        const auto report = diffs.first().at(0).value<DiffReport>();
        QVERIFY2(report.error.isEmpty(), qPrintable(report.error));
        QCOMPARE(report.added.rows.size() + report.removed.rows.size() + report.changed.size(), 0);

        engine->loadDiff(id, QStringLiteral("items"), 0, 0);
        QTRY_COMPARE(started.count(), 2);
        const TaskInfo diff = taskArg(started, 1);
        QCOMPARE(diff.title, QStringLiteral("Computing diff"));
        QCOMPARE(diff.connectionId, id);
        QElapsedTimer t;
        t.start();
        engine->cancelTask(diff.id);
        while (lastTask(finished, TaskKind::Diff).id != diff.id)
            QVERIFY(finished.wait(5000));
        const qint64 cancelMs = t.elapsed();
        qInfo("a diff of 2 x %lld rows takes %lld ms; cancelled, it answered in %lld ms", rows, fullMs,
              cancelMs);
        QCOMPARE(lastTask(finished, TaskKind::Diff).status, TaskStatus::Cancelled);
        QCOMPARE(diffs.count(), 1); // no answer for the cancelled one
        QVERIFY2(cancelMs < 250, qPrintable(QStringLiteral("cancelling took %1 ms").arg(cancelMs)));
    }

    // An exception in a task's work never crosses the thread: the task fails with its message, and the
    // asker gets the failure answer.
    void aTaskThatThrowsFailsWithAMessage() {
        TaskRunner runner(2);
        QSignalSpy finished(&runner, &TaskRunner::finished);
        QString answer;
        TaskInfo info;
        info.kind = TaskKind::Diff;
        info.title = taskTitle(info.kind);
        runner.start(
            info, {},
            []() -> TaskRunner::Delivery { throw std::runtime_error("the diff ran out of memory"); },
            [&answer](const QString& message) -> TaskRunner::Delivery {
                return [&answer, message] { answer = message; };
            });
        QVERIFY(finished.wait(5000));
        const TaskInfo end = taskArg(finished, 0);
        QCOMPARE(end.status, TaskStatus::Failed);
        QCOMPARE(end.message, QStringLiteral("internal error: the diff ran out of memory"));
        QCOMPARE(answer, end.message);
    }

private:
    // A file stream `items` of `rows` rows with key `id`, synced once by the engine; returns the connection.
    static qint64 syncBigStream(const QString& home, qint64 rows) {
        QFile f(home + "/items.jsonl");
        if (!f.open(QIODevice::WriteOnly))
            return 0;
        QByteArray text;
        text.reserve(int(rows * 48));
        for (qint64 i = 1; i <= rows; ++i)
            text += "{\"id\":" + QByteArray::number(i) + ",\"name\":\"item number " + QByteArray::number(i) +
                    "\",\"price\":" + QByteArray::number(i % 997) + "}\n";
        f.write(text);
        f.close();
        const qint64 id = createConnection(
            home, QStringLiteral(
                      R"({"name": "big", "source": {"type": "file", "config": {"path": "%1/items.jsonl"}},
                "destination": {"type": "sqlite", "config": {"path": "%1/w.sqlite"}},
                "streams": [{"name": "items", "sync_mode": "incremental", "destination_sync_mode": "append_dedup",
                             "cursor_field": ["id"], "primary_key": [["id"]]}]})")
                      .arg(home));
        EngineThread thread(home.toStdString());
        QSignalSpy done(thread.engine(), &Engine::jobFinished);
        thread.engine()->startSync(id);
        if (!done.wait(300000) || done.first().at(0).value<JobFinished>().status != "succeeded")
            return 0;
        return id;
    }
};

QTEST_GUILESS_MAIN(TestEngineTasks)
#include "tst_engine_tasks.moc"
