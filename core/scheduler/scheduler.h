#pragma once

#include "config/connection_config.h"

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

namespace sluice::core {

// Where the scheduler reads the time. An interface, so that tests drive the scheduler with a clock they
// advance by hand instead of sleeping through real minutes.
class Clock {
public:
    using TimePoint = std::chrono::system_clock::time_point;
    virtual ~Clock() = default;
    virtual TimePoint now() const = 0;
};

// The real clock. Not called SystemClock: util/time_util.h already names std::chrono::system_clock so in
// this namespace, and both headers must be usable in one file.
class WallClock : public Clock {
public:
    TimePoint now() const override { return std::chrono::system_clock::now(); }
};

// What the scheduler needs to know of one connection at a tick; the engine fills it from the store.
struct ScheduledConnection {
    int64_t id = 0;
    Schedule schedule;
    // When the last job of the connection STARTED, whatever started it (schedule, "sync now", CLI).
    // Starts, not ends: a 10-minute job "every 60 minutes" starts every 60 minutes, not every 70. A job that
    // overruns its interval is followed by one catch-up run as soon as it ends.
    std::optional<Clock::TimePoint> lastRun;
    bool jobRunning = false;     // any job of this connection is running
    bool refreshPending = false; // a refresh is pending or running (SPEC §4: scheduled syncs wait)
};

// When a schedule is next due: nullopt for manual schedules, impossible or invalid cron expressions.
// `since` is when the schedule took effect: the scheduler's start, or later when the connection was added
// or its schedule changed. The result may lie in the past: the run is overdue and due at once.
//  - interval, has run:   lastRun + N minutes.
//  - interval, never ran: since + N minutes. A new connection does not start copying the moment its file is
//    imported (the user may still be reviewing it; "sync now" is there for an immediate run), and N minutes
//    later is what "every N minutes" promises.
//  - cron: the first slot strictly after the later of lastRun and since. Slots that passed while Sluice was
//    not running are not made up at start: cron promises times of day, and a 09:00 report run at 14:30
//    because the laptop was asleep is a surprise, not a service.
std::optional<Clock::TimePoint> nextRun(const Schedule& schedule, std::optional<Clock::TimePoint> lastRun,
                                        Clock::TimePoint since);

// Decides which connections are due. Pure logic: no threads, no timers, no Qt. The engine calls due() on
// a timer tick (any period up to a minute: cron has minute resolution), starts a sync for each id returned
// and calls markStarted() for it.
//
// Blocked connections (a job running, a refresh pending or running) are left out and simply wait. A blocked
// slot is not queued: once the block clears, the overdue schedule makes the connection due ONCE, and
// markStarted() then moves it to the first slot after that catch-up run. Ten interval slots missed behind a
// long job give one run, not ten.
class Scheduler {
public:
    using TimePoint = Clock::TimePoint;

    // The clock must outlive the scheduler. Its time now is the scheduler's start (see nextRun()).
    explicit Scheduler(const Clock& clock);

    // The ids of the connections whose scheduled time has come and which are not blocked, in input order.
    // Expects every connection at each call: a connection missing from the list is forgotten, and one seen
    // for the first time, or with a changed schedule, is scheduled from now.
    std::vector<int64_t> due(const std::vector<ScheduledConnection>& connections);

    // Records that a job of connection `id` started now, so that the slot it served does not fire again
    // on the next tick, before the engine's lastRun reflects the new job. A connection returned by due()
    // but not marked stays due on the next tick, which is how a start that could not happen is retried.
    void markStarted(int64_t id);

    // When the connection is next due as the scheduler sees it now (for the GUI's "next run" column);
    // in the past while a blocked connection waits.
    std::optional<TimePoint> nextRun(const ScheduledConnection& connection) const;

    TimePoint startedAt() const { return m_startedAt; }

private:
    // What the scheduler remembers of a connection between ticks.
    struct Entry {
        Schedule schedule;
        TimePoint since;                      // when this schedule took effect
        std::optional<TimePoint> lastStarted; // the last markStarted()
    };

    // The entry of `connection` as of `now`, as due() will remember it: new, or with a changed schedule,
    // it takes effect now (at the scheduler's start until the first tick).
    Entry entryAt(const ScheduledConnection& connection, TimePoint now) const;
    std::optional<TimePoint> nextRunAt(const ScheduledConnection& connection, TimePoint now) const;

    const Clock& m_clock;
    TimePoint m_startedAt;
    // False until the first due(): connections known at start are scheduled from the start, even when the
    // engine's first tick comes a little later, so a slot in between is not lost.
    bool m_ticked = false;
    std::map<int64_t, Entry> m_entries;
};

} // namespace sluice::core
