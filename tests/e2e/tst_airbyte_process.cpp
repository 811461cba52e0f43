// The airbyte source's child process: start failures, stopping it (sink error, SIGTERM ignored, timeout),
// a flood of stderr, and throughput.
#include "airbyte_test_support.h"

#include <QElapsedTimer>

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

    void timeoutKillsConnector() {
        QTemporaryDir tmp;
        const QString pidFile = tmp.filePath("pid");
        RecordingSink sink;
        QElapsedTimer t;
        t.start();
        auto s = readAll({{"sleep_after", 3}, {"pid_file", pidFile.toStdString()}}, sink, {}, 2);
        QVERIFY(!s.ok());
        QCOMPARE(s.error().kind, ErrorKind::Transient);
        QCOMPARE(s.error().message, std::string("connector timed out after 2 s"));
        QCOMPARE(sink.records.size(), size_t(3));
        QVERIFY2(t.elapsed() < 6000, QByteArray::number(t.elapsed()));
        QVERIFY(processGone(pidFile));
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
