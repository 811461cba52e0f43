#pragma once

#include <QMetaType>
#include <QString>
#include <QStringList>
#include <QVector>

namespace sluice::core {

// Plain values the engine hands to the GUI through queued signals: copies, never engine internals.
// Times are ISO-8601 UTC text as the store keeps them; the GUI formats them for display.

struct ConnectionSummary {
    qint64 id = 0;
    QString name;
    QString sourceType;
    QString destinationType;
    QString status;        // idle, running, failed, refresh pending, needs attention
    QString statusMessage; // why: the failure, the blocked stream, the pending refresh
    QString lastSync;      // ISO time of the last finished job, empty if none
    QString nextRun;       // ISO time of the next scheduled run, empty when manual
    QString schedule;      // "manual", "every 15 minutes", "cron */15 * * * *"
    int streamCount = 0;
    double progress = -1; // 0..1 while running with an estimate
    qint64 runningJobId = 0;
};

// One configured stream as the streams table shows it.
struct StreamRow {
    QString name;
    QString ns;
    bool selected = true;
    QString mode;               // one of the five labels of SPEC §2
    QStringList supportedModes; // the labels the stream supports
    QStringList columns;        // known columns (empty before discovery or the first sync)
    QStringList numericColumns; // integer and number columns (for aggregates)
    QString cursor;             // the effective cursor ("a.b"), empty if none
    QString configuredCursor;   // what the configuration says (empty: default or source-defined)
    bool cursorSourceDefined = false;
    QString defaultCursor;
    QStringList primaryKey; // effective key fields ("a.b" each)
    QStringList configuredKey;
    bool keySourceDefined = false;
    QString status; // not synced, running, succeeded, failed, cancelled, blocked, refresh pending
    QString statusMessage;
    QString lastSync;
    qint64 records = -1;    // rows in the destination's final table; -1 unknown
    qint64 generation = -1; // current generation; -1 never synced
    QString schemaJson;     // the stream as discovered or last synced (catalog JSON); empty if unknown
    // {"selected_fields": [...], "mappers": [...]} as the connection file has them (keys masked); empty:
    // none.
    QString mappingJson;
};

// A refresh (or clear) of a stream that has not completed: the next job of the connection continues it.
struct PendingRefreshInfo {
    QString stream;
    QString kind; // retain, remove, clear
};

struct ConnectionDetails {
    qint64 id = 0;
    QString name;
    QString sourceType;
    QString destinationType;
    QString json; // the connection in the file format, secrets revealed (for editing in this process only)
    QVector<StreamRow> streams;
    bool refreshPending = false;
    QVector<PendingRefreshInfo> pendingRefreshes; // in the order of the streams
    QString lastJobStartedAt; // ISO time the newest job started, empty if none: an interval counts from it
    qint64 runningJobId = 0;
    QString error; // set when the connection could not be loaded
};

struct JobSummary {
    qint64 id = 0;
    qint64 connectionId = 0;
    QString type;   // sync, refresh, clear
    QString status; // running, succeeded, failed, cancelled
    QString refreshMode;
    QString startedAt, endedAt;
    int attempts = 0;
    qint64 recordsCommitted = 0;
    QString error;
    QString trigger; // gui, schedule, cli; empty when not recorded (older jobs)
};

struct AttemptInfo {
    int number = 0;
    QString status;
    QString startedAt, endedAt;
    qint64 recordsCommitted = 0;
    QString failure;
};

struct JobStreamInfo {
    QString name;
    qint64 generation = 0;
    QString action; // sync, full_refresh, refresh_retain, refresh_remove, clear
    qint64 recordsCommitted = 0;
    QString status;
    QString message;
};

struct LogEntry {
    qint64 jobId = 0;
    int attempt = 0;
    QString ts, level, message;
};

struct JobDetails {
    JobSummary job;
    QVector<AttemptInfo> attempts;
    QVector<JobStreamInfo> streams;
    QVector<LogEntry> log;
};

struct StreamProgress {
    QString stream;
    qint64 committed = 0;
    qint64 estimate = -1; // -1 when the source gives none
    QString phase;        // waiting, running, done
    qint64 bytesEstimate = -1;
    QString connectorStatus; // the source's own word: STARTED, RUNNING, COMPLETE, INCOMPLETE; empty: none
};

// A running job, a few times a second.
struct JobProgress {
    qint64 jobId = 0;
    qint64 connectionId = 0;
    QVector<StreamProgress> streams;
    qint64 recordsCommitted = 0;
    qint64 recordsEstimated = -1;
    double recordsPerSecond = 0;
    double secondsLeft = -1; // the whole job; -1 unless every stream has an estimate
    // The stream being read when the job's end is not known yet: its time left, and streams after it.
    QString currentStream;
    double streamSecondsLeft = -1;
    int streamsWaiting = 0;
};

struct JobFinished {
    qint64 jobId = 0;
    qint64 connectionId = 0;
    QString connectionName;
    QString type;
    QString status;
    QString message;
};

// A job the engine refused to start, and why (the matrix, another job running, a bad configuration).
struct JobRejected {
    qint64 connectionId = 0;
    QString reason;
};

struct GenerationInfo {
    qint64 generation = 0;
    qint64 jobId = 0; // 0 when unknown
    QString reason;   // sync, full_refresh, refresh_retain, refresh_remove, clear
    QString createdAt;
    qint64 rowsWritten = 0;
    qint64 rowsVisible = 0;
};

// Rows of a table for display: column names and values as text.
struct RowSet {
    QStringList columns;
    QVector<QStringList> rows;
};

struct GenerationsReport {
    qint64 connectionId = 0;
    QString stream;
    qint64 currentGeneration = -1;
    QVector<GenerationInfo> generations;
    qint64 staleCount = 0;
    RowSet staleRows;
    QString error;
};

struct AggregateRow {
    qint64 generation = 0;
    qint64 count = 0;
    double sum = 0;
    double average = 0;
};

struct AggregateReport {
    qint64 connectionId = 0;
    QString stream;
    QString column;
    QVector<AggregateRow> rows;
    QString error;
};

struct ChangedRowInfo {
    QString key;          // "id=7"
    QStringList fields;   // changed field names
    QStringList from, to; // their values before and after
};

struct DiffReport {
    qint64 connectionId = 0;
    QString stream;
    qint64 from = 0, to = 0;
    QStringList keyColumns;         // the primary key the rows are matched by
    RowSet added, removed, deleted; // deleted: soft deletes (_ab_cdc_deleted_at set in `to`)
    QVector<ChangedRowInfo> changed;
    QString error;
};

// What the refresh dialog shows of one stream: the matrix of SPEC §4 and what a refresh would touch.
struct RefreshStreamPreview {
    QString name;
    QString mode;
    bool removeAvailable = false, retainAvailable = false, clearAvailable = false;
    QString removeReason, retainReason, clearReason; // why an option is unavailable; empty when available
    bool backfillAvailable = false; // a cursor range can be re-imported (backfillUnavailableReason)
    QString backfillReason;
    qint64 rowsNow = -1;
};

struct RefreshPreview {
    qint64 connectionId = 0;
    QString connectionName;
    QVector<RefreshStreamPreview> streams; // the affected streams
    QStringList otherStreams;              // enabled streams that sync normally in the same job
    QVector<PendingRefreshInfo> pending;   // refreshes not finished yet, which the next job continues
    QString error;
};

// One stream's choice in the refresh dialog.
struct RefreshChoice {
    QString stream;
    QString kind;     // remove, retain, clear, backfill
    QString from, to; // backfill: the cursor range as typed (`to` empty: up to the current end)
};

struct CheckResult {
    int token = 0;
    bool sourceOk = false, destinationOk = false;
    QString sourceMessage, destinationMessage;
};

struct DiscoverResult {
    int token = 0;
    QVector<StreamRow> streams;
    QString error;
};

struct SaveResult {
    int token = 0;
    qint64 id = 0;
    QString error; // empty on success
};

} // namespace sluice::core

Q_DECLARE_METATYPE(sluice::core::ConnectionSummary)
Q_DECLARE_METATYPE(sluice::core::ConnectionDetails)
Q_DECLARE_METATYPE(sluice::core::JobSummary)
Q_DECLARE_METATYPE(sluice::core::JobDetails)
Q_DECLARE_METATYPE(sluice::core::LogEntry)
Q_DECLARE_METATYPE(sluice::core::JobProgress)
Q_DECLARE_METATYPE(sluice::core::JobFinished)
Q_DECLARE_METATYPE(sluice::core::JobRejected)
Q_DECLARE_METATYPE(sluice::core::GenerationsReport)
Q_DECLARE_METATYPE(sluice::core::AggregateReport)
Q_DECLARE_METATYPE(sluice::core::DiffReport)
Q_DECLARE_METATYPE(sluice::core::RefreshPreview)
Q_DECLARE_METATYPE(sluice::core::RefreshChoice)
Q_DECLARE_METATYPE(sluice::core::CheckResult)
Q_DECLARE_METATYPE(sluice::core::DiscoverResult)
Q_DECLARE_METATYPE(sluice::core::SaveResult)
Q_DECLARE_METATYPE(sluice::core::RowSet)
