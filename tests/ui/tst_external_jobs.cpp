// A job that `sluicectl` runs in the home the window shows is followed as the window's own jobs are: its
// records, attempts and log arrive while it runs, Cancel stops it, and it ends in the list as it ended.
#include "models/job_models.h"
#include "ui_harness.h"
#include "widgets/jobs_panel.h"

#include <QLabel>
#include <QProcess>
#include <QPushButton>

using namespace sluice;
using test::GuiHarness;

namespace {
std::unique_ptr<QProcess> startCli(const QString& home, const QStringList& args) {
    auto p = std::make_unique<QProcess>();
    p->setProgram(qEnvironmentVariable("SLUICECTL"));
    p->setArguments(QStringList{"--home", home} + args);
    p->start();
    return p;
}

qint64 records(ui::JobsPanel* jobs, int row) {
    return jobs->jobModel()->rows().value(row).recordsCommitted;
}
} // namespace

class TestExternalJobs : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void cliSyncIsFollowedLiveAndCancelledFromTheWindow() {
        // 100 pages of 50 records, 40 ms each, a checkpoint every 50 records: a few seconds of visible work.
        QString id;
        GuiHarness h([&id](const QString& home) {
            id = QString::number(test::createConnection(
                home, test::demoJson(home, "cli", "full_refresh", "overwrite",
                                     R"("count": 5000, "page_size": 50, "delay_ms": 40)")));
        });
        QVERIFY(h.waitForConnection("cli"));
        auto* jobs = h.window->jobsPanel();
        QCOMPARE(jobs->jobModel()->rowCount(), 0);

        auto sync = startCli(h.home(), {"sync", id});
        // The job shows up running, and its records, its attempt and its log lines move on while it runs.
        QTRY_COMPARE_WITH_TIMEOUT(jobs->jobModel()->rowCount(), 1, 10000);
        QTRY_COMPARE(h.cell(jobs->jobModel(), 0, ui::JobListModel::Status), QString("running"));
        QCOMPARE(h.cell(jobs->jobModel(), 0, ui::JobListModel::StartedBy), QString("sluicectl"));
        QTRY_VERIFY_WITH_TIMEOUT(records(jobs, 0) > 0, 10000);
        const qint64 first = records(jobs, 0);
        QTRY_VERIFY_WITH_TIMEOUT(records(jobs, 0) > first, 10000);
        QTRY_COMPARE(jobs->attemptModel()->rowCount(), 1);
        QTRY_VERIFY(jobs->logModel()->rowCount() > 0);
        QTRY_VERIFY(jobs->progressSummary()->text().contains("records committed"));
        const int linesBefore = jobs->logModel()->rowCount();

        // Cancel in the window stops the CLI's job; the list shows it cancelled, with what it had committed.
        QTRY_VERIFY(h.window->cancelAction()->isEnabled());
        h.window->cancelAction()->trigger();
        QTRY_VERIFY(h.window->cancelConfirmation());
        QCOMPARE(h.window->cancelConfirmation()->defaultButton()->text(), QString("Keep running"));
        QVERIFY(test::clickButton(h.window->cancelConfirmation(), "Cancel job"));
        QVERIFY(sync->waitForFinished(15000));
        QCOMPARE(sync->exitCode(), 1); // a cancelled job is not a success
        QTRY_COMPARE_WITH_TIMEOUT(h.cell(jobs->jobModel(), 0, ui::JobListModel::Status), QString("cancelled"),
                                  10000);
        QVERIFY(records(jobs, 0) > 0 && records(jobs, 0) < 5000);
        QTRY_VERIFY(jobs->logModel()->rowCount() > linesBefore); // the lines about the cancel
        // A cancel the user asked for is told at INFO, not as an error.
        QStringList errors, cancelLines;
        QTRY_VERIFY([&] {
            errors.clear();
            cancelLines.clear();
            for (const auto& l : jobs->logModel()->rows()) {
                if (l.level.compare("error", Qt::CaseInsensitive) == 0)
                    errors << l.message;
                if (l.message.startsWith("attempt 1 cancelled") || l.message.startsWith("job cancelled"))
                    cancelLines << l.level.toLower();
            }
            return cancelLines.size() == 2;
        }());
        QVERIFY2(errors.isEmpty(), qPrintable(errors.join('\n')));
        QCOMPARE(cancelLines, (QStringList{"info", "info"}));
        QTRY_VERIFY(h.window->syncAction()->isEnabled());
        QVERIFY(!h.window->cancelAction()->isEnabled());
        const auto stored = test::queryRows(h.home() + "/sluice.db", "SELECT status FROM jobs");
        QCOMPARE(stored, (std::vector<std::vector<std::string>>{{"cancelled"}}));
    }
};

QTEST_MAIN(TestExternalJobs)
#include "tst_external_jobs.moc"
