#include "models/generation_models.h"

#include "format.h"

#include <QFont>

namespace sluice::ui {

namespace {
QVariant rightAligned() {
    return QVariant(Qt::AlignRight | Qt::AlignVCenter);
}
} // namespace

GenerationModel::GenerationModel(QObject* parent)
    : TableModel(
          {tr("Generation"), tr("Created by"), tr("Why"), tr("Time"), tr("Rows written"), tr("Rows visible")},
          parent) {}

QString GenerationModel::reasonLabel(const QString& reason) {
    if (reason == QLatin1String("sync"))
        return tr("sync");
    if (reason == QLatin1String("full_refresh"))
        return tr("full refresh");
    if (reason == QLatin1String("refresh_retain"))
        return tr("refresh (retain records)");
    if (reason == QLatin1String("refresh_remove"))
        return tr("refresh (remove records)");
    if (reason == QLatin1String("clear"))
        return tr("clear");
    if (reason == QLatin1String("backfill"))
        return tr("backfill (a cursor range)");
    return reason.isEmpty() ? tr("unknown") : reason;
}

void GenerationModel::setReport(const QVector<sluice::core::GenerationInfo>& generations, qint64 current) {
    m_current = current;
    setRows(generations);
}

QVariant GenerationModel::cell(const sluice::core::GenerationInfo& g, int column, int role) const {
    if (role == GenerationRole)
        return g.generation;
    if (role == Qt::DisplayRole) {
        switch (column) {
        case Generation:
            return g.generation == m_current ? tr("%1 (current)").arg(g.generation)
                                             : QString::number(g.generation);
        case CreatedBy:
            return g.jobId ? tr("job #%1").arg(g.jobId) : QStringLiteral("—");
        case Reason:
            return reasonLabel(g.reason);
        case Time:
            return g.createdAt.isEmpty() ? QStringLiteral("—") : formatTime(g.createdAt);
        case RowsWritten:
            return formatCount(g.rowsWritten);
        case RowsVisible:
            return formatCount(g.rowsVisible);
        }
    }
    if (role == Qt::FontRole && g.generation == m_current) {
        QFont f;
        f.setBold(true);
        return f;
    }
    if (role == Qt::TextAlignmentRole && (column == RowsWritten || column == RowsVisible))
        return rightAligned();
    if (role == Qt::ToolTipRole && column == RowsWritten)
        return tr("Every version delivered in this generation that is still stored");
    if (role == Qt::ToolTipRole && column == RowsVisible)
        return tr("Rows of this generation in the final table now");
    return {};
}

AggregateModel::AggregateModel(QObject* parent)
    : TableModel({tr("Generation"), tr("Rows"), tr("Sum"), tr("Average")}, parent) {}

void AggregateModel::setColumnName(const QString& column) {
    setRows(rows(), {tr("Generation"), tr("Rows"), tr("sum(%1)").arg(column), tr("avg(%1)").arg(column)});
}

QVariant AggregateModel::cell(const sluice::core::AggregateRow& a, int column, int role) const {
    if (role == Qt::DisplayRole) {
        switch (column) {
        case Generation:
            return a.generation;
        case Count:
            return formatCount(a.count);
        case Sum:
            return formatNumber(a.sum);
        case Average:
            return formatNumber(a.average);
        }
    }
    if (role == Qt::TextAlignmentRole && column != Generation)
        return rightAligned();
    return {};
}

RowSetModel::RowSetModel(QObject* parent) : TableModel({}, parent) {}

void RowSetModel::setRowSet(const sluice::core::RowSet& rows) {
    setRows(rows.rows, rows.columns);
}

sluice::core::RowSet RowSetModel::rowSet() const {
    return {headers(), rows()};
}

QVariant RowSetModel::cell(const QStringList& row, int column, int role) const {
    if (role == Qt::DisplayRole || role == Qt::ToolTipRole)
        return row.value(column);
    return {};
}

sluice::core::RowSet diffRows(const sluice::core::DiffReport& diff) {
    sluice::core::RowSet out;
    out.columns = {QObject::tr("Change"), QObject::tr("Key"), QObject::tr("Field"), QObject::tr("Before"),
                   QObject::tr("After")};
    auto keyOf = [&diff](const sluice::core::RowSet& set, const QStringList& row) {
        QStringList parts;
        for (const auto& k : diff.keyColumns)
            parts << QStringLiteral("%1=%2").arg(k, row.value(set.columns.indexOf(k)));
        return parts.join(QStringLiteral(", "));
    };
    auto whole = [](const sluice::core::RowSet& set, const QStringList& row) {
        QStringList parts;
        for (int i = 0; i < set.columns.size(); ++i)
            parts << QStringLiteral("%1=%2").arg(set.columns[i], row.value(i));
        return parts.join(QStringLiteral(", "));
    };
    for (const auto& r : diff.added.rows)
        out.rows.push_back(
            {QObject::tr("added"), keyOf(diff.added, r), QString(), QString(), whole(diff.added, r)});
    for (const auto& r : diff.removed.rows)
        out.rows.push_back(
            {QObject::tr("removed"), keyOf(diff.removed, r), QString(), whole(diff.removed, r), QString()});
    for (const auto& c : diff.changed)
        for (int i = 0; i < c.fields.size(); ++i)
            out.rows.push_back({QObject::tr("changed"), c.key, c.fields[i], c.from.value(i), c.to.value(i)});
    const int deletedAt = diff.deleted.columns.indexOf(QStringLiteral("_ab_cdc_deleted_at"));
    for (const auto& r : diff.deleted.rows)
        out.rows.push_back({QObject::tr("deleted in the source"), keyOf(diff.deleted, r),
                            QStringLiteral("_ab_cdc_deleted_at"), QString(), r.value(deletedAt)});
    return out;
}

} // namespace sluice::ui
