// The Sluice log dock shows every subsystem's log lines live, from any thread, with secrets masked, and the
// lines of a job the user starts.
#include "models/app_log_model.h"
#include "ui_harness.h"
#include "util/logging.h"
#include "widgets/app_log_dock.h"

#include <QAbstractItemModelTester>
#include <QMenuBar>
#include <thread>

using namespace sluice;

namespace {
// The rows of the model whose message contains `text`.
QStringList linesWith(const ui::AppLogModel* model, const QString& text) {
    QStringList out;
    for (const auto& line : model->rows())
        if (line.message.contains(text))
            out << QStringLiteral("%1 %2 %3")
                       .arg(line.subsystem, ui::AppLogModel::levelName(line.level), line.message);
    return out;
}
} // namespace

class TestAppLog : public QObject {
    Q_OBJECT
private slots:
    void linesFromAnyThreadAreShownMasked() {
        ui::AppLogDock dock;
        QAbstractItemModelTester tester(dock.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        core::registerSecret("hunter2-secret");
        std::thread worker([] {
            core::logLine("store", "warn", "could not reach the keyring with password hunter2-secret");
            core::logLine("source", "info", "page 3 read");
        });
        worker.join();
        QTRY_COMPARE(
            linesWith(dock.model(), QStringLiteral("keyring")),
            QStringList{QStringLiteral("store WARN could not reach the keyring with password **********")});
        QCOMPARE(linesWith(dock.model(), QStringLiteral("page 3")),
                 QStringList{QStringLiteral("source INFO page 3 read")});
    }

    void oldestLinesGoPastTheCap() {
        ui::AppLogModel model(nullptr, 3);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        auto line = [](int i) {
            return ui::AppLogLine{QDateTime::currentDateTime(), "engine", 2, QString::number(i)};
        };
        model.append({line(1), line(2)});
        model.append({line(3), line(4)});
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.rows().front().message, QStringLiteral("2"));
        model.append({line(5), line(6), line(7), line(8)});
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.rows().front().message, QStringLiteral("6"));
        QCOMPARE(model.rows().back().message, QStringLiteral("8"));
    }

    void aJobsLinesReachTheWindowsLog() {
        test::GuiHarness gui([](const QString& home) {
            test::createConnection(home, test::demoJson(home, "logged", "full_refresh", "overwrite"));
        });
        QVERIFY(gui.waitForConnection("logged"));
        QVERIFY(gui.window->logDock()->isHidden());
        gui.window->syncAction()->trigger();
        ui::AppLogModel* model = gui.window->logDock()->model();
        QTRY_VERIFY_WITH_TIMEOUT(!linesWith(model, QStringLiteral("job succeeded")).isEmpty(), 20000);
        QVERIFY(!linesWith(model, QStringLiteral("of connection `logged` started")).isEmpty());
        // View > Sluice log shows it.
        QAction* show = gui.window->logDock()->toggleViewAction();
        QCOMPARE(show->text(), QStringLiteral("Sluice &log"));
        QCOMPARE(show->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_L));
        show->trigger();
        QVERIFY(gui.window->logDock()->isVisible());
        QVERIFY(gui.window->logDock()->view()->model()->rowCount() > 0);
    }
};

QTEST_MAIN(TestAppLog)
#include "tst_app_log.moc"
