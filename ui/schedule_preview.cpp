#include "schedule_preview.h"

#include "config/cron_expression.h"

#include <QLocale>
#include <QObject>
#include <QStringList>
#include <chrono>

namespace sluice::ui {

namespace {
using TimePoint = std::chrono::system_clock::time_point;

TimePoint toTimePoint(const QDateTime& t) {
    return TimePoint{std::chrono::milliseconds{t.toMSecsSinceEpoch()}};
}

QDateTime toDateTime(TimePoint t) {
    return QDateTime::fromMSecsSinceEpoch(
        std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count(),
        QTimeZone::utc());
}

// "Wed 2 Dec 14:00, 14:15, Thu 3 Dec 00:00": the day only where it changes.
QString timeList(const QList<QDateTime>& times, const QTimeZone& zone) {
    QStringList parts;
    QDate day;
    for (const QDateTime& utc : times) {
        const QDateTime t = utc.toTimeZone(zone);
        const bool newDay = t.date() != day;
        day = t.date();
        parts << QLocale().toString(t, newDay ? QStringLiteral("ddd d MMM HH:mm") : QStringLiteral("HH:mm"));
    }
    return parts.join(QStringLiteral(", "));
}

bool sameAsUtc(const QList<QDateTime>& times, const QTimeZone& zone) {
    for (const QDateTime& t : times)
        if (zone.offsetFromUtc(t) != 0)
            return false;
    return true;
}
} // namespace

QString zoneLabel(const QTimeZone& zone, const QDateTime& at) {
    const int offset = zone.offsetFromUtc(at);
    const int minutes = qAbs(offset) / 60;
    const QString utc = QStringLiteral("UTC%1%2:%3")
                            .arg(offset < 0 ? QLatin1Char('-') : QLatin1Char('+'))
                            .arg(minutes / 60, 2, 10, QLatin1Char('0'))
                            .arg(minutes % 60, 2, 10, QLatin1Char('0'));
    const QString id = QString::fromUtf8(zone.id());
    return id.isEmpty() || id == QLatin1String("UTC") ? utc : id + QStringLiteral(", ") + utc;
}

QString schedulePreview(const ScheduleForm& form, const QString& lastJobStartedAt, const QDateTime& now,
                        const QTimeZone& zone, bool* error) {
    if (error)
        *error = false;
    if (form.kind == ScheduleForm::Interval) {
        const QDateTime last = QDateTime::fromString(lastJobStartedAt, Qt::ISODateWithMs);
        const QString unit =
            form.minutes == 1 ? QObject::tr("1 minute") : QObject::tr("%1 minutes").arg(form.minutes);
        if (!last.isValid()) {
            const QDateTime next = now.addSecs(60LL * form.minutes);
            return QObject::tr("Next run: %1 (%2), %3 after saving, as no job has run yet.")
                .arg(timeList({next}, zone), zoneLabel(zone, next), unit);
        }
        const QDateTime next = last.addSecs(60LL * form.minutes);
        if (next <= now)
            return QObject::tr("Next run: now, as the last job started more than %1 ago.").arg(unit);
        return QObject::tr("Next run: %1 (%2), %3 after the last job started.")
            .arg(timeList({next}, zone), zoneLabel(zone, next), unit);
    }
    if (form.kind != ScheduleForm::Cron)
        return {};
    auto cron = core::CronExpression::parse(form.expression.trimmed().toStdString());
    if (!cron) {
        if (error)
            *error = true;
        return QString::fromStdString(cron.error().message);
    }
    QList<QDateTime> times;
    TimePoint after = toTimePoint(now);
    for (int i = 0; i < 3; ++i) {
        auto next = cron->next(after);
        if (!next)
            break;
        times << toDateTime(*next);
        after = *next;
    }
    if (times.isEmpty())
        return QObject::tr("This expression never runs: no date matches it in the next %1 years.")
            .arg(core::CronExpression::kSearchYears);
    if (sameAsUtc(times, zone))
        return QObject::tr("Next runs: %1 (%2). Cron times are UTC.")
            .arg(timeList(times, zone), zoneLabel(zone, times.front()));
    return QObject::tr("Next runs: %1 your time (%2). Cron times are UTC: %3 UTC.")
        .arg(timeList(times, zone), zoneLabel(zone, times.front()), timeList(times, QTimeZone::utc()));
}

} // namespace sluice::ui
