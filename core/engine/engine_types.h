#pragma once

#include <QDateTime>
#include <QMetaType>
#include <QString>
#include <QVector>

namespace sluice::core {

// Plain values the engine hands to the GUI through queued signals: copies, never engine internals.
struct ConnectionSummary {
    qint64 id = 0;
    QString name;
    QString sourceType;
    QString destinationType;
    QString status;        // idle, running, failed, refresh pending, needs attention
    QString lastSync;      // ISO time of the last finished job, empty if none
    QString nextRun;       // ISO time of the next scheduled run, empty when manual
    int streamCount = 0;
    double progress = -1;  // 0..1 while running with an estimate
};

struct JobProgress {
    qint64 jobId = 0;
    qint64 connectionId = 0;
    QString stream;
    qint64 recordsCommitted = 0;
    qint64 recordsEstimated = -1;
    double recordsPerSecond = 0;
};

struct JobFinished {
    qint64 jobId = 0;
    qint64 connectionId = 0;
    QString type;
    QString status;
    QString message;
};

} // namespace sluice::core

Q_DECLARE_METATYPE(sluice::core::ConnectionSummary)
Q_DECLARE_METATYPE(sluice::core::JobProgress)
Q_DECLARE_METATYPE(sluice::core::JobFinished)
