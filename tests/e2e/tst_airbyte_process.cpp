// The airbyte source's child process: start failures, stopping it (sink error, SIGTERM ignored, the
// heartbeat, a control command's time limit, a cancel), no descriptor left behind, a flood of stderr, and
// throughput.
#include "airbyte_test_support.h"
#include "test_support.h"

#include <QDir>
#include <QElapsedTimer>
#include <QThread>

using namespace sluice::test;

class TestAirbyteProcess : public QObject {
    Q_OBJECT

private slots:
    void missingCommandIsAConfigError() {
        auto s = AirbyteSource(R"({"command": ["/nonexistent/connector", "--flag"], "config": {}})").check();
        QVERIFY(!s.ok());
        QCOMPARE(s.error().kind, ErrorKind::Config);
        QCOMPARE(
            s.error().message,
            std::string(
                "cannot run connector command `/nonexistent/connector --flag`: No such file or directory"));
        auto empty = makeAirbyteSource(R"({"command": []})")->discover();
        QVERIFY(!empty.ok());
        QCOMPARE(empty.error().kind, ErrorKind::Config);
    }

    void sinkErrorKillsSleepingConnector() {
        QTemporaryDir tmp;
        const QString pidFile = tmp.filePath("pid");
        RecordingSink sink;
        sink.failAtRecord = 5;
        QElapsedTimer t;
        t.start();
        auto s = readAll({{"sleep_after", 5}, {"pid_file", pidFile.toStdString()}}, sink);
        QVERIFY(!s.ok());
        QCOMPARE(s.error().kind, ErrorKind::Cancelled); // the sink's own error comes back
        QVERIFY2(t.elapsed() < 3000, QByteArray::number(t.elapsed()));
        QVERIFY(processGone(pidFile));
    }

    void connectorIgnoringSigtermIsKilled() {
        QTemporaryDir tmp;
        const QString pidFile = tmp.filePath("pid");
        AirbyteSource source(sourceConfig(
            {{"sleep_after", 2}, {"ignore_sigterm", true}, {"pid_file", pidFile.toStdString()}}));
        source.setKillGrace(std::chrono::milliseconds(300));
        RecordingSink sink;
        sink.failAtRecord = 2;
        QElapsedTimer t;
        t.start();
        auto s = source.read(requestFor(*source.discover()), sink);
        QCOMPARE(s.error().kind, ErrorKind::Cancelled);
        QVERIFY2(t.elapsed() >= 300 && t.elapsed() < 3000, QByteArray::number(t.elapsed()));
        QVERIFY(processGone(pidFile));
    }

    void silentReadHitsTheHeartbeat() {
        QTemporaryDir tmp;
        const QString pidFile = tmp.filePath("pid");
        RecordingSink sink;
        QElapsedTimer t;
        t.start();
        auto s = readAll({{"sleep_after", 3}, {"pid_file", pidFile.toStdString()}}, sink, {}, 2);
        QVERIFY(!s.ok());
        QCOMPARE(s.error().kind, ErrorKind::Transient); // retried by the job
        QCOMPARE(s.error().message,
                 "connector `" + fakeSource() +
                     " read` printed nothing for 2 s (heartbeat_timeout_seconds) and was stopped");
        QCOMPARE(sink.records.size(), size_t(3));
        QVERIFY2(t.elapsed() >= 2000 && t.elapsed() < 8000, QByteArray::number(t.elapsed()));
        QVERIFY(processGone(pidFile));
    }

    // A read that keeps printing may take as long as it needs: the heartbeat is about silence.
    void busyReadOutlivesTheHeartbeat() {
        AirbyteSource probe(sourceConfig(json::object()));
        ReadRequest request = requestFor({(*probe.discover())[0]});
        const std::string record = R"({"type":"RECORD","record":{"stream":"users","data":{"id":1}}})";
        const std::string script = "for i in 1 2 3 4 5 6; do echo '" + record + "'; sleep 0.5; done";
        AirbyteSource source(
            json{{"command", {"sh", "-c", script}}, {"heartbeat_timeout_seconds", 2}}.dump());
        RecordingSink sink;
        auto s = source.read(request, sink);
        QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
        QCOMPARE(sink.records.size(), size_t(6));
    }

    void hungControlCommandTimesOut_data() {
        QTest::addColumn<QString>("verb");
        QTest::newRow("check") << "check";
        QTest::newRow("discover") << "discover";
    }

    void hungControlCommandTimesOut() {
        QFETCH(QString, verb);
        QTemporaryDir tmp;
        const std::string pidDir = tmp.path().toStdString();
        AirbyteSource source(sourceConfig({{"hang_in", verb.toStdString()}, {"pid_dir", pidDir}}, 1));
        QElapsedTimer t;
        t.start();
        Status s;
        if (verb == "check") {
            s = source.check();
        } else if (auto d = source.discover(); !d) {
            s = d.error();
        }
        QVERIFY(!s.ok());
        QCOMPARE(s.error().kind, ErrorKind::Transient);
        QCOMPARE(s.error().message, "connector `" + fakeSource() + " " + verb.toStdString() +
                                        "` did not finish within 1 s (timeout_seconds) and was stopped");
        QVERIFY2(t.elapsed() >= 1000 && t.elapsed() < 8000, QByteArray::number(t.elapsed()));
        QVERIFY(processGone(tmp.filePath(verb + ".pid")));
    }

