#include "models/refresh_choice_model.h"

#include "format.h"

namespace sluice::ui {

using sluice::core::RefreshStreamPreview;

RefreshChoiceModel::RefreshChoiceModel(QObject* parent)
    : TableModel({tr("Stream"), tr("Mode"), tr("Rows now"), tr("Refresh and retain records"),
                  tr("Refresh and remove records"), tr("Clear"), tr("Backfill a range")},
                 parent) {}

QString RefreshChoiceModel::kindOfColumn(int column) {
    switch (column) {
    case Retain:
        return QStringLiteral("retain");
    case Remove:
        return QStringLiteral("remove");
    case Clear:
        return QStringLiteral("clear");
    case Backfill:
        return QStringLiteral("backfill");
    }
    return {};
}

int RefreshChoiceModel::columnOfKind(const QString& kind) {
    if (kind == QLatin1String("retain"))
        return Retain;
    if (kind == QLatin1String("remove"))
        return Remove;
    if (kind == QLatin1String("clear"))
        return Clear;
    if (kind == QLatin1String("backfill"))
        return Backfill;
    return -1;
}

void RefreshChoiceModel::setPreview(const QVector<RefreshStreamPreview>& streams, const QString& preferred) {
    m_choices.clear();
    for (const auto& s : streams) {
        QString choice;
        if (!preferred.isEmpty() && ((preferred == QLatin1String("retain") && s.retainAvailable) ||
                                     (preferred == QLatin1String("remove") && s.removeAvailable) ||
                                     (preferred == QLatin1String("clear") && s.clearAvailable)))
            choice = preferred;
        else if (s.retainAvailable)
            choice = QStringLiteral("retain");
        m_choices << choice;
    }
    setRows(streams);
    emit choicesChanged();
}

bool RefreshChoiceModel::isAvailable(int row, const QString& kind) const {
    const RefreshStreamPreview* s = rowAt(row);
    if (!s)
        return false;
    if (kind == QLatin1String("retain"))
        return s->retainAvailable;
    if (kind == QLatin1String("remove"))
        return s->removeAvailable;
    if (kind == QLatin1String("clear"))
        return s->clearAvailable;
    if (kind == QLatin1String("backfill"))
        return s->backfillAvailable;
    return kind.isEmpty();
}

Qt::ItemFlags RefreshChoiceModel::flags(const QModelIndex& index) const {
    if (!isCell(index))
        return Qt::NoItemFlags;
    const QString kind = kindOfColumn(index.column());
    if (kind.isEmpty())
        return Qt::ItemIsEnabled | Qt::ItemIsSelectable;
    // Unavailable options are disabled: shown, greyed, with the reason as tooltip.
    return isAvailable(index.row(), kind) ? Qt::ItemIsEnabled | Qt::ItemIsUserCheckable
                                          : Qt::ItemIsUserCheckable;
}

int RefreshChoiceModel::rowOf(const RefreshStreamPreview& s) const {
    for (int i = 0; i < rows().size(); ++i)
        if (rows()[i].name == s.name)
            return i;
    return -1;
}

QVariant RefreshChoiceModel::cell(const RefreshStreamPreview& s, int column, int role) const {
    const QString kind = kindOfColumn(column);
    if (!kind.isEmpty()) {
        if (role == Qt::CheckStateRole)
            return m_choices.value(rowOf(s)) == kind ? Qt::Checked : Qt::Unchecked;
        if (role == Qt::ToolTipRole) {
            const QString reason = kind == QLatin1String("retain")     ? s.retainReason
                                   : kind == QLatin1String("remove")   ? s.removeReason
                                   : kind == QLatin1String("backfill") ? s.backfillReason
                                                                       : s.clearReason;
            return reason.isEmpty() ? tr("Available for %1").arg(s.mode) : reason;
        }
        if (role == Qt::AccessibleTextRole)
            return tr("%1: %2").arg(s.name, headerData(column, Qt::Horizontal).toString());
        return {};
    }
    if (role == Qt::DisplayRole) {
        switch (column) {
        case Stream:
            return s.name;
        case Mode:
            return s.mode;
        case RowsNow:
            return formatCount(s.rowsNow);
        }
    }
    if (role == Qt::TextAlignmentRole && column == RowsNow)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

bool RefreshChoiceModel::setData(const QModelIndex& index, const QVariant& value, int role) {
    const QString kind = kindOfColumn(index.column());
    if (role != Qt::CheckStateRole || kind.isEmpty() || !isAvailable(index.row(), kind))
        return false;
    // Exclusive like radio buttons; unchecking the chosen option leaves the stream to sync normally.
    m_choices[index.row()] = value.toInt() == Qt::Checked ? kind : QString();
    emit dataChanged(this->index(index.row(), Retain), this->index(index.row(), Backfill));
    emit choicesChanged();
    return true;
}

bool RefreshChoiceModel::choose(const QString& stream, const QString& kind) {
    for (int i = 0; i < rows().size(); ++i) {
        if (rows()[i].name != stream)
            continue;
        if (kind.isEmpty()) {
            m_choices[i].clear();
            emit dataChanged(index(i, Retain), index(i, Backfill));
            emit choicesChanged();
            return true;
        }
        return setData(index(i, columnOfKind(kind)), Qt::Checked, Qt::CheckStateRole);
    }
    return false;
}

QVector<sluice::core::RefreshChoice> RefreshChoiceModel::choices() const {
    QVector<sluice::core::RefreshChoice> out;
    for (int i = 0; i < rows().size(); ++i)
        if (!m_choices.value(i).isEmpty())
            out.push_back({rows()[i].name, m_choices[i],
                           m_choices[i] == QLatin1String("backfill") ? m_from : QString(),
                           m_choices[i] == QLatin1String("backfill") ? m_to : QString()});
    return out;
}

void RefreshChoiceModel::setRange(const QString& from, const QString& to) {
    m_from = from.trimmed();
    m_to = to.trimmed();
    emit choicesChanged();
}

} // namespace sluice::ui
