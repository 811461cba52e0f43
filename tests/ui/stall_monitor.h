#pragma once

// How long the GUI thread's event loop stood still, by its own doing. A 10 ms timer ticks on the thread; the
// gap between two ticks, less the time the kernel kept the thread waiting for a core (its run-queue wait in
// /proc/self/task/<tid>/schedstat), is time the thread spent working or blocked instead of handling events.
// Without that correction a loaded 2-core CI machine would be measured rather than the window.
#include <QElapsedTimer>
#include <QFile>
#include <QTimer>
#include <QtTest>
#include <algorithm>
#include <sys/syscall.h>
#include <unistd.h>

namespace sluice::test {

class StallMonitor {
public:
    StallMonitor() : m_schedstat(QStringLiteral("/proc/self/task/%1/schedstat").arg(::syscall(SYS_gettid))) {
        QObject::connect(&m_ticker, &QTimer::timeout, [this] { tick(); });
    }

    void start() {
        m_longest = m_longestRaw = 0;
        m_lastWaitNs = runQueueWaitNs();
        m_since.start();
        m_ticker.start(10);
    }
    void stop() {
        tick();
        m_ticker.stop();
    }
    // The longest stall of the thread's own making, in milliseconds.
    qint64 longest() const { return m_longest; }
    // The longest gap between ticks as the clock saw it (the machine's load included).
    qint64 longestRaw() const { return m_longestRaw; }
    bool corrects() const { return m_lastWaitNs >= 0; }

private:
    void tick() {
        const qint64 gap = m_since.restart();
        const qint64 wait = runQueueWaitNs();
        qint64 own = gap;
        if (wait >= 0 && m_lastWaitNs >= 0)
            own = std::max<qint64>(0, gap - (wait - m_lastWaitNs) / 1000000);
        m_lastWaitNs = wait;
        m_longest = std::max(m_longest, own);
        m_longestRaw = std::max(m_longestRaw, gap);
    }
    // Nanoseconds the thread has waited on a run queue since it began; -1 where the kernel does not say.
    qint64 runQueueWaitNs() const {
        QFile f(m_schedstat);
        if (!f.open(QIODevice::ReadOnly))
            return -1;
        const QList<QByteArray> fields = f.readAll().simplified().split(' ');
        bool ok = false;
        const qint64 wait = fields.size() >= 2 ? fields[1].toLongLong(&ok) : -1;
        return ok ? wait : -1;
    }

    QString m_schedstat;
    QTimer m_ticker;
    QElapsedTimer m_since;
    qint64 m_lastWaitNs = -1;
    qint64 m_longest = 0;
    qint64 m_longestRaw = 0;
};

// Runs the event loop for `ms` and returns the longest stall of the thread's own making.
inline qint64 longestStall(int ms) {
    StallMonitor monitor;
    monitor.start();
    QElapsedTimer total;
    total.start();
    while (total.elapsed() < ms)
        QTest::qWait(ms - int(total.elapsed()));
    monitor.stop();
    return monitor.longest();
}

} // namespace sluice::test
