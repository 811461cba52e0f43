#include "models/app_log_model.h"

#include "format.h"

#include <QFontDatabase>

namespace sluice::ui {

AppLogModel::AppLogModel(QObject* parent, int capacity)
    : TableModel({tr("Time"), tr("Subsystem"), tr("Level"), tr("Message")}, parent), m_capacity(capacity) {}

void AppLogModel::append(const QVector<AppLogLine>& lines) {
    if (lines.isEmpty())
        return;
    // Only the newest `capacity` lines of a burst are worth inserting at all.
    const QVector<AppLogLine> kept = lines.size() > m_capacity ? lines.mid(lines.size() - m_capacity) : lines;
    const int overflow = rowCount() + static_cast<int>(kept.size()) - m_capacity;
    if (overflow > 0) {
        QVector<AppLogLine> rest = rows().mid(std::min(overflow, rowCount()));
        rest += kept;
        setRows(std::move(rest));
        return;
    }
    appendRows(kept);
}

QString AppLogModel::levelName(int level) {
    switch (level) {
    case 0:
        return QStringLiteral("TRACE");
    case 1:
        return QStringLiteral("DEBUG");
    case 2:
        return QStringLiteral("INFO");
    case 3:
        return QStringLiteral("WARN");
    default:
        return QStringLiteral("ERROR");
    }
}

QVariant AppLogModel::cell(const AppLogLine& line, int column, int role) const {
    if (role == Qt::DisplayRole || role == Qt::ToolTipRole) {
        switch (column) {
        case Time:
            return line.time.toString(QStringLiteral("HH:mm:ss.zzz"));
        case Subsystem:
            return line.subsystem;
        case Level:
            return levelName(line.level);
        case Message:
            return line.message;
        }
    }
    if (role == Qt::DecorationRole && column == Level) {
        if (line.level >= 4)
            return statusIcon(QStringLiteral("failed"));
        if (line.level == 3)
            return statusIcon(QStringLiteral("blocked"));
    }
    if (role == Qt::FontRole && column == Message)
        return QFontDatabase::systemFont(QFontDatabase::FixedFont);
    return {};
}

} // namespace sluice::ui
