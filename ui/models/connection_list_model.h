#pragma once

#include "engine/engine_types.h"

#include <QAbstractTableModel>

namespace sluice::ui {

// The connections on the left of the main window, fed by the engine's connectionsChanged signal.
class ConnectionListModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Name, Route, Status, LastSync, NextRun, ColumnCount };
    enum Role { IdRole = Qt::UserRole + 1 };

    explicit ConnectionListModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void setConnections(const QVector<sluice::core::ConnectionSummary>& connections);
    const sluice::core::ConnectionSummary* connectionAt(int row) const;
    int rowOf(qint64 id) const;

private:
    QVector<sluice::core::ConnectionSummary> m_rows;
};

} // namespace sluice::ui
