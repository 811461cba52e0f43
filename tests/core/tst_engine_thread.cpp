#include "config/connection_config.h"
#include "engine/engine.h"
#include "store/connection_repository.h"
#include "store/store.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace sluice::core;

namespace {
ConnectionConfig demoConnection(const std::string& name) {
    auto c = parseConnectionJson(R"({"name": ")" + name + R"(", "source": {"type": "demo"},
        "destination": {"type": "sqlite", "config": {"path": "/tmp/demo.sqlite"}}, "streams": [{"name": "users"}]})",
                                 "test", "/");
    if (!c)
        qFatal("%s", c.error().message.c_str());
    return c.value();
}
} // namespace

class TestEngineThread : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { registerEngineMetaTypes(); }

    void answersOnItsOwnThreadAndSeesOtherWriters() {
        QTemporaryDir home;
        {
            auto store = Store::openInHome(home.path().toStdString());
            QVERIFY(store.ok());
            ConnectionRepository repo(store->db());
            QVERIFY(repo.create(demoConnection("alpha")).ok());
        }
        EngineThread thread(home.path().toStdString());
        Engine* engine = thread.engine();
        QVERIFY(engine->thread() != QThread::currentThread());

        QThread* emittedOn = nullptr;
        connect(engine, &Engine::connectionsChanged, engine,
                [&emittedOn](const QVector<ConnectionSummary>&) { emittedOn = QThread::currentThread(); },
                Qt::DirectConnection);
        QSignalSpy spy(engine, &Engine::connectionsChanged);
        engine->refreshConnections(); // called from the test thread: must hop to the engine thread
        QTRY_COMPARE(spy.count(), 1);
        QCOMPARE(emittedOn, thread.thread());
        auto list = spy.takeFirst().at(0).value<QVector<ConnectionSummary>>();
        QCOMPARE(list.size(), 1);
        QCOMPARE(list.front().name, QStringLiteral("alpha"));

        // Another process (here: another connection to the same file) adds a connection: the engine notices.
        engine->setWatchInterval(50);
        {
            auto store = Store::openInHome(home.path().toStdString());
            ConnectionRepository repo(store->db());
            QVERIFY(repo.create(demoConnection("beta")).ok());
        }
        QTRY_VERIFY_WITH_TIMEOUT(!spy.isEmpty() && spy.last().at(0).value<QVector<ConnectionSummary>>().size() == 2,
                                 5000);
    }

    void shutsDownCleanlyWhileBusy() {
        QTemporaryDir home;
        auto* thread = new EngineThread(home.path().toStdString());
        for (int i = 0; i < 50; ++i)
            thread->engine()->refreshConnections();
        QPointer<Engine> engine = thread->engine();
        delete thread; // requestInterruption(); quit(); wait(): must return, and the engine is gone
        QTRY_VERIFY(engine.isNull());
    }
};

QTEST_GUILESS_MAIN(TestEngineThread)
#include "tst_engine_thread.moc"
