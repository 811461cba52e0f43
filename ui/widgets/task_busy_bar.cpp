#include "widgets/task_busy_bar.h"

#include "engine/engine.h"
#include "engine_bridge.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QTimer>

namespace sluice::ui {

TaskBusyBar::TaskBusyBar(EngineBridge* engine, Filter filter, int showAfterMs, QWidget* parent)
    : QWidget(parent), m_engine(engine), m_filter(std::move(filter)), m_showAfterMs(showAfterMs),
      m_busy(new QProgressBar), m_label(new QLabel), m_cancel(new QPushButton(tr("Cancel"))),
      m_delay(new QTimer(this)) {
    m_busy->setRange(0, 0); // tasks give no percentage
    m_busy->setMaximumWidth(100);
    m_busy->setMaximumHeight(14);
    m_busy->setTextVisible(false);
    m_busy->setAccessibleName(tr("Working"));
    m_cancel->setAccessibleName(tr("Cancel the running task"));
    m_delay->setSingleShot(true);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_busy);
    layout->addWidget(m_label);
    layout->addWidget(m_cancel);
    connect(m_cancel, &QPushButton::clicked, this, &TaskBusyBar::cancel);
    connect(m_delay, &QTimer::timeout, this, &TaskBusyBar::updateView);
    auto* e = m_engine->engine();
    connect(e, &core::Engine::taskStarted, this, &TaskBusyBar::onStarted);
    connect(e, &core::Engine::taskFinished, this, &TaskBusyBar::onFinished);
    hide();
}

void TaskBusyBar::onStarted(const core::TaskInfo& task) {
    if (!m_filter(task))
        return;
    Tracked t{task, {}, false};
    t.since.start();
    m_tasks[task.id] = t;
    m_pending.clear();
    updateView();
}

void TaskBusyBar::setPending(const QString& title) {
    m_pending = title;
    updateView();
}

void TaskBusyBar::clearPending() {
    m_pending.clear();
    updateView();
}

void TaskBusyBar::onFinished(const core::TaskInfo& task) {
    if (m_tasks.erase(task.id) == 0)
        return;
    updateView();
    emit taskEnded(task);
}

void TaskBusyBar::cancel() {
    for (auto& [id, t] : m_tasks)
        if (!t.cancelRequested) {
            t.cancelRequested = true;
            m_engine->engine()->cancelTask(id);
        }
    updateView();
}

void TaskBusyBar::updateView() {
    const Tracked* shown = nullptr;
    int visibleCount = 0;
    qint64 nextDueMs = -1;
    bool cancellable = false; // a task not asked to stop yet: a stopping connector takes a moment
    for (const auto& [id, t] : m_tasks) {
        cancellable = cancellable || !t.cancelRequested;
        const qint64 age = t.since.elapsed();
        if (age >= m_showAfterMs) {
            shown = &t; // the newest of those old enough
            ++visibleCount;
        } else if (nextDueMs < 0 || m_showAfterMs - age < nextDueMs) {
            nextDueMs = m_showAfterMs - age;
        }
    }
    if (nextDueMs >= 0)
        m_delay->start(int(nextDueMs));
    if (!shown && !m_pending.isEmpty()) {
        m_label->setText(m_pending + QStringLiteral("\u2026"));
        m_cancel->setEnabled(false);
        show();
        return;
    }
    if (!shown) {
        hide();
        return;
    }
    QString text = shown->info.title + QStringLiteral("\u2026");
    if (visibleCount > 1)
        text += tr(" (%n more)", nullptr, visibleCount - 1);
    m_label->setText(text);
    m_cancel->setToolTip(visibleCount > 1 ? tr("Stop these tasks") : tr("Stop: %1").arg(shown->info.title));
    m_cancel->setEnabled(cancellable);
    show();
}

} // namespace sluice::ui
