#pragma once

#include <QAbstractTableModel>
#include <QStringList>
#include <QVector>

namespace sluice::ui {

// A table over a vector of plain rows from the engine: subclasses say what a cell shows. Columns are the
// subclass's enum; headers are given once (or with the rows, for tables whose columns come with the data).
template <typename Row> class TableModel : public QAbstractTableModel {
public:
    explicit TableModel(QStringList headers, QObject* parent = nullptr)
        : QAbstractTableModel(parent), m_headers(std::move(headers)) {}

    int rowCount(const QModelIndex& parent = {}) const override {
        return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
    }
    int columnCount(const QModelIndex& parent = {}) const override {
        return parent.isValid() ? 0 : static_cast<int>(m_headers.size());
    }
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override {
        if (!isCell(index))
            return {};
        return cell(m_rows[index.row()], index.column(), role);
    }
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override {
        if (orientation == Qt::Horizontal && role == Qt::DisplayRole && section >= 0 &&
            section < m_headers.size())
            return m_headers[section];
        return {};
    }

    void setRows(QVector<Row> rows) {
        beginResetModel();
        m_rows = std::move(rows);
        endResetModel();
    }
    void setRows(QVector<Row> rows, QStringList headers) {
        beginResetModel();
        m_rows = std::move(rows);
        m_headers = std::move(headers);
        endResetModel();
    }
    void appendRows(const QVector<Row>& rows) {
        if (rows.isEmpty())
            return;
        const int first = static_cast<int>(m_rows.size());
        beginInsertRows({}, first, first + static_cast<int>(rows.size()) - 1);
        m_rows += rows;
        endInsertRows();
    }
    void replaceRow(int row, Row value) {
        m_rows[row] = std::move(value);
        emit dataChanged(index(row, 0), index(row, columnCount() - 1));
    }
    // Cells whose text depends on the time ("3 min ago") are asked again.
    void refreshColumns(int first, int last) {
        if (!m_rows.isEmpty())
            emit dataChanged(index(0, first), index(static_cast<int>(m_rows.size()) - 1, last),
                             {Qt::DisplayRole, Qt::ToolTipRole});
    }
    const QVector<Row>& rows() const { return m_rows; }
    const Row* rowAt(int row) const { return row >= 0 && row < m_rows.size() ? &m_rows[row] : nullptr; }
    const QStringList& headers() const { return m_headers; }
    // A cell of this table (views and proxies also ask about invalid indexes: no warning for those).
    bool isCell(const QModelIndex& index) const {
        return index.isValid() && index.model() == this && index.row() < m_rows.size() &&
               index.column() < m_headers.size();
    }

protected:
    virtual QVariant cell(const Row& row, int column, int role) const = 0;
    Row& mutableRow(int row) { return m_rows[row]; }

private:
    QVector<Row> m_rows;
    QStringList m_headers;
};

} // namespace sluice::ui
