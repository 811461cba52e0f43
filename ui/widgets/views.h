#pragma once

#include <QString>

class QAbstractItemModel;
class QLabel;
class QTableView;

namespace sluice::ui {

// A read-only table view the way every table of Sluice looks: rows selected whole, no grid, alternating
// rows, columns sized to their contents, and an accessible name. The last column takes the rest of the width
// when it holds text; a table ending in a number keeps it next to the others (`stretchLast` false).
QTableView* makeTableView(QAbstractItemModel* model, const QString& accessibleName, bool stretchLast = true);

// Lets `label` wrap its text, however long (a 120-character name, a 500-character error), instead of asking
// the window to be as wide as its longest line: a label never pushes buttons off the screen.
void wrapWithinWidth(QLabel* label);

// `text` cut to `maxChars` characters with an ellipsis at the end: the full text goes in a tooltip.
QString elided(const QString& text, int maxChars);

} // namespace sluice::ui
