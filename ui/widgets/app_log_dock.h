#pragma once

#include "models/app_log_model.h"

#include <QDockWidget>
#include <memory>

class QComboBox;
class QLineEdit;
class QTableView;
class QTimer;

namespace sluice::ui {

class AppLogFilter;
struct PendingLogLines;

// Sluice's own log, live: every line of every subsystem's named logger (engine, store, sources,
// destinations, scheduler, ui), after secrets are masked, as the log file gets it. The logging listener may
// be called on any thread; lines wait in a locked buffer that the GUI thread drains a few times a second, so
// a chatty job never floods the event loop.
class AppLogDock : public QDockWidget {
    Q_OBJECT
public:
    explicit AppLogDock(QWidget* parent = nullptr);
    ~AppLogDock() override;

    AppLogModel* model() const { return m_model; }
    QTableView* view() const { return m_view; }
    // Moves waiting lines into the model now (the timer does it on its own).
    void drain();

private:
    std::shared_ptr<PendingLogLines> m_pending;
    AppLogModel* m_model;
    AppLogFilter* m_filter;
    QTableView* m_view;
    QLineEdit* m_search;
    QComboBox* m_level;
    QTimer* m_timer;
};

} // namespace sluice::ui
