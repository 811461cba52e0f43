#pragma once

#include <QString>

class QAbstractItemModel;
class QTableView;

namespace sluice::ui {

// A read-only table view the way every table of Sluice looks: rows selected whole, no grid, alternating
// rows, columns sized to their contents, and an accessible name. The last column takes the rest of the width
// when it holds text; a table ending in a number keeps it next to the others (`stretchLast` false).
QTableView* makeTableView(QAbstractItemModel* model, const QString& accessibleName, bool stretchLast = true);

} // namespace sluice::ui
