// What engine code throws on the engine thread ends that request with errorOccurred, and the engine (the
// GUI's) goes on answering. SLUICE_FAULT (util/fault_injection.h) is read once per process, so this binary
// sets it before the engine exists: the engine's first request throws. (Jobs: tst_odd_data.)
#include "engine/engine.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace sluice::core;

class TestEngineExceptions : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        registerEngineMetaTypes();
        qputenv("SLUICE_FAULT", "engine-request:1:throw");
    }

    void aThrowingRequestIsReportedAndTheEngineGoesOn() {
        QTemporaryDir home;
        EngineThread thread(home.path().toStdString());
        Engine* engine = thread.engine();
        QSignalSpy errors(engine, &Engine::errorOccurred);
        QSignalSpy lists(engine, &Engine::connectionsChanged);
        engine->refreshConnections(); // throws on the engine thread
        engine->refreshConnections(); // answered
        QTRY_VERIFY(!lists.isEmpty());
        QCOMPARE(errors.count(), 1);
        QCOMPARE(
            errors.first().at(0).toString(),
            QStringLiteral("unexpected error while answering a request: fault injected at engine-request"));
        QVERIFY(thread.thread()->isRunning());
    }
};

QTEST_GUILESS_MAIN(TestEngineExceptions)
#include "tst_engine_exceptions.moc"
