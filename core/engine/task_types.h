#pragma once

#include <QMetaType>
#include <QString>

namespace sluice::core {

// What a task of the engine does: the questions that can take long (a connector answering, a query over a big
// table) and so run on a worker thread, never on the engine thread.
enum class TaskKind {
    Check,
    Discover,
    LoadConnection,
    Generations,
    Aggregate,
    Diff,
    RefreshPreview,
    ExportCsv,
    StreamState,
    StateEdit,
    RecordSample
};

// Superseded: a newer question of the same kind came (another stream's generations): the older answer is
// dropped, as for Cancelled, but nobody asked to stop it.
enum class TaskStatus { Running, Succeeded, Failed, Cancelled, Superseded };

// A task as the GUI sees it (taskStarted, taskFinished): plain values, like every other answer.
struct TaskInfo {
    qint64 id = 0;
    TaskKind kind = TaskKind::Check;
    QString title;           // what the GUI shows while it runs: "Testing connection", "Computing diff"
    qint64 connectionId = 0; // 0: a connection being edited (check, discover) or none (export)
    int token = 0;           // the request's token (check, discover), else 0
    TaskStatus status = TaskStatus::Running;
    QString message;      // why it failed or was cancelled; empty otherwise
    qint64 elapsedMs = 0; // from start to finish (set in taskFinished)
};

// "Testing connection", "Computing diff", ...
QString taskTitle(TaskKind kind);
// "running", "succeeded", "failed", "cancelled", "superseded"
QString taskStatusName(TaskStatus status);

} // namespace sluice::core

Q_DECLARE_METATYPE(sluice::core::TaskInfo)
