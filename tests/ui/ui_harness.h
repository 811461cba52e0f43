#pragma once

// What the GUI tests share: a throwaway home with the real engine thread and main window, and ways to wait
// for what a user would see.
#include "config/connection_config.h"
#include "engine/engine.h"
#include "engine/first_start.h"
#include "engine_bridge.h"
#include "main_window.h"
#include "models/connection_list_model.h"
#include "models/stream_table_model.h"
#include "store/connection_repository.h"
#include "store/store.h"
#include "test_support.h"
#include "widgets/streams_panel.h"

#include <QAbstractButton>
#include <QAction>
#include <QElapsedTimer>
#include <QMessageBox>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>
#include <functional>
#include <memory>

namespace sluice::test {

// A demo connection whose users stream has `mode` (sync_mode, destination_sync_mode).
inline QString demoJson(const QString& home, const QString& name, const QString& syncMode,
                        const QString& destMode,
                        const QString& config = QStringLiteral(R"("count": 200, "churn": 0.2)")) {
    return QStringLiteral(R"({"name": "%1", "source": {"type": "demo", "config": {%5}},
        "destination": {"type": "sqlite", "config": {"path": "%2/%1.sqlite"}},
        "streams": [{"name": "users", "sync_mode": "%3", "destination_sync_mode": "%4"}]})")
        .arg(name, home, syncMode, destMode, config);
}

class GuiHarness {
public:
    // `setup` prepares the home before the engine starts (e.g. creates connections).
    explicit GuiHarness(const std::function<void(const QString& home)>& setup = {}) {
        if (setup)
            setup(dir.path());
        engine = std::make_unique<ui::EngineBridge>(dir.path());
        window = std::make_unique<ui::MainWindow>(engine.get());
        window->show();
    }
    ~GuiHarness() {
        window.reset();
        engine.reset(); // the engine thread stops; a running job is cancelled and joined
    }

    QString home() const { return dir.path(); }
    ui::StreamTableModel* streams() const;
    QString cell(QAbstractItemModel* model, int row, int column) const {
        return model->index(row, column).data().toString();
    }
    int streamRow(const QString& name) const;
    QString streamCell(const QString& stream, int column) const {
        return cell(streams(), streamRow(stream), column);
    }
    // Presses Sync and waits until the users stream shows `generation` and the job is over.
    bool syncUsersTo(const QString& generation, int timeoutMs = 20000);
    // Waits until the connection `name` is selected and its streams are shown.
    bool waitForConnection(const QString& name, int timeoutMs = 10000);

    QTemporaryDir dir;
    std::unique_ptr<ui::EngineBridge> engine;
    std::unique_ptr<ui::MainWindow> window;
};

inline ui::StreamTableModel* GuiHarness::streams() const {
    return window->streamsPanel()->model();
}

inline int GuiHarness::streamRow(const QString& name) const {
    return streams()->rowOfStream(name);
}

inline bool GuiHarness::waitForConnection(const QString& name, int timeoutMs) {
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < timeoutMs) {
        const auto& d = window->details();
        if (d.name == name && d.id == window->selectedConnectionId() &&
            streams()->rowCount() == d.streams.size() && streams()->rowCount() > 0)
            return true;
        for (int r = 0; r < window->connectionModel()->rowCount(); ++r)
            if (window->connectionModel()->connectionAt(r)->name == name &&
                window->selectedConnectionId() != window->connectionModel()->connectionAt(r)->id)
                window->selectConnection(window->connectionModel()->connectionAt(r)->id);
        QTest::qWait(20);
    }
    return false;
}

inline bool GuiHarness::syncUsersTo(const QString& generation, int timeoutMs) {
    window->syncAction()->trigger();
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < timeoutMs) {
        if (streamCell("users", ui::StreamTableModel::Generation) == generation &&
            window->syncAction()->isEnabled())
            return true;
        QTest::qWait(20);
    }
    return false;
}

// Clicks the button of a message box whose text starts with `text`; false when there is none.
inline bool clickButton(QMessageBox* box, const QString& text) {
    if (!box)
        return false;
    for (auto* b : box->buttons())
        if (b->text().startsWith(text)) {
            b->click();
            return true;
        }
    return false;
}

} // namespace sluice::test
