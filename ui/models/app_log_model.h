#pragma once

#include "models/table_model.h"

#include <QDateTime>
#include <QString>

namespace sluice::ui {

// One line of Sluice's own log (every subsystem's named logger), as the logging listener delivered it.
struct AppLogLine {
    QDateTime time;
    QString subsystem; // the logger's name: "engine", "store", "source", ...
    int level = 2;     // spdlog's: 0 trace, 1 debug, 2 info, 3 warn, 4 error, 5 critical
    QString message;   // already redacted by the logging layer
};

// The live application log: the newest lines at the end, the oldest dropped past a cap so that a long
// session does not grow without bound.
class AppLogModel : public TableModel<AppLogLine> {
    Q_OBJECT
public:
    enum Column { Time, Subsystem, Level, Message, ColumnCount };
    explicit AppLogModel(QObject* parent = nullptr, int capacity = 10000);

    void append(const QVector<AppLogLine>& lines);
    int capacity() const { return m_capacity; }
    static QString levelName(int level);

protected:
    QVariant cell(const AppLogLine& line, int column, int role) const override;

private:
    int m_capacity;
};

} // namespace sluice::ui
