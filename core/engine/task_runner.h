#pragma once

#include "engine/task_types.h"

#include <QElapsedTimer>
#include <QObject>
#include <QThreadPool>
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <vector>

namespace sluice::core {

// Runs the engine's slow questions (a connector's check or discover, the inspector's queries) on worker
// threads, so the engine thread only routes requests and answers. Lives on the engine thread: start(),
// cancel() and the signals belong to it; the work runs on a bounded pool.
//
// Each task's work runs inside a CancelScope (util/cancel_scope.h) on its own thread, opens its own
// connections (never the engine's), and hands back a Delivery: what the engine thread does with the answer
// (emit it). A cancelled or superseded task's answer is dropped: only `finished` says it ended. An exception
// thrown by the work is caught here and becomes a failed task whose answer is built by `failure`.
class TaskRunner : public QObject {
    Q_OBJECT
public:
    using Delivery = std::function<void()>;
    using Work = std::function<Delivery()>;
    using Failure = std::function<Delivery(const QString& message)>;

    explicit TaskRunner(int maxThreads, QObject* parent = nullptr);
    // Cancels every task and waits for the workers (a connector is stopped within its kill grace).
    ~TaskRunner() override;

    // Starts `work` on a worker; `info.id` and status are set here. A running task with the same non-empty
    // `supersedeKey` is cancelled first: of two questions of one kind, only the newer is answered.
    qint64 start(TaskInfo info, const QString& supersedeKey, Work work, Failure failure);
    // Asks the task to stop; `finished` reports it cancelled once its worker has returned (a connector is
    // stopped first). False when no such task runs.
    bool cancel(qint64 id);
    std::vector<TaskInfo> running() const;

signals:
    void started(const sluice::core::TaskInfo& info);
    void finished(const sluice::core::TaskInfo& info);

private:
    struct Task {
        TaskInfo info;
        QString supersedeKey;
        std::atomic<bool> cancel{false};
        TaskStatus endsAs = TaskStatus::Cancelled; // once `cancel` is set
        QString cancelReason;
        QElapsedTimer clock;
    };
    bool stop(qint64 id, TaskStatus endsAs, const QString& reason);
    void runOnWorker(const std::shared_ptr<Task>& task, const Work& work, const Failure& failure);
    void finish(const std::shared_ptr<Task>& task, const Delivery& delivery, const QString& error);

    QThreadPool m_pool;
    qint64 m_lastId = 0;
    std::map<qint64, std::shared_ptr<Task>> m_tasks; // running or waiting for a worker, by id
};

} // namespace sluice::core
