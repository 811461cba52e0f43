#pragma once

#include "engine/engine_types.h"
#include "models/table_model.h"

namespace sluice::ui {

// The generations of one stream; the current one is shown in bold.
class GenerationModel : public TableModel<sluice::core::GenerationInfo> {
    Q_OBJECT
public:
    enum Column { Generation, CreatedBy, Reason, Time, RowsWritten, RowsVisible, ColumnCount };
    enum Role { GenerationRole = Qt::UserRole + 1 };
    explicit GenerationModel(QObject* parent = nullptr);
    void setReport(const QVector<sluice::core::GenerationInfo>& generations, qint64 current);
    qint64 current() const { return m_current; }
    static QString reasonLabel(const QString& reason);

protected:
    QVariant cell(const sluice::core::GenerationInfo& g, int column, int role) const override;

private:
    qint64 m_current = -1;
};

// count, sum and average of one column per generation.
class AggregateModel : public TableModel<sluice::core::AggregateRow> {
    Q_OBJECT
public:
    enum Column { Generation, Count, Sum, Average, ColumnCount };
    explicit AggregateModel(QObject* parent = nullptr);
    void setColumnName(const QString& column);

protected:
    QVariant cell(const sluice::core::AggregateRow& a, int column, int role) const override;
};

// Rows whose columns come with the data: stale rows, diffs. Exportable as CSV.
class RowSetModel : public TableModel<QStringList> {
    Q_OBJECT
public:
    explicit RowSetModel(QObject* parent = nullptr);
    void setRowSet(const sluice::core::RowSet& rows);
    sluice::core::RowSet rowSet() const;

protected:
    QVariant cell(const QStringList& row, int column, int role) const override;
};

// A diff as one table: change (added, removed, changed), key, field, before, after.
sluice::core::RowSet diffRows(const sluice::core::DiffReport& diff);

} // namespace sluice::ui