    // A cancel reaches a connector that prints nothing (no sink call would ever see it), and everything
    // in its process group: a wrapper's sleeping child too.
    void stopRequestEndsSilentConnectorAndItsChildren() {
        QTemporaryDir tmp;
        const QString pidFile = tmp.filePath("pid"), childPidFile = tmp.filePath("child.pid");
        AirbyteSource probe(sourceConfig(json::object()));
        ReadRequest request = requestFor({(*probe.discover())[0]});
        AirbyteSource source(sourceConfig({{"hang_in", "read"},
                                           {"pid_file", pidFile.toStdString()},
                                           {"child_pid_file", childPidFile.toStdString()}}));
        // "The user cancels" once the connector and its child are both running.
        source.setStopCheck([&] { return pidIn(pidFile) > 0 && pidIn(childPidFile) > 0; });
        RecordingSink sink;
        QElapsedTimer t;
        t.start();
        auto s = source.read(request, sink);
        QVERIFY(!s.ok());
        QCOMPARE(s.error().kind, ErrorKind::Cancelled);
        QVERIFY2(t.elapsed() < 8000, QByteArray::number(t.elapsed()));
        QVERIFY(processGone(pidFile));
        QTRY_VERIFY_WITH_TIMEOUT(processGone(childPidFile), 5000); // reparented: its reaper is not us
    }

    // A checkpoint the connector printed just before a cancel or a limit stopped it still counts: what is
    // in the pipe when the stop is decided is handed over first. The stop check below returns only once
    // the lines are written, before anything was read: without that, they would be lost.
    void outputWrittenBeforeAStopIsHandedOver() {
        QTemporaryDir tmp;
        const QString marker = tmp.filePath("written");
        ChildProcessOptions opts;
        opts.command = {"sh", "-c", "echo record; echo state; touch \"$0\"; exec sleep 100",
                        marker.toStdString()};
        opts.stopRequested = [&] {
            QElapsedTimer waited;
            waited.start();
            while (!QFile::exists(marker) && waited.elapsed() < 20000)
                QThread::msleep(10);
            return true;
        };
        std::vector<std::string> lines;
        auto exit = runChildProcess(opts, [&](std::string_view l) {
            lines.emplace_back(l);
            return Status{};
        });
        SLUICE_VERIFY_OK(exit);
        QCOMPARE(int(exit->stoppedBy), int(ChildStop::Requested));
        QCOMPARE(lines, (std::vector<std::string>{"record", "state"}));
    }

    // Every way a run ends closes every descriptor it opened (pipes, /dev/null, the watchdog's socket).
    void noDescriptorIsLeft() {
        auto openFds = [] {
            return QDir(QStringLiteral("/proc/self/fd")).entryList(QDir::Files | QDir::System).size();
        };
        RecordingSink warmUp; // loggers and the like open what they keep on first use
        SLUICE_VERIFY_OK(readAll(json::object(), warmUp));
        const auto before = openFds();
        (void)AirbyteSource(R"({"command": ["/nonexistent/connector"]})").check();
        (void)AirbyteSource(R"({"command": ["/dev/null"]})").check(); // not executable
        RecordingSink failing;
        failing.failAtRecord = 2;
        (void)readAll({{"sleep_after", 3}}, failing);
        RecordingSink silent;
        (void)readAll({{"sleep_after", 3}}, silent, {}, 1);
        RecordingSink complete;
        SLUICE_VERIFY_OK(readAll(json::object(), complete));
        QCOMPARE(openFds(), before);
    }

    void heavyStderrDoesNotDeadlock() {
        RecordingSink sink;
        QElapsedTimer t;
        t.start();
        auto s = readAll({{"stderr_bytes", 4 * 1024 * 1024}}, sink, {}, 60);
        QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
        QCOMPARE(sink.records.size(), size_t(20));
        QVERIFY(sink.logged(LogLevel::Info, "connector stderr: xxxx"));
        QVERIFY(sink.logs.size() > 40000);
    }

    // Records per second through the whole path (pipe, parse, coerce, sink); set SLUICE_AIRBYTE_BENCH=N
    // to run it with N records. `cat` of a prepared file stands in for the connector so the parser is
    // measured.
    void throughput() {
        const int64_t n = qEnvironmentVariableIntValue("SLUICE_AIRBYTE_BENCH");
        if (n <= 0)
            QSKIP("set SLUICE_AIRBYTE_BENCH=<records> to measure throughput");
        QTemporaryDir tmp;
        const QString path = tmp.filePath("records.jsonl");
        {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            QByteArray chunk;
            for (int64_t i = 1; i <= n; ++i) {
                char line[512];
                const int len = std::snprintf(line, sizeof line, kBenchRecord, static_cast<long long>(i),
                                              static_cast<long long>(i), double(i) * 1.5);
                chunk.append(line, len);
                if (chunk.size() > (1 << 20)) {
                    f.write(chunk);
                    chunk.clear();
                }
            }
            f.write(chunk);
        }
        AirbyteSource probe(sourceConfig(json::object()));
        ReadRequest request = requestFor({(*probe.discover())[0]});
        AirbyteSource source(json{{"command", {"sh", "-c", "exec cat \"$0\"", path.toStdString()}}}.dump());
        CountingSink sink;
        QElapsedTimer t;
        t.start();
        auto s = source.read(request, sink);
        QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
        QCOMPARE(sink.count, n);
        qInfo("%lld records in %lld ms: %.0f records/s", static_cast<long long>(n),
              static_cast<long long>(t.elapsed()),
              double(n) * 1000.0 / double(std::max<qint64>(1, t.elapsed())));
    }
};

QTEST_GUILESS_MAIN(TestAirbyteProcess)
#include "tst_airbyte_process.moc"
