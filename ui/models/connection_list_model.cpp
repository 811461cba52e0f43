#include "models/connection_list_model.h"

#include "format.h"

#include <QHash>
#include <QIcon>
#include <QPainter>
#include <QPixmap>

namespace sluice::ui {

namespace {
// "source -> destination" as two icons with an arrow between them.
QIcon routeIcon(const QString& source, const QString& destination) {
    static QHash<QString, QIcon> cache;
    const QString key = source + QLatin1Char('>') + destination;
    if (auto it = cache.find(key); it != cache.end())
        return *it;
    QPixmap pm(44, 16);
    pm.fill(Qt::transparent);
    QPainter p(&pm);
    p.setRenderHint(QPainter::Antialiasing);
    QIcon(sourceIconPath(source)).paint(&p, QRect(0, 0, 16, 16));
    QPen pen(QColor(0x8b, 0x94, 0x9e), 1.5);
    p.setPen(pen);
    p.drawLine(QPointF(19, 8), QPointF(25, 8));
    p.drawLine(QPointF(22.5, 5.5), QPointF(25, 8));
    p.drawLine(QPointF(22.5, 10.5), QPointF(25, 8));
    QIcon(destinationIconPath(destination)).paint(&p, QRect(28, 0, 16, 16));
    p.end();
    QIcon icon;
    icon.addPixmap(pm);
    cache.insert(key, icon);
    return icon;
}
} // namespace

ConnectionListModel::ConnectionListModel(QObject* parent)
    : TableModel({tr("Connection"), tr("Route"), tr("Status"), tr("Last sync"), tr("Next run")}, parent) {}

QVariant ConnectionListModel::cell(const sluice::core::ConnectionSummary& c, int column, int role) const {
    if (role == IdRole)
        return c.id;
    if (role == StatusRole)
        return c.status;
    const bool running = c.status == QLatin1String("running");
    if (role == Qt::DisplayRole) {
        switch (column) {
        case Name:
            return c.name;
        case Route:
            return QString();
        case Status:
            if (running && c.progress >= 0)
                return tr("running %1%").arg(qRound(c.progress * 100));
            return connectionStatusText(c.status, c.lastSync);
        case LastSync:
            return formatRelative(c.lastSync);
        case NextRun:
            if (c.nextRun.isEmpty())
                return c.schedule == QLatin1String("manual") || c.schedule.isEmpty() ? tr("manual") : tr("—");
            return formatRelative(c.nextRun);
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (column) {
        case Name:
            return tr("%1 (id %2): %3 stream(s)").arg(c.name).arg(c.id).arg(c.streamCount);
        case Route:
            return tr("%1 \u2192 %2").arg(c.sourceType, c.destinationType);
        case Status:
            return c.statusMessage.isEmpty() ? connectionStatusText(c.status, c.lastSync) : c.statusMessage;
        case LastSync:
            return c.lastSync.isEmpty() ? tr("Never synced") : formatTime(c.lastSync);
        case NextRun:
            return c.nextRun.isEmpty() ? tr("Schedule: %1").arg(c.schedule)
                                       : tr("%1 (%2)").arg(formatTime(c.nextRun), c.schedule);
        }
    }
    if (role == Qt::DecorationRole) {
        if (column == Route)
            return routeIcon(c.sourceType, c.destinationType);
        if (column == Status)
            return statusIcon(connectionStatusText(c.status, c.lastSync));
    }
    if (role == Qt::AccessibleTextRole && column == Route)
        return tr("%1 to %2").arg(c.sourceType, c.destinationType);
    return {};
}

void ConnectionListModel::setConnections(const QVector<sluice::core::ConnectionSummary>& connections) {
    bool sameIds = connections.size() == rows().size();
    for (int i = 0; sameIds && i < connections.size(); ++i)
        sameIds = connections[i].id == rows()[i].id && connections[i].name == rows()[i].name;
    if (!sameIds) {
        setRows(connections);
        return;
    }
    for (int i = 0; i < connections.size(); ++i) {
        auto c = connections[i];
        // A progress the engine has not seen yet (it comes with jobProgress) is kept while running.
        if (c.status == QLatin1String("running") && c.progress < 0)
            c.progress = rows()[i].progress;
        replaceRow(i, c);
    }
}

void ConnectionListModel::setProgress(qint64 connectionId, double progress) {
    const int row = rowOf(connectionId);
    if (row < 0)
        return;
    auto c = rows()[row];
    c.progress = progress;
    c.status = QStringLiteral("running");
    replaceRow(row, c);
}

int ConnectionListModel::rowOf(qint64 id) const {
    for (int i = 0; i < rows().size(); ++i)
        if (rows()[i].id == id)
            return i;
    return -1;
}

} // namespace sluice::ui
