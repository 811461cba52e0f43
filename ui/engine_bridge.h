#pragma once

#include "engine/engine_types.h"

#include <QObject>
#include <memory>

namespace sluice::core {
class Engine;
class EngineThread;
} // namespace sluice::core

namespace sluice::ui {

// The GUI's one handle on the engine: owns the engine thread. Widgets call the engine's slots (they queue
// themselves onto the engine thread) and connect to its signals, which arrive queued on the GUI thread.
// Never blocks.
class EngineBridge : public QObject {
    Q_OBJECT
public:
    explicit EngineBridge(const QString& home, QObject* parent = nullptr);
    ~EngineBridge() override;

    QString home() const { return m_home; }
    core::Engine* engine() const;
    // A number that ties an answer (check, discover, save) to the request of one dialog.
    int nextToken() { return ++m_token; }

    void refreshConnections();
    void setWatchInterval(int milliseconds);

signals:
    void connectionsChanged(const QVector<sluice::core::ConnectionSummary>& connections);
    void errorOccurred(const QString& message);

private:
    QString m_home;
    std::unique_ptr<core::EngineThread> m_thread;
    int m_token = 0;
};

} // namespace sluice::ui
