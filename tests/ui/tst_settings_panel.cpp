// The Settings tab offers the table prefix: a connection refused because another one owns its table gets a
// prefix there (checked as it is typed), saves it, and its next sync writes tables of its own.
#include "models/job_models.h"
#include "schedule_preview.h"
#include "test_support.h"
#include "ui_harness.h"
#include "widgets/jobs_panel.h"
#include "widgets/settings_panel.h"

#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>

using namespace sluice;
using test::GuiHarness;
using Rows = std::vector<std::vector<std::string>>;

namespace {
QString demo(const QString& home, const QString& name, int count) {
    return QStringLiteral(R"({"name": "%1", "source": {"type": "demo", "config": {"count": %3}},
        "destination": {"type": "sqlite", "config": {"path": "%2/shared.sqlite"}},
        "streams": [{"name": "users", "sync_mode": "full_refresh", "destination_sync_mode": "overwrite"}],
        "settings": {"retry": {"max_attempts": 1}}})")
        .arg(name, home)
        .arg(count);
}
} // namespace

class TestSettingsPanel : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedKingdom)); // day names in the texts
    }

    // Under the schedule the next runs are stated in the user's zone, the UTC the scheduler reads cron in
    // beside them; they follow each key, and a refused expression says why in their place.
    void previewShowsTheNextRunsAsTyped() {
        GuiHarness h([](const QString& home) { test::createConnection(home, demo(home, "cron", 5)); });
        QVERIFY(h.waitForConnection("cron"));
        h.window->tabs()->setCurrentIndex(ui::MainWindow::SettingsTab);
        ui::SettingsPanel* settings = h.window->settingsPanel();
        const QDateTime now = QDateTime::fromString("2026-12-02T13:07:30Z", Qt::ISODate);
        const QTimeZone berlin("Europe/Berlin");
        QVERIFY(berlin.isValid());
        settings->setPreviewClock([now] { return now; }, berlin);
        QVERIFY(!settings->schedulePreview()->isVisible()); // manual: nothing runs by itself

        settings->cronButton()->click();
        QTest::keyClicks(settings->cronExpressionEdit(), "*/15 * * * *");
        QVERIFY(settings->schedulePreview()->isVisible());
        QCOMPARE(
            settings->schedulePreview()->text(),
            QString("Next runs: Wed 2 Dec 14:15, 14:30, 14:45 your time (Europe/Berlin, UTC+01:00). Cron "
                    "times are UTC: Wed 2 Dec 13:15, 13:30, 13:45 UTC."));
        QVERIFY(settings->saveButton()->isEnabled());

        // One more key and the expression is refused: the error takes the preview's place, Save waits.
        settings->cronExpressionEdit()->setCursorPosition(4);
        QTest::keyClick(settings->cronExpressionEdit(), Qt::Key_Backspace);
        QTest::keyClick(settings->cronExpressionEdit(), Qt::Key_Backspace);
        QTest::keyClicks(settings->cronExpressionEdit(), "0");
        QCOMPARE(settings->cronExpressionEdit()->text(), QString("*/0 * * * *"));
        QVERIFY2(settings->schedulePreview()->text().contains(
                     "cron expression &quot;*/0 * * * *&quot;: minute field: step must be at least 1"),
                 qPrintable(settings->schedulePreview()->text()));
        QVERIFY(!settings->saveButton()->isEnabled());

        // An interval counts from the last job's start; before any job, from the save.
        settings->intervalButton()->click();
        settings->minutesBox()->setValue(1);
        QCOMPARE(settings->minutesBox()->text(), QString("1 minute"));
        QCOMPARE(settings->schedulePreview()->text(),
                 QString("Next run: Wed 2 Dec 14:08 (Europe/Berlin, UTC+01:00), 1 minute after saving, as no "
                         "job has run yet."));
        settings->minutesBox()->setValue(90);
        QCOMPARE(settings->minutesBox()->text(), QString("90 minutes"));
    }

    void previewNamesTheDayWhereItChangesAndCountsFromTheLastJob() {
        const QDateTime now = QDateTime::fromString("2026-12-02T23:50:00Z", Qt::ISODate);
        ui::ScheduleForm cron{ui::ScheduleForm::Cron, 0, "0 0,12 * * *"};
        QCOMPARE(
            ui::schedulePreview(cron, {}, now, QTimeZone::utc()),
            QString("Next runs: Thu 3 Dec 00:00, 12:00, Fri 4 Dec 00:00 (UTC+00:00). Cron times are UTC."));
        ui::ScheduleForm interval{ui::ScheduleForm::Interval, 60, {}};
        QCOMPARE(
            ui::schedulePreview(interval, "2026-12-02T23:20:00.000Z", now, QTimeZone("America/New_York")),
            QString("Next run: Wed 2 Dec 19:20 (America/New_York, UTC-05:00), 60 minutes after the last job "
                    "started."));
        QCOMPARE(ui::schedulePreview(interval, "2026-12-02T22:00:00.000Z", now, QTimeZone::utc()),
                 QString("Next run: now, as the last job started more than 60 minutes ago."));
        bool error = false;
        QCOMPARE(
            ui::schedulePreview({ui::ScheduleForm::Cron, 0, "0 0 30 2 *"}, {}, now, QTimeZone::utc(), &error),
            QString("This expression never runs: no date matches it in the next 30 years."));
        QVERIFY(!error);
        QCOMPARE(ui::schedulePreview({ui::ScheduleForm::Manual, 0, {}}, {}, now, QTimeZone::utc()),
                 QString());
    }

    void prefixLetsASecondConnectionWriteBesideTheFirst() {
        GuiHarness h([](const QString& home) {
            test::createConnection(home, demo(home, "first", 20));
            test::createConnection(home, demo(home, "second", 7));
        });
        const QString warehouse = h.home() + "/shared.sqlite";
        QVERIFY(h.waitForConnection("first"));
        QVERIFY(h.syncUsersTo("1"));
        QTRY_COMPARE(h.streamCell("users", ui::StreamTableModel::Status), QString("succeeded"));

        // The second connection's table is the first one's: its sync fails, and says why.
        QVERIFY(h.waitForConnection("second"));
        h.window->syncAction()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(h.streamCell("users", ui::StreamTableModel::Status), QString("failed"),
                                  20000);
        auto* jobs = h.window->jobsPanel();
        QTRY_VERIFY(jobs->logModel()->text().contains("table `users` belongs to connection `first`"));
        QCOMPARE(test::queryRows(warehouse, "SELECT count(*) FROM users"), (Rows{{"20"}}));

        h.window->tabs()->setCurrentIndex(ui::MainWindow::SettingsTab);
        ui::SettingsPanel* settings = h.window->settingsPanel();
        QLineEdit* prefix = settings->prefixEdit();
        QVERIFY(prefix->isVisible());
        QCOMPARE(prefix->text(), QString());
        prefix->setText("_airbyte_mine");
        QVERIFY(!settings->saveButton()->isEnabled());
        QVERIFY2(settings->error().contains("must not start with `_airbyte_`"),
                 qPrintable(settings->error()));
        prefix->clear();
        QTest::keyClicks(prefix, "crm_");
        QVERIFY(settings->error().isEmpty());
        QVERIFY(settings->saveButton()->isEnabled());
        QTest::mouseClick(settings->saveButton(), Qt::LeftButton);
        QTRY_VERIFY(!settings->saveButton()->isEnabled());
        {
            auto store = core::Store::openInHome(h.home().toStdString());
            SLUICE_VERIFY_OK(store);
            auto saved = core::ConnectionRepository(store->db()).find("second");
            SLUICE_VERIFY_OK(saved);
            QCOMPARE(saved->settings.prefix, std::string("crm_"));
            QCOMPARE(saved->settings.retry.maxAttempts, 1); // the other settings are kept
        }

        QVERIFY(h.syncUsersTo("2"));
        QTRY_COMPARE(h.streamCell("users", ui::StreamTableModel::Status), QString("succeeded"));
        QCOMPARE(test::queryRows(warehouse, "SELECT count(*) FROM crm_users"), (Rows{{"7"}}));
        QCOMPARE(test::queryRows(warehouse, "SELECT count(*) FROM users"), (Rows{{"20"}}));
        QCOMPARE(h.streamCell("users", ui::StreamTableModel::Records), QString("7"));
    }
};

QTEST_MAIN(TestSettingsPanel)
#include "tst_settings_panel.moc"
