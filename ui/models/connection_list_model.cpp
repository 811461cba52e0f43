#include "models/connection_list_model.h"

#include <QIcon>

namespace sluice::ui {

ConnectionListModel::ConnectionListModel(QObject* parent) : QAbstractTableModel(parent) {}

int ConnectionListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int ConnectionListModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant ConnectionListModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const auto& c = m_rows[index.row()];
    if (role == IdRole)
        return c.id;
    if (role == Qt::DisplayRole || role == Qt::ToolTipRole) {
        switch (index.column()) {
        case Name:
            return c.name;
        case Route:
            return QStringLiteral("%1 \u2192 %2").arg(c.sourceType, c.destinationType);
        case Status:
            if (c.progress >= 0 && c.status == QLatin1String("running"))
                return QStringLiteral("running %1%").arg(qRound(c.progress * 100));
            return c.status;
        case LastSync:
            return c.lastSync.isEmpty() ? QStringLiteral("never") : c.lastSync;
        case NextRun:
            return c.nextRun.isEmpty() ? QStringLiteral("manual") : c.nextRun;
        }
    }
    if (role == Qt::DecorationRole && index.column() == Name)
        return QIcon(QStringLiteral(":/icons/source-%1.svg").arg(c.sourceType));
    return {};
}

QVariant ConnectionListModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Name:
        return tr("Connection");
    case Route:
        return tr("Source \u2192 Destination");
    case Status:
        return tr("Status");
    case LastSync:
        return tr("Last sync");
    case NextRun:
        return tr("Next run");
    }
    return {};
}

void ConnectionListModel::setConnections(const QVector<sluice::core::ConnectionSummary>& connections) {
    beginResetModel();
    m_rows = connections;
    endResetModel();
}

const sluice::core::ConnectionSummary* ConnectionListModel::connectionAt(int row) const {
    return row >= 0 && row < m_rows.size() ? &m_rows[row] : nullptr;
}

int ConnectionListModel::rowOf(qint64 id) const {
    for (int i = 0; i < m_rows.size(); ++i)
        if (m_rows[i].id == id)
            return i;
    return -1;
}

} // namespace sluice::ui
