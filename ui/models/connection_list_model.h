#pragma once

#include "engine/engine_types.h"
#include "models/table_model.h"

namespace sluice::ui {

// The connections on the left of the main window, fed by the engine's connectionsChanged signal. Updates
// in place when the same connections come again, so selection and scrolling survive the engine's polls.
class ConnectionListModel : public TableModel<sluice::core::ConnectionSummary> {
    Q_OBJECT
public:
    enum Column { Name, Route, Status, LastSync, NextRun, ColumnCount };
    enum Role { IdRole = Qt::UserRole + 1, StatusRole };

    explicit ConnectionListModel(QObject* parent = nullptr);

    void setConnections(const QVector<sluice::core::ConnectionSummary>& connections);
    // Live progress of a running job (0..1), between two lists from the engine.
    void setProgress(qint64 connectionId, double progress);
    const sluice::core::ConnectionSummary* connectionAt(int row) const { return rowAt(row); }
    int rowOf(qint64 id) const;

protected:
    QVariant cell(const sluice::core::ConnectionSummary& c, int column, int role) const override;
};

} // namespace sluice::ui
