#pragma once

#include <QString>

class QAbstractItemModel;
class QTableView;

namespace sluice::ui {

// A read-only table view the way every table of Sluice looks: rows selected whole, no grid, alternating
// rows, columns sized to their contents, the last one stretched, and an accessible name.
QTableView* makeTableView(QAbstractItemModel* model, const QString& accessibleName);

} // namespace sluice::ui
