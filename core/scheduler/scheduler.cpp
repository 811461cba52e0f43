#include "scheduler/scheduler.h"

#include "config/cron_expression.h"

#include <algorithm>

namespace sluice::core {
namespace {

// Whether two schedules fire alike; fields the type does not use (minutes of a cron schedule) are ignored,
// so that reloading an unchanged connection does not reset when its schedule took effect.
bool sameSchedule(const Schedule& a, const Schedule& b) {
    if (a.type != b.type)
        return false;
    switch (a.type) {
    case Schedule::Type::Manual:
        return true;
    case Schedule::Type::Interval:
        return a.minutes == b.minutes;
    case Schedule::Type::Cron:
        return a.expression == b.expression;
    }
    return false;
}

std::optional<Clock::TimePoint> latest(std::optional<Clock::TimePoint> a, std::optional<Clock::TimePoint> b) {
    if (!a)
        return b;
    if (!b)
        return a;
    return std::max(*a, *b);
}

} // namespace

std::optional<Clock::TimePoint> nextRun(const Schedule& schedule, std::optional<Clock::TimePoint> lastRun,
                                        Clock::TimePoint since) {
    switch (schedule.type) {
    case Schedule::Type::Manual:
        return std::nullopt;
    case Schedule::Type::Interval:
        // Connection files refuse N < 1; a bad value from elsewhere never fires rather than firing every
        // tick.
        if (schedule.minutes < 1)
            return std::nullopt;
        return lastRun.value_or(since) + std::chrono::minutes{schedule.minutes};
    case Schedule::Type::Cron: {
        // Connection files refuse invalid expressions; one from elsewhere never fires. Parsing again at each
        // tick costs microseconds and keeps Schedule a plain value.
        auto cron = CronExpression::parse(schedule.expression);
        if (!cron)
            return std::nullopt;
        return cron->next(lastRun ? std::max(*lastRun, since) : since);
    }
    }
    return std::nullopt;
}

Scheduler::Scheduler(const Clock& clock) : m_clock(clock), m_startedAt(clock.now()) {}

Scheduler::Entry Scheduler::entryAt(const ScheduledConnection& connection, TimePoint now) const {
    const TimePoint takesEffect = m_ticked ? now : m_startedAt;
    const auto it = m_entries.find(connection.id);
    if (it == m_entries.end())
        return {connection.schedule, takesEffect, std::nullopt};
    Entry entry = it->second;
    if (!sameSchedule(entry.schedule, connection.schedule)) {
        // A changed schedule starts afresh: slots of the new schedule that lie before the change were
        // never promised. The last start is kept, so an interval still counts from the last run.
        entry.schedule = connection.schedule;
        entry.since = takesEffect;
    }
    return entry;
}

std::optional<Scheduler::TimePoint> Scheduler::nextRunAt(const ScheduledConnection& connection,
                                                         TimePoint now) const {
    const Entry entry = entryAt(connection, now);
    // The engine's lastRun lags behind a start it has just been asked for; the scheduler's own record of
    // that start closes the gap so the slot cannot fire twice.
    return sluice::core::nextRun(entry.schedule, latest(connection.lastRun, entry.lastStarted), entry.since);
}

std::optional<Scheduler::TimePoint> Scheduler::nextRun(const ScheduledConnection& connection) const {
    return nextRunAt(connection, m_clock.now());
}

std::vector<int64_t> Scheduler::due(const std::vector<ScheduledConnection>& connections) {
    const TimePoint now = m_clock.now();

    // Rebuilding the map forgets deleted connections, so a long-running engine does not accumulate them.
    std::map<int64_t, Entry> entries;
    for (const auto& connection : connections)
        entries.insert_or_assign(connection.id, entryAt(connection, now));
    m_entries = std::move(entries);
    m_ticked = true;

    std::vector<int64_t> ids;
    for (const auto& connection : connections) {
        // Blocked connections wait without queueing: their slot stays overdue, which makes them due once,
        // and only once, when the block clears (SPEC §4 for refreshes).
        if (connection.jobRunning || connection.refreshPending)
            continue;
        const auto next = nextRunAt(connection, now);
        if (next && *next <= now)
            ids.push_back(connection.id);
    }
    return ids;
}

void Scheduler::markStarted(int64_t id) {
    const TimePoint now = m_clock.now();
    auto it = m_entries.find(id);
    if (it == m_entries.end())
        // Not seen by due() yet (a "sync now" before the first tick): remember the start anyway; the
        // schedule is filled in, and takes effect, at the next due().
        it = m_entries.emplace(id, Entry{Schedule{}, now, std::nullopt}).first;
    it->second.lastStarted = now;
}

} // namespace sluice::core
