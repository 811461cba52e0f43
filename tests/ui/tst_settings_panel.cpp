// The Settings tab offers the table prefix: a connection refused because another one owns its table gets a
// prefix there (checked as it is typed), saves it, and its next sync writes tables of its own.
#include "models/job_models.h"
#include "test_support.h"
#include "ui_harness.h"
#include "widgets/jobs_panel.h"
#include "widgets/settings_panel.h"

#include <QLineEdit>
#include <QPushButton>

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
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

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
