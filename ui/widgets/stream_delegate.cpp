#include "widgets/stream_delegate.h"

#include "models/stream_table_model.h"

#include <QApplication>
#include <QComboBox>
#include <QLineEdit>
#include <QPainter>

namespace sluice::ui {

QWidget* StreamDelegate::createEditor(QWidget* parent, const QStyleOptionViewItem& option,
                                      const QModelIndex& index) const {
    const QStringList choices = index.data(StreamTableModel::ChoicesRole).toStringList();
    switch (index.column()) {
    case StreamTableModel::Mode: {
        auto* combo = new QComboBox(parent);
        combo->addItems(choices);
        combo->setAccessibleName(tr("Sync mode"));
        // The choice applies as soon as it is picked, not when the editor loses focus.
        connect(combo, &QComboBox::activated, this,
                [this, combo] { emit const_cast<StreamDelegate*>(this)->commitData(combo); });
        return combo;
    }
    case StreamTableModel::Cursor:
    case StreamTableModel::PrimaryKey: {
        if (choices.isEmpty())
            return new QLineEdit(parent);
        auto* combo = new QComboBox(parent);
        combo->setEditable(index.column() == StreamTableModel::PrimaryKey); // "a, b" for composite keys
        combo->addItems(choices);
        combo->setAccessibleName(index.column() == StreamTableModel::Cursor ? tr("Cursor field")
                                                                            : tr("Primary key"));
        return combo;
    }
    }
    return QStyledItemDelegate::createEditor(parent, option, index);
}

void StreamDelegate::setEditorData(QWidget* editor, const QModelIndex& index) const {
    const QString value = index.data(Qt::EditRole).toString();
    if (auto* combo = qobject_cast<QComboBox*>(editor)) {
        const int i = combo->findText(value);
        if (i >= 0)
            combo->setCurrentIndex(i);
        else if (combo->isEditable())
            combo->setEditText(value);
        return;
    }
    if (auto* line = qobject_cast<QLineEdit*>(editor)) {
        line->setText(value);
        return;
    }
    QStyledItemDelegate::setEditorData(editor, index);
}

void StreamDelegate::setModelData(QWidget* editor, QAbstractItemModel* model,
                                  const QModelIndex& index) const {
    if (auto* combo = qobject_cast<QComboBox*>(editor)) {
        model->setData(index, combo->currentText(), Qt::EditRole);
        return;
    }
    if (auto* line = qobject_cast<QLineEdit*>(editor)) {
        model->setData(index, line->text(), Qt::EditRole);
        return;
    }
    QStyledItemDelegate::setModelData(editor, model, index);
}

void ProgressDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option,
                             const QModelIndex& index) const {
    const QVariant v = index.data(Qt::UserRole + 1);
    if (!v.isValid()) {
        QStyledItemDelegate::paint(painter, option, index);
        return;
    }
    QStyleOptionProgressBar bar;
    bar.rect = option.rect.adjusted(4, 3, -4, -3);
    bar.minimum = 0;
    bar.maximum = v.toInt() < 0 ? 0 : 100; // 0..0: busy, the source gives no estimate
    bar.progress = qMax(0, v.toInt());
    bar.text = index.data().toString();
    bar.textVisible = true;
    bar.state = option.state | QStyle::State_Horizontal;
    bar.palette = option.palette;
    QApplication::style()->drawControl(QStyle::CE_ProgressBar, &bar, painter);
}

} // namespace sluice::ui
