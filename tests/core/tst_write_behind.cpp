// The writer thread of a sync: a write runs on another thread than the caller's, its status (or its
// exception, rethrown in the caller) comes back with wait(), the cancel flag of the caller reaches it, and a
// sink that goes away while a write runs waits for it instead of destroying what the write uses.
#include "engine/write_behind.h"
#include "util/cancel_scope.h"

#include <QtTest>
#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

using namespace sluice::core;

class TestWriteBehind : public QObject {
    Q_OBJECT

private slots:
    void statusOfEachWriteInOrder() {
        WriteBehind w;
        QVERIFY(!w.busy());
        QVERIFY(w.wait().ok()); // nothing handed over
        std::vector<int> done;
        for (int i = 0; i < 50; ++i) {
            w.start([&done, i]() -> Status {
                done.push_back(i);
                if (i % 7 == 3)
                    return Error::transient("write " + std::to_string(i) + " failed");
                return {};
            });
            QVERIFY(w.busy());
            const Status st = w.wait();
            QVERIFY(!w.busy());
            QCOMPARE(st.ok(), i % 7 != 3);
            if (!st.ok())
                QCOMPARE(QString::fromStdString(st.error().message), QString("write %1 failed").arg(i));
        }
        QCOMPARE(done.size(), size_t(50));
        for (int i = 0; i < 50; ++i)
            QCOMPARE(done[size_t(i)], i);
    }

    void runsOnAnotherThreadWhileTheCallerWorks() {
        WriteBehind w;
        std::atomic<bool> release{false};
        std::thread::id writer;
        w.start([&]() -> Status {
            writer = std::this_thread::get_id();
            while (!release)
                std::this_thread::yield();
            return {};
        });
        // The caller goes on while the write waits for it: the write cannot be on this thread.
        release = true;
        QVERIFY(w.wait().ok());
        QVERIFY(writer != std::this_thread::get_id());
    }

    void exceptionIsRethrownInTheCaller() {
        WriteBehind w;
        w.start([]() -> Status { throw std::runtime_error("disk on fire"); });
        bool caught = false;
        try {
            (void)w.wait();
        } catch (const std::runtime_error& e) {
            caught = QString(e.what()) == "disk on fire";
        }
        QVERIFY(caught);
        QVERIFY(!w.busy());
        // The thread survives it.
        w.start([]() -> Status { return Error::config("next"); });
        QCOMPARE(QString::fromStdString(w.wait().error().message), QString("next"));
    }

    void cancelFlagOfTheCallerReachesTheWrite() {
        std::atomic<bool> cancel{true};
        WriteBehind w;
        bool seen = false;
        {
            const CancelScope scope(&cancel);
            w.start([&]() -> Status {
                seen = CancelScope::requested();
                return {};
            });
        }
        QVERIFY(w.wait().ok());
        QVERIFY(seen);
        w.start([&]() -> Status {
            seen = CancelScope::requested();
            return {};
        });
        QVERIFY(w.wait().ok());
        QVERIFY(!seen); // started outside any scope
    }

    void destructionWaitsForTheWriteInFlight() {
        std::atomic<bool> finished{false};
        {
            WriteBehind w;
            w.start([&]() -> Status {
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
                finished = true;
                return {};
            });
        }
        QVERIFY(finished);
    }
};

QTEST_GUILESS_MAIN(TestWriteBehind)
#include "tst_write_behind.moc"
