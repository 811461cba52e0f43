// Click-throughs of the main flow: create a connection from the demo source in the connection editor, sync
// it and see its rows and generations in the streams table and the job in the history; cancel a running sync.
#include "dialogs/connection_dialog.h"
#include "models/job_models.h"
#include "ui_harness.h"
#include "widgets/jobs_panel.h"
#include "widgets/spec_form.h"
#include "widgets/task_busy_bar.h"
#include "widgets/tray_notifier.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>

using namespace sluice;
using test::GuiHarness;

namespace {
void setText(QWidget* editor, const QString& text) {
    auto* line = qobject_cast<QLineEdit*>(editor);
    QVERIFY2(line, "expected a line edit");
    line->selectAll();
    QTest::keyClicks(line, text);
}
} // namespace

class TestSyncFlow : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void createFromDemoSyncAndSeeRows() {
        GuiHarness h;
        QVERIFY(h.waitForConnection("demo"));
        QAbstractItemModelTester streamTester(h.streams(),
                                              QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester jobTester(h.window->jobsPanel()->jobModel(),
                                           QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester logTester(h.window->jobsPanel()->logModel(),
                                           QAbstractItemModelTester::FailureReportingMode::QtTest);

        // New connection (Ctrl+N): demo source, a SQLite file, discover, save.
        QTest::keyClick(h.window.get(), Qt::Key_N, Qt::ControlModifier);
        QTRY_VERIFY(h.window->connectionDialog() && h.window->connectionDialog()->isVisible());
        ui::ConnectionDialog* d = h.window->connectionDialog();
        QCOMPARE(d->sourceType()->currentData().toString(), QString("demo"));
        QVERIFY(!d->saveButton()->isEnabled()); // no name, no streams yet
        setText(d->nameEdit(), "shop");
        setText(d->sourceForm()->editor("count"), "300");
        setText(d->destinationForm()->editor("path"), h.home() + "/shop.sqlite");
        QVERIFY(d->sourceForm()->errors().isEmpty());
        setText(d->sourceForm()->editor("churn"), "2");
        QCOMPARE(d->sourceForm()->errors().size(), 1); // inline: at most 1
        setText(d->sourceForm()->editor("churn"), "0.1");

        QTest::mouseClick(d->testButton(), Qt::LeftButton);
        QVERIFY(d->busyIndicator()->isVisible());
        QTRY_VERIFY(d->checkResult()->text().contains("The destination is writable"));
        QTest::mouseClick(d->discoverButton(), Qt::LeftButton);
        QTRY_COMPARE(d->streamModel()->rowCount(), 3);
        QCOMPARE(d->streamModel()->index(0, ui::StreamTableModel::Mode).data().toString(),
                 QString("Incremental | Append + Dedupe"));
        // Keep products as a full refresh overwrite to see a second kind of generation.
        const int products = d->streamModel()->rowOfStream("products");
        QVERIFY(d->streamModel()->setData(d->streamModel()->index(products, ui::StreamTableModel::Mode),
                                          "Full refresh | Overwrite"));
        QTRY_VERIFY(d->saveButton()->isEnabled());
        QTest::mouseClick(d->saveButton(), Qt::LeftButton);
        QTRY_VERIFY(!h.window->connectionDialog());

        QVERIFY(h.waitForConnection("shop"));
        QCOMPARE(h.window->connectionView()->model()->rowCount(), 2);
        QCOMPARE(h.streams()->rowCount(), 3);
        QCOMPARE(h.streamCell("users", ui::StreamTableModel::Cursor), QString("updated_at (source-defined)"));

        // Sync (F5): the rows and generations appear in the streams table.
        QVERIFY(h.window->syncAction()->isEnabled());
        h.window->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(h.window.get()));
        QTest::keyClick(h.window.get(), Qt::Key_F5);
        QTRY_COMPARE_WITH_TIMEOUT(h.streamCell("users", ui::StreamTableModel::Status), QString("succeeded"),
                                  20000);
        QTRY_COMPARE(h.streamCell("users", ui::StreamTableModel::Records), QString("300"));
        QCOMPARE(h.streamCell("users", ui::StreamTableModel::Generation), QString("0"));
        QCOMPARE(h.streamCell("products", ui::StreamTableModel::Records), QString("300"));
        QCOMPARE(h.streamCell("products", ui::StreamTableModel::Generation), QString("1"));
        QVERIFY(!h.window->hintLabel()->isVisible());

        // The job history shows it, with its attempt and log.
        auto* jobs = h.window->jobsPanel();
        QTRY_COMPARE(jobs->jobModel()->rowCount(), 1);
        QTRY_COMPARE(h.cell(jobs->jobModel(), 0, ui::JobListModel::Status), QString("succeeded"));
        QCOMPARE(h.cell(jobs->jobModel(), 0, ui::JobListModel::Records), QString("900"));
        QCOMPARE(h.cell(jobs->jobModel(), 0, ui::JobListModel::StartedBy), QString("You (desktop app)"));
        QTRY_COMPARE(jobs->attemptModel()->rowCount(), 1);
        QTRY_VERIFY(jobs->logModel()->rowCount() > 3);
        // The line is stored before the job is marked finished, so the log reloaded on its end has it.
        QTRY_VERIFY(jobs->logModel()->text().contains("job succeeded"));
        jobs->logSearch()->setText("users");
        QVERIFY(jobs->logView()->model()->rowCount() < jobs->logModel()->rowCount());
        // The job's rows are in the store before the engine reports it finished (it collects its jobs a few
        // times a second), so the notification may come after the tables show the result.
        QTRY_VERIFY(h.window->notifier()->lastNotification().contains("succeeded"));
    }

    void cancelARunningSync() {
        // 40 pages of 50 records, 40 ms each: long enough to be seen running and cancelled.
        GuiHarness h([](const QString& home) {
            test::createConnection(home, test::demoJson(home, "slow", "full_refresh", "overwrite",
                                                        R"("count": 2000, "page_size": 50, "delay_ms": 40)"));
        });
        QVERIFY(h.waitForConnection("slow"));
        QAbstractItemModelTester progressTester(h.window->jobsPanel()->progressModel(),
                                                QAbstractItemModelTester::FailureReportingMode::QtTest);
        h.window->syncAction()->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(h.window->cancelAction()->isEnabled(), 10000);
        QTRY_VERIFY(h.window->jobsPanel()->progressModel()->rowCount() == 1);
        QTRY_VERIFY(h.window->jobsPanel()->progressSummary()->text().contains("records/s"));
        QVERIFY(!h.window->syncAction()->isEnabled());
        h.window->cancelAction()->trigger();
        QTRY_VERIFY(h.window->cancelConfirmation());
        QCOMPARE(h.window->cancelConfirmation()->defaultButton()->text(), QString("Keep running"));
        QVERIFY(test::clickButton(h.window->cancelConfirmation(), "Cancel job"));
        auto* jobs = h.window->jobsPanel();
        QTRY_COMPARE_WITH_TIMEOUT(h.cell(jobs->jobModel(), 0, ui::JobListModel::Status), QString("cancelled"),
                                  10000);
        QTRY_VERIFY(h.window->syncAction()->isEnabled());
        QVERIFY(h.window->notifier()->lastNotification().contains("cancelled"));
        QTRY_COMPARE(h.streamCell("users", ui::StreamTableModel::Status), QString("cancelled"));
    }
};

QTEST_MAIN(TestSyncFlow)
#include "tst_sync_flow.moc"
