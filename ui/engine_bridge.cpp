#include "engine_bridge.h"

#include "engine/engine.h"

namespace sluice::ui {

EngineBridge::EngineBridge(const QString& home, QObject* parent)
    : QObject(parent), m_home(home), m_thread(std::make_unique<core::EngineThread>(home.toStdString())) {
    auto* engine = m_thread->engine();
    connect(engine, &core::Engine::connectionsChanged, this, &EngineBridge::connectionsChanged);
    connect(engine, &core::Engine::errorOccurred, this, &EngineBridge::errorOccurred);
}

EngineBridge::~EngineBridge() = default;

core::Engine* EngineBridge::engine() const {
    return m_thread->engine();
}
void EngineBridge::refreshConnections() {
    m_thread->engine()->refreshConnections();
}
void EngineBridge::setWatchInterval(int milliseconds) {
    m_thread->engine()->setWatchInterval(milliseconds);
}

} // namespace sluice::ui
