#pragma once

#include <QStyledItemDelegate>

namespace sluice::ui {

// Editors of the streams table: a drop-down of the modes the stream supports, and pickers of the stream's
// columns for the cursor and the primary key (typed in when the columns are not known yet).
class StreamDelegate : public QStyledItemDelegate {
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    QWidget* createEditor(QWidget* parent, const QStyleOptionViewItem& option,
                          const QModelIndex& index) const override;
    void setEditorData(QWidget* editor, const QModelIndex& index) const override;
    void setModelData(QWidget* editor, QAbstractItemModel* model, const QModelIndex& index) const override;
};

// Draws a progress bar in cells whose ProgressRole (UserRole + 1) is 0..100.
class ProgressDelegate : public QStyledItemDelegate {
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override;
};

} // namespace sluice::ui
