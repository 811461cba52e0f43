// Regenerates docs/screenshots: drives the real window through each screen on a throwaway home and grabs
// the whole screen. Not a test; run it under Xvfb:
//   xvfb-run -a -s "-screen 0 1280x800x24" build/dev/tests/sluice_screenshots docs/screenshots/light-1280x800
//   light
// (with openbox running for window frames; "dark" as the second argument for the dark theme).
#include "dialogs/connection_dialog.h"
#include "dialogs/field_picker_dialog.h"
#include "dialogs/mapper_editor_dialog.h"
#include "dialogs/mapper_form.h"
#include "dialogs/preferences_dialog.h"
#include "dialogs/refresh_dialog.h"
#include "dialogs/state_dialog.h"
#include "models/generation_models.h"
#include "models/job_models.h"
#include "ui_harness.h"
#include "widgets/generations_panel.h"
#include "widgets/jobs_panel.h"
#include "widgets/streams_panel.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScreen>
#include <QTabWidget>
#include <QTableWidget>

using namespace sluice;

namespace {
void settle(int ms = 600) {
    QTest::qWait(ms);
}

template <typename F> bool waitFor(F done, int ms = 30000) {
    QElapsedTimer t;
    t.start();
    while (!done() && t.elapsed() < ms)
        QTest::qWait(50);
    return done();
}

void shoot(const QString& dir, const QString& name) {
    settle();
    const QPixmap pm = QGuiApplication::primaryScreen()->grabWindow(0);
    pm.save(dir + "/" + name + ".png");
    qInfo("wrote %s/%s.png", qPrintable(dir), qPrintable(name));
}

bool idle(test::GuiHarness& h) {
    return h.window->syncAction()->isEnabled();
}
} // namespace

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName("sluice-screenshots");
    QStandardPaths::setTestModeEnabled(true);
    const QString out = argc > 1 ? QString::fromLocal8Bit(argv[1]) : QStringLiteral(".");
    // A second argument "dark" shows the app with the dark theme of the preferences.
    QSettings().setValue("preferences/theme",
                         argc > 2 ? QString::fromLocal8Bit(argv[2]) : QStringLiteral("system"));
    ui::PreferencesDialog::applySaved();

    test::GuiHarness h;
    h.window->setGeometry(QGuiApplication::primaryScreen()->geometry());
    if (!h.waitForConnection("demo"))
        return 1;
    shoot(out, "first_start");

    // Two syncs (the second one reads what changed in the source), then a retain refresh of users.
    for (int i = 0; i < 2; ++i) {
        h.window->syncAction()->trigger();
        waitFor([&] { return !idle(h); }, 3000);
        if (!waitFor([&] { return idle(h); }))
            return 2;
    }
    h.window->openRefreshDialog({}, {});
    if (!waitFor([&] { return h.window->refreshDialog() && h.window->refreshDialog()->isLoaded(); }))
        return 3;
    h.window->refreshDialog()->view()->setFocus();
    shoot(out, "refresh_dialog");
    // The same dialog with a backfill of a range of users' cursor chosen instead.
    if (h.window->refreshDialog()->choose("users", "backfill")) {
        h.window->refreshDialog()->fromEdit()->setText("2024-01-01T00:00:00Z");
        h.window->refreshDialog()->toEdit()->setText("2024-03-31T23:59:59Z");
        shoot(out, "refresh_backfill");
        h.window->refreshDialog()->choose("users", "retain");
    }
    h.window->refreshDialog()->choose("products", "clear");
    h.window->refreshDialog()->choose("purchases", "");
    h.window->refreshDialog()->choose("products", "");
    h.window->refreshDialog()->confirm();
    waitFor([&] { return !idle(h); }, 3000);
    waitFor([&] { return idle(h); });
    h.window->syncAction()->trigger();
    waitFor([&] { return !idle(h); }, 3000);
    waitFor([&] { return idle(h); });
    settle(1000);
    shoot(out, "main_window_streams");

    // The state editor of users after one hand edit, with the next value typed in.
    h.window->openStateDialog("users");
    auto* state = h.window->stateDialog();
    if (!waitFor([&] { return state->currentState()->toPlainText().contains("cursor"); }))
        return 6;
    state->cursorEdit()->setText("2024-01-01T00:00:00Z");
    state->setButton()->click();
    if (!waitFor([&] { return state->confirmation() != nullptr; }))
        return 7;
    test::clickButton(state->confirmation(), "Set state");
    waitFor([&] { return state->history()->rowCount() == 1; });
    state->cursorEdit()->setText("2024-02-01T00:00:00Z");
    settle();
    shoot(out, "state_editor");
    state->close();

    // The field picker and the mapper editor of users, with a hash and a row filter previewed.
    auto* picker = h.window->streamsPanel()->openFieldPicker("users");
    settle();
    shoot(out, "field_picker");
    picker->reject();
    auto* mappers = h.window->streamsPanel()->openMapperEditor("users");
    if (!waitFor([&] { return mappers->sampleLoaded(); }))
        return 8;
    mappers->addMapper("hashing");
    mappers->form()->targetField()->setCurrentText("email");
    mappers->addMapper("row-filtering");
    mappers->form()->filterField()->setCurrentText("is_active");
    mappers->form()->filterValue()->setText("false");
    mappers->form()->filterExclude()->setChecked(true);
    mappers->selectMapper(0);
    shoot(out, "mapper_editor");
    mappers->reject();

    h.window->tabs()->setCurrentIndex(ui::MainWindow::GenerationsTab);
    auto* g = h.window->generationsPanel();
    g->showStream("users");
    g->aggregateColumn()->setCurrentText("score");
    waitFor([&] { return g->generationModel()->rowCount() >= 2; });
    g->runDiff();
    shoot(out, "generation_inspector");

    // A slow job, caught running: per-stream progress, records/s, the live log.
    h.engine->engine()->saveConnection(999, 0,
                                       test::demoJson(h.home(), "warehouse", "incremental", "append_dedup",
                                                      R"("count": 20000, "page_size": 200, "delay_ms": 60)"));
    if (!waitFor([&] { return h.window->connectionModel()->rowCount() == 2; }))
        return 4;
    h.waitForConnection("warehouse");
    h.window->tabs()->setCurrentIndex(ui::MainWindow::JobsTab);
    h.window->syncAction()->trigger();
    waitFor([&] { return h.window->jobsPanel()->progressModel()->rowCount() > 0; });
    settle(2500);
    shoot(out, "job_history");
    h.window->cancelJob();
    waitFor([&] { return h.window->cancelConfirmation() != nullptr; });
    test::clickButton(h.window->cancelConfirmation(), "Cancel job");
    waitFor([&] { return idle(h); });

    h.waitForConnection("demo");
    h.window->tabs()->setCurrentIndex(ui::MainWindow::SettingsTab);
    shoot(out, "settings");
    h.window->tabs()->setCurrentIndex(ui::MainWindow::StreamsTab);
    h.window->editConnection();
    if (!waitFor([&] { return h.window->connectionDialog() != nullptr; }))
        return 5;
    h.window->connectionDialog()->discover();
    waitFor([&] { return h.window->connectionDialog()->streamModel()->rowCount() == 3; });
    h.window->connectionDialog()->testConnection();
    shoot(out, "connection_editor");
    return 0;
}
