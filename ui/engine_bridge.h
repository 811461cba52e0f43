#pragma once

#include "engine/engine_types.h"

#include <QObject>

#include <memory>

namespace sluice::core {
class EngineThread;
}

namespace sluice::ui {

// The GUI's one handle on the engine: owns the engine thread, forwards requests to it and re-emits its
// signals on the GUI thread. Never blocks.
class EngineBridge : public QObject {
    Q_OBJECT
public:
    explicit EngineBridge(const QString& home, QObject* parent = nullptr);
    ~EngineBridge() override;

    QString home() const { return m_home; }

    void refreshConnections();
    void setWatchInterval(int milliseconds);

signals:
    void connectionsChanged(const QVector<sluice::core::ConnectionSummary>& connections);
    void errorOccurred(const QString& message);

private:
    QString m_home;
    std::unique_ptr<core::EngineThread> m_thread;
};

} // namespace sluice::ui
