#include "engine/task_runner.h"

#include "util/cancel_scope.h"
#include "util/logging.h"

#include <spdlog/spdlog.h>

namespace sluice::core {

QString taskTitle(TaskKind kind) {
    switch (kind) {
    case TaskKind::Check:
        return QStringLiteral("Testing connection");
    case TaskKind::Discover:
        return QStringLiteral("Discovering streams");
    case TaskKind::LoadConnection:
        return QStringLiteral("Loading connection");
    case TaskKind::Generations:
        return QStringLiteral("Loading generations");
    case TaskKind::Aggregate:
        return QStringLiteral("Computing aggregate");
    case TaskKind::Diff:
        return QStringLiteral("Computing diff");
    case TaskKind::RefreshPreview:
        return QStringLiteral("Preparing refresh");
    case TaskKind::ExportCsv:
        return QStringLiteral("Exporting CSV");
    case TaskKind::StreamState:
        return QStringLiteral("Loading stream state");
    case TaskKind::StateEdit:
        return QStringLiteral("Editing stream state");
    case TaskKind::RecordSample:
        return QStringLiteral("Reading sample records");
    }
    return QStringLiteral("Working");
}

QString taskStatusName(TaskStatus status) {
    switch (status) {
    case TaskStatus::Running:
        return QStringLiteral("running");
    case TaskStatus::Succeeded:
        return QStringLiteral("succeeded");
    case TaskStatus::Failed:
        return QStringLiteral("failed");
    case TaskStatus::Cancelled:
        return QStringLiteral("cancelled");
    case TaskStatus::Superseded:
        return QStringLiteral("superseded");
    }
    return {};
}

TaskRunner::TaskRunner(int maxThreads, QObject* parent) : QObject(parent) {
    m_pool.setMaxThreadCount(maxThreads);
    m_pool.setObjectName(QStringLiteral("sluice-tasks"));
}

TaskRunner::~TaskRunner() {
    for (auto& [id, task] : m_tasks)
        task->cancel = true;
    m_pool.waitForDone();
}

qint64 TaskRunner::start(TaskInfo info, const QString& supersedeKey, Work work, Failure failure) {
    if (!supersedeKey.isEmpty())
        for (auto& [id, running] : m_tasks)
            if (running->supersedeKey == supersedeKey && !running->cancel)
                stop(id, TaskStatus::Superseded, QStringLiteral("superseded by a newer request"));
    auto task = std::make_shared<Task>();
    info.id = ++m_lastId;
    info.status = TaskStatus::Running;
    task->info = info;
    task->supersedeKey = supersedeKey;
    task->clock.start();
    m_tasks.emplace(info.id, task);
    logger("engine")->debug("task {} ({}) started", info.id, info.title.toStdString());
    emit started(info);
    m_pool.start([this, task, work = std::move(work), failure = std::move(failure)] {
        runOnWorker(task, work, failure);
    });
    return info.id;
}

// On a worker thread: nothing here touches the engine; the answer travels back as a queued call.
void TaskRunner::runOnWorker(const std::shared_ptr<Task>& task, const Work& work, const Failure& failure) {
    Delivery delivery;
    QString error;
    if (!task->cancel) { // cancelled while it waited for a worker: nothing to do
        CancelScope scope(&task->cancel);
        try {
            delivery = work();
        } catch (const std::exception& e) {
            error = QStringLiteral("internal error: %1").arg(QString::fromUtf8(e.what()));
        } catch (...) {
            error = QStringLiteral("internal error: an unknown exception");
        }
        if (!error.isEmpty()) {
            logger("engine")->error("task {} ({}) failed: {}", task->info.id, task->info.title.toStdString(),
                                    error.toStdString());
            delivery = failure(error);
        }
    }
    QMetaObject::invokeMethod(
        this, [this, task, delivery = std::move(delivery), error] { finish(task, delivery, error); },
        Qt::QueuedConnection);
}

void TaskRunner::finish(const std::shared_ptr<Task>& task, const Delivery& delivery, const QString& error) {
    m_tasks.erase(task->info.id);
    TaskInfo info = task->info;
    info.elapsedMs = task->clock.elapsed();
    if (task->cancel) {
        info.status = task->endsAs;
        info.message = task->cancelReason;
    } else {
        info.status = error.isEmpty() ? TaskStatus::Succeeded : TaskStatus::Failed;
        info.message = error;
        if (delivery)
            delivery();
    }
    logger("engine")->debug("task {} ({}) {} after {} ms", info.id, info.title.toStdString(),
                            taskStatusName(info.status).toStdString(), info.elapsedMs);
    emit finished(info);
}

bool TaskRunner::cancel(qint64 id) {
    return stop(id, TaskStatus::Cancelled, QStringLiteral("cancelled by the user"));
}

bool TaskRunner::stop(qint64 id, TaskStatus endsAs, const QString& reason) {
    auto it = m_tasks.find(id);
    if (it == m_tasks.end() || it->second->cancel)
        return false;
    it->second->endsAs = endsAs;
    it->second->cancelReason = reason;
    it->second->cancel = true;
    logger("engine")->info("task {} ({}) {}", id, it->second->info.title.toStdString(), reason.toStdString());
    return true;
}

std::vector<TaskInfo> TaskRunner::running() const {
    std::vector<TaskInfo> out;
    for (const auto& [id, task] : m_tasks)
        out.push_back(task->info);
    return out;
}

} // namespace sluice::core
