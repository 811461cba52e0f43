#include "scheduler/scheduler.h"
#include "util/time_util.h"

#include <QtTest>

using namespace sluice::core;
using namespace std::chrono;
using TimePoint = Clock::TimePoint;
using Ids = std::vector<int64_t>;

namespace {

// Friday 2025-01-03 10:07 UTC: between two quarter-hour slots.
const TimePoint kStart = sys_days{2025y / January / 3d} + 10h + 7min;

// A clock the test moves by hand.
class FakeClock : public Clock {
public:
    explicit FakeClock(TimePoint t) : m_now(t) {}
    TimePoint now() const override { return m_now; }
    void set(TimePoint t) { m_now = t; }
    void advance(TimePoint::duration d) { m_now += d; }

private:
    TimePoint m_now;
};

Schedule interval(int minutes) {
    return {Schedule::Type::Interval, minutes, {}};
}
Schedule cron(const std::string& expression) {
    return {Schedule::Type::Cron, 0, expression};
}
Schedule manual() {
    return {};
}

ScheduledConnection connection(int64_t id, Schedule schedule,
                               std::optional<TimePoint> lastRun = std::nullopt) {
    return {id, std::move(schedule), lastRun, false, false};
}

QString iso(std::optional<TimePoint> t) {
    return t ? QString::fromStdString(isoUtc(*t)) : QString("never");
}

// A scheduler, its clock and the connections the engine would hand it at each tick.
struct Harness {
    FakeClock clock{kStart};
    Scheduler scheduler{clock};
    std::vector<ScheduledConnection> conns;

    Ids dueAt(TimePoint t) {
        clock.set(t);
        return scheduler.due(conns);
    }

    // Ticks every second from the clock's time on and returns when something first becomes due: pins a run
    // to the second and shows that nothing fired before it.
    QString firstDue(TimePoint::duration horizon = 48h) {
        for (const TimePoint end = clock.now() + horizon; clock.now() < end;) {
            clock.advance(1s);
            if (!scheduler.due(conns).empty())
                return iso(clock.now());
        }
        return "never";
    }
};

} // namespace

class TestScheduler : public QObject {
    Q_OBJECT
private slots:
    void nextRunRule_data() {
        QTest::addColumn<int>("type"); // Schedule::Type
        QTest::addColumn<int>("minutes");
        QTest::addColumn<QString>("expression");
        QTest::addColumn<int>("lastRunOffset");  // minutes from kStart; INT_MIN: never ran
        QTest::addColumn<int>("expectedOffset"); // minutes from kStart; INT_MIN: nullopt
        const int never = INT_MIN;
        const int manualType = int(Schedule::Type::Manual);
        const int intervalType = int(Schedule::Type::Interval);
        const int cronType = int(Schedule::Type::Cron);
        QTest::newRow("manual") << manualType << 0 << "" << never << never;
        QTest::newRow("manual after a run") << manualType << 0 << "" << -5 << never;
        QTest::newRow("interval never ran: since + N") << intervalType << 30 << "" << never << 30;
        QTest::newRow("interval: last run + N") << intervalType << 30 << "" << -10 << 20;
        QTest::newRow("interval overdue: in the past") << intervalType << 30 << "" << -600 << -570;
        QTest::newRow("interval 0 never fires") << intervalType << 0 << "" << never << never;
        QTest::newRow("cron never ran: after since") << cronType << 0 << "*/15 * * * *" << never << 8;
        QTest::newRow("cron: old run, since wins") << cronType << 0 << "*/15 * * * *" << -600 << 8;
        QTest::newRow("cron: run after since wins") << cronType << 0 << "*/15 * * * *" << 8 << 23;
        QTest::newRow("cron invalid never fires") << cronType << 0 << "*/0 * * * *" << never << never;
        QTest::newRow("cron impossible") << cronType << 0 << "0 0 30 2 *" << never << never;
    }

    void nextRunRule() {
        QFETCH(int, type);
        QFETCH(int, minutes);
        QFETCH(QString, expression);
        QFETCH(int, lastRunOffset);
        QFETCH(int, expectedOffset);
        const Schedule s{Schedule::Type(type), minutes, expression.toStdString()};
        std::optional<TimePoint> lastRun;
        if (lastRunOffset != INT_MIN)
            lastRun = kStart + std::chrono::minutes{lastRunOffset};
        std::optional<TimePoint> expected;
        if (expectedOffset != INT_MIN)
            expected = kStart + std::chrono::minutes{expectedOffset};
        QCOMPARE(iso(nextRun(s, lastRun, kStart)), iso(expected));
    }

    void intervalFiresAfterNMinutesNotBefore() {
        Harness h;
        h.conns = {connection(1, interval(15))};
        QCOMPARE(h.dueAt(kStart), Ids{});
        QCOMPARE(h.firstDue(), iso(kStart + 15min));
        h.scheduler.markStarted(1);
        QCOMPARE(h.firstDue(), iso(kStart + 30min)); // the slot just served does not fire again
    }

    void intervalCountsFromLastRun() {
        Harness h;
        // A "sync now" 10 minutes ago: the next scheduled run is 15 minutes after it.
        h.conns = {connection(1, interval(15), kStart - 10min)};
        QCOMPARE(h.firstDue(), iso(kStart + 5min));
    }

    void overdueIntervalRunsOnceAtStart() {
        Harness h;
        // Sluice was closed for 3 hours: one run now, not twelve.
        h.conns = {connection(1, interval(15), kStart - 3h)};
        QCOMPARE(h.dueAt(kStart), Ids{1});
        h.scheduler.markStarted(1);
        QCOMPARE(h.dueAt(kStart + 1min), Ids{});
        h.conns[0].lastRun = kStart; // the engine has caught up with the job it started
        QCOMPARE(h.firstDue(), iso(kStart + 15min));
    }

