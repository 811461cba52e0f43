#pragma once

#include "engine/engine_types.h"
#include "models/table_model.h"

namespace sluice::ui {

// The job history of a connection.
class JobListModel : public TableModel<sluice::core::JobSummary> {
    Q_OBJECT
public:
    enum Column { Job, Type, Status, Started, StartedBy, Duration, Attempts, Records, ColumnCount };
    enum Role { IdRole = Qt::UserRole + 1 };
    explicit JobListModel(QObject* parent = nullptr);
    int rowOfJob(qint64 id) const;

protected:
    QVariant cell(const sluice::core::JobSummary& j, int column, int role) const override;
};

// Per-stream progress of the running job; the Progress column's ProgressRole is 0..100, or -1 unknown.
class JobProgressModel : public TableModel<sluice::core::StreamProgress> {
    Q_OBJECT
public:
    enum Column { Stream, Progress, Committed, Estimate, SourceSays, ColumnCount };
    enum Role { ProgressRole = Qt::UserRole + 1 };
    explicit JobProgressModel(QObject* parent = nullptr);
    // Updates rows in place (a stream keeps its row) and adds new streams at the end.
    void update(const QVector<sluice::core::StreamProgress>& streams);

protected:
    QVariant cell(const sluice::core::StreamProgress& s, int column, int role) const override;
};

class AttemptListModel : public TableModel<sluice::core::AttemptInfo> {
    Q_OBJECT
public:
    enum Column { Attempt, Status, Started, Duration, Records, Failure, ColumnCount };
    explicit AttemptListModel(QObject* parent = nullptr);

protected:
    QVariant cell(const sluice::core::AttemptInfo& a, int column, int role) const override;
};

// A job's log: the stored lines, then live lines as they come.
// A log line as the job view says it: Airbyte's fixed lines ("Number of Resumed Full Refresh Streams: {1}")
// as sentences, every other line as it is.
QString readableLogMessage(const QString& message);

class LogModel : public TableModel<sluice::core::LogEntry> {
    Q_OBJECT
public:
    enum Column { Time, Level, Message, ColumnCount };
    explicit LogModel(QObject* parent = nullptr);
    // The lines as text, one per line, for copying.
    QString text(const QModelIndexList& rows = {}) const;

protected:
    QVariant cell(const sluice::core::LogEntry& l, int column, int role) const override;
};

} // namespace sluice::ui
