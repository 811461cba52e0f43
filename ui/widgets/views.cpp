#include "widgets/views.h"

#include <QHeaderView>
#include <QLabel>
#include <QTableView>

namespace sluice::ui {

namespace {
constexpr int kMeasuredRows = 100;
} // namespace

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
    // Widths from the first rows, not Qt's 1,000 by default: measuring every cell of a full page of stale
    // rows or diff lines stood the event loop still for 150 ms each time the table was filled.
    v->horizontalHeader()->setResizeContentsPrecision(kMeasuredRows);
    v->horizontalHeader()->setStretchLastSection(stretchLast);
    v->horizontalHeader()->setHighlightSections(false);
    return v;
}

void wrapWithinWidth(QLabel* label) {
    label->setWordWrap(true);
    // Ignored: the layout gives the label the width there is, and the wrapped height follows from it.
    QSizePolicy policy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    policy.setHeightForWidth(true);
    label->setSizePolicy(policy);
    label->setMinimumWidth(0);
}

QString elided(const QString& text, int maxChars) {
    if (text.size() <= maxChars)
        return text;
    return text.left(qMax(0, maxChars - 1)).trimmed() + QChar(0x2026);
}

} // namespace sluice::ui
