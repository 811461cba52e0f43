// The freeze a user met: a slow demo source (100,000 users, 2,000 a page, 300 ms a page) synced, refreshed
// with retain, and the generation inspector opened while the refresh writes. The window's event loop never
// stands still more than 100 ms, the job's end is shown (not "running" for good), and Quit ends Sluice
// within 5 s while a refresh and the inspector's diff run.
#include "dialogs/refresh_dialog.h"
#include "format.h"
#include "models/connection_list_model.h"
#include "models/generation_models.h"
#include "models/refresh_choice_model.h"
#include "stall_monitor.h"
#include "ui_harness.h"
#include "widgets/generations_panel.h"

#include <QComboBox>
#include <QPushButton>

using namespace sluice;
using test::GuiHarness;

namespace {
constexpr qint64 kMaxStallMs = 100;
constexpr qint64 kMaxQuitMs = 5000;

void setUp(const QString& home) {
    test::createConnection(home, test::demoJson(home, "slow", "incremental", "append_dedup",
                                                R"("count": 100000, "page_size": 2000, "delay_ms": 300)"));
}

QString connectionStatus(const GuiHarness& h) {
    auto* model = h.window->connectionModel();
    for (int r = 0; r < model->rowCount(); ++r)
        if (model->connectionAt(r)->name == QLatin1String("slow"))
            return model->connectionAt(r)->status;
    return {};
}

// Refresh… → retain (the dialog's choice for a dedupe stream) → Confirm.
bool refreshWithRetain(GuiHarness& h) {
    h.window->refreshAction()->trigger();
    if (!QTest::qWaitFor([&] { return h.window->refreshDialog() && h.window->refreshDialog()->isLoaded(); },
                         10000))
        return false;
    ui::RefreshDialog* d = h.window->refreshDialog();
    if (d->model()->choice(0) != QLatin1String("retain"))
        return false;
    QTest::mouseClick(d->confirmButton(), Qt::LeftButton);
    return QTest::qWaitFor([&] { return !h.window->refreshDialog(); }, 5000);
}

QString jobStatus(const QString& home, const std::string& where) {
    const auto rows = test::queryRows(home + "/sluice.db", "SELECT status FROM jobs WHERE " + where);
    return rows.empty() ? QString() : QString::fromStdString(rows.front().front());
}
} // namespace

class TestNoFreeze : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void refreshWithTheInspectorOpenNeverStallsAndQuitEndsIt() {
        auto h = std::make_unique<GuiHarness>(setUp);
        QVERIFY(h->waitForConnection("slow"));
        test::StallMonitor stalls;
        stalls.start();

        QVERIFY(h->syncUsersTo("0", 90000));
        QTRY_COMPARE(h->streamCell("users", ui::StreamTableModel::Records), ui::formatCount(100000));

        QVERIFY(refreshWithRetain(*h));
        QTRY_COMPARE(connectionStatus(*h), QString("running"));
        // Generations (Ctrl+3) while the refresh writes: the stale-rows question runs against the table
        // the job is filling.
        h->window->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(h->window.get()));
        QTest::keyClick(h->window.get(), Qt::Key_3, Qt::ControlModifier);
        QCOMPARE(h->window->tabs()->currentIndex(), int(ui::MainWindow::GenerationsTab));
        auto* g = h->window->generationsPanel();
        QTRY_VERIFY_WITH_TIMEOUT(g->generationModel()->rowCount() >= 1, 10000);

        // The job's end reaches the window: generation 1, the status back to idle, two generations shown.
        QTRY_VERIFY_WITH_TIMEOUT(h->window->syncAction()->isEnabled(), 90000);
        QTRY_COMPARE(h->streamCell("users", ui::StreamTableModel::Generation), QString("1"));
        QTRY_COMPARE(connectionStatus(*h), QString("idle"));
        QTRY_COMPARE_WITH_TIMEOUT(g->generationModel()->rowCount(), 2, 10000);
        QCOMPARE(jobStatus(h->home(), "type = 'refresh'"), QString("succeeded"));

        // Another refresh, and a diff of the two 100,000-row generations, then Quit at once.
        QVERIFY(refreshWithRetain(*h));
        QTRY_COMPARE(connectionStatus(*h), QString("running"));
        h->window->tabs()->setCurrentIndex(ui::MainWindow::GenerationsTab);
        g->diffFrom()->setCurrentIndex(g->diffFrom()->findText("0"));
        g->diffTo()->setCurrentIndex(g->diffTo()->findText("1"));
        g->runDiff();
        stalls.stop();
        qInfo("longest stall of the event loop: %lld ms of its own (%lld ms by the clock)", stalls.longest(),
              stalls.longestRaw());
        QVERIFY2(stalls.corrects(),
                 "the kernel gives no run-queue times: the stall cannot be told from load");
        QVERIFY2(stalls.longest() < kMaxStallMs,
                 qPrintable(QStringLiteral("the event loop stood still %1 ms").arg(stalls.longest())));

        const QString home = h->home();
        QElapsedTimer quitting;
        quitting.start();
        h->window->close(); // File > Quit (Ctrl+Q)
        h->window.reset();
        h->engine.reset();
        const qint64 quitMs = quitting.elapsed();
        qInfo("Quit took %lld ms with a refresh and a diff running", quitMs);
        QVERIFY2(quitMs < kMaxQuitMs, qPrintable(QStringLiteral("Quit took %1 ms").arg(quitMs)));
        // The refresh that Quit interrupted is recorded as cancelled, not left running.
        QCOMPARE(jobStatus(home, "id = (SELECT max(id) FROM jobs)"), QString("cancelled"));
    }
};

QTEST_MAIN(TestNoFreeze)
#include "tst_no_freeze.moc"
