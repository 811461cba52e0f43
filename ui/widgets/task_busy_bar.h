#pragma once

#include "engine/task_types.h"

#include <QElapsedTimer>
#include <QWidget>
#include <functional>
#include <map>

class QLabel;
class QProgressBar;
class QPushButton;
class QTimer;

namespace sluice::ui {

class EngineBridge;

// What a part of the window waits for from the engine: while a task it cares about runs (a connector's check,
// a diff), a busy bar, the task's title and a Cancel button that stops it. Tasks that end within
// `showAfterMs` never show, so quick answers do not flicker. Hidden when nothing it tracks runs.
class TaskBusyBar : public QWidget {
    Q_OBJECT
public:
    // Which of the engine's tasks this bar tracks (asked once, when the task starts).
    using Filter = std::function<bool(const sluice::core::TaskInfo&)>;
    TaskBusyBar(EngineBridge* engine, Filter filter, int showAfterMs, QWidget* parent = nullptr);

    QLabel* label() const { return m_label; }
    QPushButton* cancelButton() const { return m_cancel; }
    // The tracked tasks still running.
    int runningCount() const { return int(m_tasks.size()); }

    // Shows `title` at once, before the engine has started the task just asked for (its Cancel comes with
    // taskStarted); cleared by the first tracked task or by clearPending().
    void setPending(const QString& title);
    void clearPending();

public slots:
    // Cancels every tracked task: the bar stops what its part of the window waits for.
    void cancel();

signals:
    // A tracked task ended (succeeded, failed, cancelled or superseded).
    void taskEnded(const sluice::core::TaskInfo& task);

private:
    struct Tracked {
        sluice::core::TaskInfo info;
        QElapsedTimer since;
        bool cancelRequested = false;
    };
    void onStarted(const sluice::core::TaskInfo& task);
    void onFinished(const sluice::core::TaskInfo& task);
    void updateView();

    EngineBridge* m_engine;
    Filter m_filter;
    int m_showAfterMs;
    std::map<qint64, Tracked> m_tasks; // by id: ids grow, so the last is the newest
    QString m_pending;
    QProgressBar* m_busy;
    QLabel* m_label;
    QPushButton* m_cancel;
    QTimer* m_delay;
};

} // namespace sluice::ui