    void cronFiresAtTheSlot() {
        Harness h;
        h.conns = {connection(1, cron("*/15 * * * *"))};
        QCOMPARE(iso(h.scheduler.nextRun(h.conns[0])), iso(kStart + 8min));
        QCOMPARE(h.firstDue(), iso(kStart + 8min)); // 10:15
        h.scheduler.markStarted(1);
        QCOMPARE(iso(h.scheduler.nextRun(h.conns[0])), iso(kStart + 23min));
        QCOMPARE(h.firstDue(), iso(kStart + 23min)); // 10:30
    }

    void cronSlotBeforeFirstTickIsKept() {
        // The engine's first tick may come after a slot: connections known at the start count from it.
        Harness h;
        h.conns = {connection(1, cron("*/15 * * * *"))};
        QCOMPARE(h.dueAt(kStart + 8min + 20s), Ids{1});
    }

    void cronSlotsMissedWhileClosedAreNotMadeUp() {
        Harness h;
        // Last ran yesterday at 09:00; it is 10:07 now, so today's 09:00 passed while Sluice was closed.
        h.conns = {connection(1, cron("0 9 * * *"), kStart - 24h - 67min)};
        QCOMPARE(h.dueAt(kStart), Ids{});
        QCOMPARE(h.firstDue(), iso(sys_days{2025y / January / 4d} + 9h));
    }

    void runningJobBlocksThenOneCatchUp() {
        Harness h;
        h.conns = {connection(1, interval(15), kStart)};
        h.conns[0].jobRunning = true; // a long "sync now" job
        for (int i = 1; i <= 6; ++i)  // six slots go by while it runs
            QCOMPARE(h.dueAt(kStart + i * 15min), Ids{});
        h.conns[0].jobRunning = false;
        QCOMPARE(h.dueAt(kStart + 93min), Ids{1}); // exactly one catch-up run
        h.scheduler.markStarted(1);
        QCOMPARE(h.firstDue(), iso(kStart + 108min)); // then the interval counts from the catch-up
    }

    void pendingRefreshBlocksThenOneCatchUp() {
        Harness h;
        h.conns = {connection(1, cron("*/15 * * * *"))};
        h.conns[0].refreshPending = true; // SPEC §4: scheduled syncs wait while a refresh is pending
        for (auto t : {8min, 23min, 38min, 43min}) // 10:15, 10:30, 10:45, 10:50
            QCOMPARE(h.dueAt(kStart + t), Ids{});
        h.conns[0].refreshPending = false;
        QCOMPARE(h.dueAt(kStart + 43min), Ids{1}); // 10:50: one catch-up for the three missed slots
        h.scheduler.markStarted(1);
        QCOMPARE(h.firstDue(), iso(kStart + 53min)); // 11:00, the next slot
    }

    void manualNeverFires() {
        Harness h;
        h.conns = {connection(1, manual()), connection(2, manual(), kStart)};
        for (int i = 0; i < 50; ++i)
            QCOMPARE(h.dueAt(kStart + i * 24h * 30), Ids{});
        QCOMPARE(iso(h.scheduler.nextRun(h.conns[0])), QString("never"));
    }

    void unmarkedStartStaysDue() {
        // A due connection the engine could not start is offered again at the next tick.
        Harness h;
        h.conns = {connection(1, interval(5))};
        QCOMPARE(h.dueAt(kStart + 5min), Ids{1});
        QCOMPARE(h.dueAt(kStart + 5min + 30s), Ids{1});
    }

    void onlyDueAndUnblockedConnections() {
        Harness h;
        h.conns = {connection(1, interval(10)),        connection(2, interval(60)),
                   connection(3, cron("*/5 * * * *")), connection(4, manual()),
                   connection(5, interval(10)),        connection(6, interval(10))};
        h.conns[4].jobRunning = true;
        h.conns[5].refreshPending = true;
        QCOMPARE(h.dueAt(kStart + 10min), (Ids{1, 3}));
    }

    void changedScheduleTakesEffectWhenChanged() {
        Harness h;
        h.conns = {connection(1, interval(60))};
        QCOMPARE(h.dueAt(kStart + 50min), Ids{});
        h.conns[0].schedule = interval(15); // never ran: 15 minutes from the tick that sees the change
        QCOMPARE(h.dueAt(kStart + 50min), Ids{});
        QCOMPARE(h.firstDue(), iso(kStart + 65min));
    }

    void connectionAddedLaterCountsFromThen() {
        Harness h;
        QCOMPARE(h.dueAt(kStart), Ids{});
        h.conns = {connection(7, interval(15))};
        QCOMPARE(h.dueAt(kStart + 100min), Ids{});
        QCOMPARE(h.firstDue(), iso(kStart + 115min));
    }

    void markStartedBeforeFirstTick() {
        // A "sync now" before the first tick still counts as the last run.
        Harness h;
        h.clock.set(kStart + 10min);
        h.scheduler.markStarted(1);
        h.conns = {connection(1, interval(15))};
        QCOMPARE(h.firstDue(), iso(kStart + 25min));
    }

    void startedAtIsTheClockAtConstruction() {
        FakeClock clock(kStart);
        Scheduler scheduler(clock);
        clock.advance(1h);
        QCOMPARE(iso(scheduler.startedAt()), iso(kStart));
        WallClock wall;
        const auto before = std::chrono::system_clock::now();
        QVERIFY(wall.now() >= before);
    }
};

QTEST_GUILESS_MAIN(TestScheduler)
#include "tst_scheduler.moc"
