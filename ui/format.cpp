#include "format.h"

#include "connectors/connector_specs.h"

#include <QDateTime>
#include <QFile>
#include <QLocale>
#include <QPainter>
#include <QPixmap>

namespace sluice::ui {

namespace {
QDateTime parse(const QString& iso) {
    QDateTime t = QDateTime::fromString(iso, Qt::ISODateWithMs);
    if (!t.isValid())
        t = QDateTime::fromString(iso, Qt::ISODate);
    return t;
}

QIcon dot(const QColor& color, bool ring = false) {
    QPixmap pm(16, 16);
    pm.fill(Qt::transparent);
    QPainter p(&pm);
    p.setRenderHint(QPainter::Antialiasing);
    if (ring) {
        p.setPen(QPen(color, 2));
        p.setBrush(Qt::NoBrush);
        p.drawEllipse(QRectF(3, 3, 10, 10));
    } else {
        p.setPen(Qt::NoPen);
        p.setBrush(color);
        p.drawEllipse(QRectF(3, 3, 10, 10));
    }
    return QIcon(pm);
}
} // namespace

QString formatTime(const QString& isoUtc) {
    const QDateTime t = parse(isoUtc);
    if (!t.isValid())
        return isoUtc;
    return t.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

QString formatRelative(const QString& isoUtc) {
    if (isoUtc.isEmpty())
        return QObject::tr("never");
    const QDateTime t = parse(isoUtc);
    if (!t.isValid())
        return isoUtc;
    const qint64 secs = QDateTime::currentDateTimeUtc().secsTo(t);
    const qint64 a = qAbs(secs);
    QString amount;
    if (a < 60)
        amount = QObject::tr("%n s", nullptr, int(a));
    else if (a < 3600)
        amount = QObject::tr("%n min", nullptr, int(a / 60));
    else if (a < 86400)
        amount = QObject::tr("%n h", nullptr, int(a / 3600));
    else
        return t.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm"));
    if (a < 5)
        return QObject::tr("just now");
    return secs < 0 ? QObject::tr("%1 ago").arg(amount) : QObject::tr("in %1").arg(amount);
}

QString formatSeconds(double seconds) {
    if (seconds < 0)
        return QStringLiteral("—");
    const qint64 s = qRound64(seconds);
    if (s < 60)
        return QObject::tr("%1 s").arg(s);
    if (s < 3600)
        return QObject::tr("%1 min %2 s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    return QObject::tr("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60, 2, 10, QLatin1Char('0'));
}

QString formatDuration(const QString& startIso, const QString& endIso) {
    const QDateTime start = parse(startIso);
    if (!start.isValid())
        return QStringLiteral("—");
    const QDateTime end = endIso.isEmpty() ? QDateTime::currentDateTimeUtc() : parse(endIso);
    if (!end.isValid())
        return QStringLiteral("—");
    return formatSeconds(start.msecsTo(end) / 1000.0);
}

QString formatCount(qint64 n) {
    return n < 0 ? QStringLiteral("—") : QLocale().toString(n);
}

QString formatBytes(qint64 bytes) {
    if (bytes < 0)
        return QStringLiteral("—");
    return QLocale().formattedDataSize(bytes, 1, QLocale::DataSizeSIFormat);
}

QString formatNumber(double v) {
    QString s = QLocale().toString(v, 'f', 2);
    const QString zeros = QLocale().decimalPoint() + QStringLiteral("00");
    if (s.endsWith(zeros))
        s.chop(zeros.size());
    return s;
}

QIcon statusIcon(const QString& status) {
    static const QColor green(0x2e, 0xa0, 0x43), blue(0x2f, 0x81, 0xf7), red(0xe5, 0x48, 0x4d),
        orange(0xf0, 0x9a, 0x1a), grey(0x8b, 0x94, 0x9e);
    if (status.startsWith(QLatin1String("running")))
        return dot(blue);
    if (status == QLatin1String("succeeded") || status == QLatin1String("idle"))
        return dot(green);
    if (status == QLatin1String("failed"))
        return dot(red);
    if (status == QLatin1String("blocked") || status == QLatin1String("needs attention"))
        return dot(orange);
    if (status == QLatin1String("refresh pending") || status == QLatin1String("cancelled"))
        return dot(orange, true);
    return dot(grey, true);
}

QString connectionStatusText(const QString& status, const QString& lastSync) {
    if (status == QLatin1String("idle") && lastSync.isEmpty())
        return QObject::tr("not synced yet");
    return status;
}

QString sourceIconPath(const QString& type) {
    const QString path = QStringLiteral(":/icons/source-%1.svg").arg(type);
    return QFile::exists(path) ? path : QStringLiteral(":/icons/sluice.svg");
}

QString destinationIconPath(const QString& type) {
    const QString path = QStringLiteral(":/icons/destination-%1.svg").arg(type);
    return QFile::exists(path) ? path : QStringLiteral(":/icons/destination-sqlite.svg");
}

QString displayName(bool source, const QString& type) {
    return QString::fromStdString(core::connectorDisplayName(
        source ? core::ConnectorRole::Source : core::ConnectorRole::Destination, type.toStdString()));
}

QString errorColorName() {
    return QStringLiteral("#e5484d");
}

} // namespace sluice::ui
