#include "widgets/views.h"

#include <QHeaderView>
#include <QTableView>

namespace sluice::ui {

QTableView* makeTableView(QAbstractItemModel* model, const QString& accessibleName, bool stretchLast) {
    auto* v = new QTableView;
    v->setModel(model);
    v->setAccessibleName(accessibleName);
    v->setSelectionBehavior(QAbstractItemView::SelectRows);
    v->setSelectionMode(QAbstractItemView::SingleSelection);
    v->setEditTriggers(QAbstractItemView::NoEditTriggers);
    v->verticalHeader()->hide();
    v->setShowGrid(false);
    v->setAlternatingRowColors(true);
    v->setWordWrap(false);
    v->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    v->horizontalHeader()->setStretchLastSection(stretchLast);
    v->horizontalHeader()->setHighlightSections(false);
    return v;
}

} // namespace sluice::ui
