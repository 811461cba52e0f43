#include "engine/engine.h"

#include "store/connection_repository.h"
#include "store/store.h"
#include "util/logging.h"

#include <QTimer>

#include <spdlog/spdlog.h>

namespace sluice::core {

void registerEngineMetaTypes() {
    qRegisterMetaType<ConnectionSummary>();
    qRegisterMetaType<QVector<ConnectionSummary>>();
    qRegisterMetaType<JobProgress>();
    qRegisterMetaType<JobFinished>();
}

Engine::Engine(std::string home, QObject* parent) : QObject(parent), m_home(std::move(home)) {
    registerEngineMetaTypes();
}

Engine::~Engine() = default;

void Engine::ensureStarted() {
    if (m_store)
        return;
    auto store = Store::openInHome(m_home);
    if (!store) {
        logger("engine")->error("cannot open Sluice's database: {}", store.error().message);
        emit errorOccurred(QString::fromStdString(store.error().message));
        return;
    }
    m_store = std::make_unique<Store>(std::move(store.value()));
    m_watch = new QTimer(this);
    m_watch->setInterval(500);
    connect(m_watch, &QTimer::timeout, this, &Engine::pollForChanges);
    m_watch->start();
    logger("engine")->info("engine started on home {}", m_home);
    emit started();
}

void Engine::setWatchInterval(int milliseconds) {
    if (QThread::currentThread() != thread()) {
        QMetaObject::invokeMethod(this, [this, milliseconds] { setWatchInterval(milliseconds); }, Qt::QueuedConnection);
        return;
    }
    ensureStarted();
    if (!m_watch)
        return;
    if (milliseconds <= 0) {
        m_watch->stop();
    } else {
        m_watch->setInterval(milliseconds);
        m_watch->start();
    }
}

void Engine::refreshConnections() {
    if (QThread::currentThread() != thread()) {
        QMetaObject::invokeMethod(this, &Engine::refreshConnections, Qt::QueuedConnection);
        return;
    }
    ensureStarted();
    if (!m_store)
        return;
    m_lastDataVersion = m_store->dataVersion();
    ConnectionRepository repo(m_store->db());
    auto list = repo.list();
    if (!list) {
        emit errorOccurred(QString::fromStdString(list.error().message));
        return;
    }
    QVector<ConnectionSummary> out;
    for (const auto& c : list.value()) {
        ConnectionSummary s;
        s.id = c.id;
        s.name = QString::fromStdString(c.name);
        s.sourceType = QString::fromStdString(c.source.type);
        s.destinationType = QString::fromStdString(c.destination.type);
        s.status = QStringLiteral("idle");
        s.streamCount = static_cast<int>(c.streams.size());
        out.push_back(s);
    }
    emit connectionsChanged(out);
}

void Engine::pollForChanges() {
    if (!m_store || QThread::currentThread()->isInterruptionRequested())
        return;
    if (m_store->dataVersion() != m_lastDataVersion)
        refreshConnections();
}

EngineThread::EngineThread(std::string home) {
    m_thread.setObjectName(QStringLiteral("sluice-engine"));
    m_engine = new Engine(std::move(home));
    m_engine->moveToThread(&m_thread);
    QObject::connect(&m_thread, &QThread::finished, m_engine, &QObject::deleteLater);
    m_thread.start();
}

EngineThread::~EngineThread() {
    m_thread.requestInterruption();
    m_thread.quit();
    m_thread.wait();
}

} // namespace sluice::core
