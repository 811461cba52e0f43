#pragma once

#include <QDateTime>
#include <QString>
#include <QTimeZone>

namespace sluice::ui {

// The schedule as the Settings tab's form has it (saved or not).
struct ScheduleForm {
    enum Kind { Manual, Interval, Cron } kind = Manual;
    int minutes = 60;
    QString expression;
};

// The line under the schedule: when it runs next, in the user's time zone, with the zone named. Cron
// expressions are read in UTC by the scheduler (core/config/cron_expression.h), so a cron preview also
// gives the UTC times when the zone is not UTC. An interval counts from the start of the last job
// (`lastJobStartedAt`, ISO UTC, empty if none) or, before any job, from when the schedule is saved. An
// invalid expression gives its parse error with `*error` set; manual gives "". `now` and `zone` are
// parameters so that the text can be tested exactly.
QString schedulePreview(const ScheduleForm& form, const QString& lastJobStartedAt, const QDateTime& now,
                        const QTimeZone& zone, bool* error = nullptr);

// "Europe/Berlin, UTC+01:00" at `at`.
QString zoneLabel(const QTimeZone& zone, const QDateTime& at);

} // namespace sluice::ui
