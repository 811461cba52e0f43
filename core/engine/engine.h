#pragma once

#include "engine/engine_types.h"

#include <QObject>
#include <QThread>

#include <memory>
#include <string>

class QTimer;

namespace sluice::core {

class Store;

// The engine: lives on its own thread. Every public slot may be called from any thread (it re-queues
// itself onto the engine thread) and answers with signals carrying plain values.
class Engine : public QObject {
    Q_OBJECT
public:
    explicit Engine(std::string home, QObject* parent = nullptr);
    ~Engine() override;

    const std::string& home() const { return m_home; }

public slots:
    // Emits connectionsChanged with the current list.
    void refreshConnections();
    // How often the engine looks for changes made by other processes (the CLI); 0 stops watching.
    void setWatchInterval(int milliseconds);

signals:
    void started();
    void connectionsChanged(const QVector<sluice::core::ConnectionSummary>& connections);
    void errorOccurred(const QString& message);

private:
    void ensureStarted();
    void pollForChanges();

    std::string m_home;
    std::unique_ptr<Store> m_store;
    QTimer* m_watch = nullptr;
    int64_t m_lastDataVersion = -1;
};

// Owns the engine thread: starts it, and stops it with requestInterruption(); quit(); wait().
class EngineThread {
public:
    explicit EngineThread(std::string home);
    ~EngineThread();
    EngineThread(const EngineThread&) = delete;
    EngineThread& operator=(const EngineThread&) = delete;

    Engine* engine() const { return m_engine; }
    QThread* thread() { return &m_thread; }

private:
    QThread m_thread;
    Engine* m_engine = nullptr;
};

void registerEngineMetaTypes();

} // namespace sluice::core
