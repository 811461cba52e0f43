// The refresh dialog on streams of each mode enables exactly the options of the matrix (SPEC §4); confirming
// a retain refresh makes a second generation, seen in the generation inspector with its chart, aggregate,
// diff and stale rows; Clear asks "This cannot be undone".
#include "dialogs/clear_dialog.h"
#include "dialogs/refresh_dialog.h"
#include "models/generation_models.h"
#include "models/job_models.h"
#include "models/refresh_choice_model.h"
#include "ui_harness.h"
#include "widgets/generations_panel.h"
#include "widgets/jobs_panel.h"

#include <QAction>
#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTabWidget>

using namespace sluice;
using test::GuiHarness;

class TestRefreshDialog : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void optionsFollowTheMatrix_data() {
        QTest::addColumn<QString>("syncMode");
        QTest::addColumn<QString>("destMode");
        QTest::addColumn<bool>("remove");
        QTest::addColumn<bool>("retain");
        QTest::addColumn<bool>("clear");
        QTest::newRow("Incremental | Append + Dedupe") << "incremental"
                                                       << "append_dedup" << true << true << true;
        QTest::newRow("Full refresh | Overwrite + Dedupe") << "full_refresh"
                                                           << "overwrite_dedup" << true << true << true;
        QTest::newRow("Incremental | Append") << "incremental"
                                              << "append" << false << true << true;
        QTest::newRow("Full refresh | Overwrite") << "full_refresh"
                                                  << "overwrite" << false << false << true;
        QTest::newRow("Full refresh | Append") << "full_refresh"
                                               << "append" << false << false << true;
    }

    void optionsFollowTheMatrix() {
        QFETCH(QString, syncMode);
        QFETCH(QString, destMode);
        QFETCH(bool, remove);
        QFETCH(bool, retain);
        QFETCH(bool, clear);
        GuiHarness h([&](const QString& home) {
            test::createConnection(home, test::demoJson(home, "m", syncMode, destMode));
        });
        QVERIFY(h.waitForConnection("m"));
        h.window->refreshAction()->trigger();
        QTRY_VERIFY(h.window->refreshDialog() && h.window->refreshDialog()->isLoaded());
        ui::RefreshDialog* d = h.window->refreshDialog();
        QAbstractItemModelTester tester(d->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(d->model()->rowCount(), 1);
        QCOMPARE(d->optionEnabled("users", "remove"), remove);
        QCOMPARE(d->optionEnabled("users", "retain"), retain);
        QCOMPARE(d->optionEnabled("users", "clear"), clear);
        // A disabled option says why; retain is the default where it is available.
        for (const QString kind : {"remove", "retain"})
            if (!d->optionEnabled("users", kind))
                QVERIFY2(d->optionTooltip("users", kind).contains("not available"),
                         qPrintable(d->optionTooltip("users", kind)));
        QCOMPARE(d->model()->choice(0), retain ? QString("retain") : QString());
        QCOMPARE(d->confirmButton()->isEnabled(), retain);
        QVERIFY(!d->choose("users", "remove") || remove);
        d->reject();
    }

    // A refresh whose job failed stays pending: opened again, the dialog says which stream, of which kind,
    // that the next job continues it, and what confirming now does to it.
    void saysARefreshIsAlreadyPending() {
        GuiHarness h([](const QString& home) {
            test::createConnection(home, QStringLiteral(R"({"name": "flaky",
                "source": {"type": "demo", "config": {"count": 200, "page_size": 20, "fail_after_records": 30}},
                "destination": {"type": "sqlite", "config": {"path": "%1/flaky.sqlite"}},
                "streams": [{"name": "users", "sync_mode": "incremental", "destination_sync_mode": "append_dedup"},
                            {"name": "purchases", "sync_mode": "incremental", "destination_sync_mode": "append"}],
                "settings": {"retry": {"max_attempts": 1}}})")
                                             .arg(home));
        });
        QVERIFY(h.waitForConnection("flaky"));
        h.window->openRefreshDialog({"users"});
        QTRY_VERIFY(h.window->refreshDialog() && h.window->refreshDialog()->isLoaded());
        QVERIFY(!h.window->refreshDialog()->pendingNote()->isVisible()); // nothing pending yet
        QCOMPARE(h.window->refreshDialog()->model()->choice(0), QString("retain"));
        QTest::mouseClick(h.window->refreshDialog()->confirmButton(), Qt::LeftButton);
        QTRY_VERIFY(!h.window->refreshDialog());
        auto* jobs = h.window->jobsPanel();
        QTRY_COMPARE_WITH_TIMEOUT(h.cell(jobs->jobModel(), 0, ui::JobListModel::Status), QString("failed"),
                                  20000);

        h.window->openRefreshDialog();
        QTRY_VERIFY(h.window->refreshDialog() && h.window->refreshDialog()->isLoaded());
        ui::RefreshDialog* d = h.window->refreshDialog();
        QVERIFY(d->pendingNote()->isVisible());
        const QString pending =
            "<b>A refresh is already pending:</b> users (refresh and retain records) did not "
            "finish (its job failed or was cancelled). The next job of this connection "
            "continues it where it stopped.";
        QCOMPARE(d->model()->choice(0), QString("retain"));
        QCOMPARE(d->pendingNote()->text(),
                 pending + "<br>Confirming starts users over, with the option chosen below, instead of "
                           "continuing.");
        QVERIFY(d->choose("users", QString()));
        QCOMPARE(d->pendingNote()->text(), pending + "<br>This refresh also continues users.");
        QVERIFY(d->choose("purchases", "clear"));
        QCOMPARE(d->pendingNote()->text(),
                 pending +
                     "<br>A clear touches only what it clears: the next sync or refresh continues users.");
        d->reject();
    }

    // Backfill a range: offered where the source can filter by cursor (greyed with the reason elsewhere), its
    // From/To fields enabled only while it is chosen; confirmed, the range lands in a new generation, the
    // old rows and the state stay.
    void backfillARange() {
        GuiHarness h([](const QString& home) {
            test::writeFile(home + "/events.jsonl", R"({"id": 1, "updated_at": "2024-01-01"}
{"id": 2, "updated_at": "2024-01-02"}
{"id": 3, "updated_at": "2024-01-03"}
{"id": 4, "updated_at": "2024-01-04"}
)");
            test::createConnection(home, QStringLiteral(R"({"name": "ev",
                "source": {"type": "file", "config": {"path": "%1/events.jsonl"}},
                "destination": {"type": "sqlite", "config": {"path": "%1/ev.sqlite"}},
                "streams": [{"name": "events", "sync_mode": "incremental", "destination_sync_mode": "append",
                             "cursor_field": ["updated_at"]},
                            {"name": "other", "sync_mode": "full_refresh", "destination_sync_mode": "overwrite",
                             "selected": false}]})")
                                             .arg(home));
        });
        QVERIFY(h.waitForConnection("ev"));
        h.window->syncAction()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(h.streamCell("events", ui::StreamTableModel::Generation), QString("0"),
                                  20000);
        QTRY_VERIFY(h.window->syncAction()->isEnabled());
        const auto stateBefore = test::queryRows(h.dir.path() + "/sluice.db",
                                                 "SELECT state FROM stream_state WHERE name = 'events'");

        h.window->refreshAction()->trigger();
        QTRY_VERIFY(h.window->refreshDialog() && h.window->refreshDialog()->isLoaded());
        ui::RefreshDialog* d = h.window->refreshDialog();
        QAbstractItemModelTester tester(d->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(d->model()->headerData(ui::RefreshChoiceModel::Backfill, Qt::Horizontal).toString(),
                 QString("Backfill a range"));
        QVERIFY(d->optionEnabled("events", "backfill"));
        QVERIFY(!d->fromEdit()->isEnabled());
        QVERIFY(d->choose("events", "backfill"));
        QVERIFY(d->fromEdit()->isEnabled() && d->toEdit()->isEnabled());
        QVERIFY(!d->confirmButton()->isEnabled()); // no From yet
        QTest::keyClicks(d->fromEdit(), "2024-01-02");
        QTest::keyClicks(d->toEdit(), "2024-01-03");
        QVERIFY(d->confirmButton()->isEnabled());
        QCOMPARE(d->summary()->text(),
                 QString("<b>Backfilled from the source, cursor from 2024-01-02 to 2024-01-03:</b> "
                         "events; old records and the state are kept"));
        QVERIFY(d->choose("events", "retain"));
        QVERIFY(!d->fromEdit()->isEnabled());
        QVERIFY(d->choose("events", "backfill"));
        QTest::mouseClick(d->confirmButton(), Qt::LeftButton);
        QTRY_VERIFY(!h.window->refreshDialog());
        QTRY_COMPARE_WITH_TIMEOUT(h.streamCell("events", ui::StreamTableModel::Generation), QString("1"),
                                  20000);
        QTRY_VERIFY(h.window->syncAction()->isEnabled());
        QCOMPARE(test::queryRows(
                     h.dir.path() + "/ev.sqlite",
                     "SELECT id, _airbyte_generation_id FROM events ORDER BY _airbyte_generation_id, id"),
                 (std::vector<std::vector<std::string>>{
                     {"1", "0"}, {"2", "0"}, {"3", "0"}, {"4", "0"}, {"2", "1"}, {"3", "1"}}));
        QCOMPARE(test::queryRows(h.dir.path() + "/sluice.db",
                                 "SELECT state FROM stream_state WHERE name = 'events'"),
                 stateBefore);
        auto* jobs = h.window->jobsPanel();
        QTRY_COMPARE(h.cell(jobs->jobModel(), 0, ui::JobListModel::Status), QString("succeeded"));
        QVERIFY2(h.cell(jobs->jobModel(), 0, ui::JobListModel::Type).contains("backfill"),
                 qPrintable(h.cell(jobs->jobModel(), 0, ui::JobListModel::Type)));
    }

    // Where a backfill is not available the option is greyed and says why.
    void backfillNotAvailableSaysWhy() {
        GuiHarness h([&](const QString& home) {
            test::createConnection(home, test::demoJson(home, "m", "full_refresh", "overwrite"));
        });
        QVERIFY(h.waitForConnection("m"));
        h.window->refreshAction()->trigger();
        QTRY_VERIFY(h.window->refreshDialog() && h.window->refreshDialog()->isLoaded());
        ui::RefreshDialog* d = h.window->refreshDialog();
        QVERIFY(!d->optionEnabled("users", "backfill"));
        QCOMPARE(
            d->optionTooltip("users", "backfill"),
            QString("backfill re-imports a cursor range of an incremental stream, but the stream is Full "
                    "refresh | Overwrite (a refresh re-imports it all)"));
        QVERIFY(!d->choose("users", "backfill"));
        QVERIFY(!d->fromEdit()->isEnabled());
        d->reject();
    }

    void retainRefreshMakesASecondGeneration() {
        GuiHarness h([](const QString& home) {
            test::createConnection(home, test::demoJson(home, "shop", "incremental", "append_dedup"));
        });
        QVERIFY(h.waitForConnection("shop"));
        QVERIFY(h.syncUsersTo("0"));

        h.window->refreshAction()->trigger();
        QTRY_VERIFY(h.window->refreshDialog() && h.window->refreshDialog()->isLoaded());
        ui::RefreshDialog* d = h.window->refreshDialog();
        QCOMPARE(d->model()->choice(0), QString("retain"));
        QTRY_COMPARE(d->model()->index(0, ui::RefreshChoiceModel::RowsNow).data().toString(), QString("200"));
        const auto summary = d->findChildren<QLabel*>();
        bool explained = false, warned = false, paused = false;
        for (auto* l : summary) {
            explained = explained || l->text().contains("Re-imported from the source:</b> users");
            warned = warned || l->text().contains("cannot be undone");
            paused = paused || l->text().contains("Scheduled syncs of this connection pause");
        }
        QVERIFY(explained && warned && paused);
        QTest::mouseClick(d->confirmButton(), Qt::LeftButton);
        QTRY_VERIFY(!h.window->refreshDialog());
        QTRY_COMPARE_WITH_TIMEOUT(h.streamCell("users", ui::StreamTableModel::Generation), QString("1"),
                                  20000);

        // The generation inspector shows both generations, why each was made, and a bar per generation.
        h.window->tabs()->setCurrentIndex(ui::MainWindow::GenerationsTab);
        auto* g = h.window->generationsPanel();
        QAbstractItemModelTester genTester(g->generationModel(),
                                           QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester aggTester(g->aggregateModel(),
                                           QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester diffTester(g->diffModel(),
                                            QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester staleTester(g->staleModel(),
                                             QAbstractItemModelTester::FailureReportingMode::QtTest);
        g->showStream("users");
        g->reload();
        QTRY_COMPARE(g->generationModel()->rowCount(), 2);
        QCOMPARE(g->generationModel()->index(1, ui::GenerationModel::Generation).data().toString(),
                 QString("1 (current)"));
        QCOMPARE(g->generationModel()->index(0, ui::GenerationModel::Reason).data().toString(),
                 QString("sync"));
        QCOMPARE(g->generationModel()->index(1, ui::GenerationModel::Reason).data().toString(),
                 QString("refresh (retain records)"));
        QVERIFY(g->generationModel()
                    ->index(1, ui::GenerationModel::CreatedBy)
                    .data()
                    .toString()
                    .startsWith("job #"));
        auto* series = qobject_cast<QBarSeries*>(g->chart()->series().value(0));
        QVERIFY(series);
        QCOMPARE(series->barSets().value(0)->count(), 2);

        // sum(score) per generation: both generations have rows.
        g->aggregateColumn()->setCurrentText("score");
        QTRY_VERIFY(g->aggregateModel()->headerData(2, Qt::Horizontal).toString().contains("sum(score)"));
        QCOMPARE(g->aggregateModel()->rowCount(), 2);

        // Diff generation 0 -> 1 by primary key: the refresh re-read the same version of the source.
        QCOMPARE(g->diffFrom()->currentText(), QString("0"));
        QCOMPARE(g->diffTo()->currentText(), QString("1"));
        g->runDiff();
        QTRY_COMPARE(g->diffSummary()->text(), QString("Generation 0 → 1: 0 added, 0 removed, 0 changed"));
        QCOMPARE(g->diffModel()->rowCount(), 0);
        QVERIFY(g->staleSummary()->text().contains("stale") ||
                g->staleSummary()->text().contains("No stale rows"));
    }

    void clearAsksThatItCannotBeUndone() {
        GuiHarness h([](const QString& home) {
            test::createConnection(home, test::demoJson(home, "c", "full_refresh", "overwrite"));
        });
        QVERIFY(h.waitForConnection("c"));
        h.window->clearAction()->trigger();
        QTRY_VERIFY(h.window->clearConfirmation());
        ui::ClearDialog* d = h.window->clearConfirmation();
        QVERIFY(d->warning()->text().contains("This cannot be undone"));
        QCOMPARE(d->tickedStreams(), QStringList{"users"});
        QVERIFY(d->cancelButton()->isDefault()); // Enter keeps the data
        QTest::mouseClick(d->clearButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(h.streamCell("users", ui::StreamTableModel::Status), QString("succeeded"),
                                  20000);
        QCOMPARE(h.streamCell("users", ui::StreamTableModel::Records), QString("0"));
        QCOMPARE(h.streamCell("users", ui::StreamTableModel::Generation), QString("1"));
    }

    // Clear… clears the streams the user ticks, not always every stream.
    void clearOnlyTheTickedStreams() {
        GuiHarness h([](const QString& home) {
            test::createConnection(home, QStringLiteral(R"({"name": "two", "source": {"type": "demo",
                "config": {"count": 50}}, "destination": {"type": "sqlite", "config": {"path": "%1/two.sqlite"}},
                "streams": [{"name": "users", "sync_mode": "full_refresh", "destination_sync_mode": "append"},
                            {"name": "products", "sync_mode": "full_refresh", "destination_sync_mode": "append"}]})")
                                             .arg(home));
        });
        QVERIFY(h.waitForConnection("two"));
        QVERIFY(h.syncUsersTo("1"));
        QCOMPARE(h.streamCell("products", ui::StreamTableModel::Records), QString("50"));
        h.window->clearAction()->trigger();
        QTRY_VERIFY(h.window->clearConfirmation());
        ui::ClearDialog* d = h.window->clearConfirmation();
        QCOMPARE(d->tickedStreams(), (QStringList{"users", "products"})); // nothing chosen in the table: all
        d->tick({"products"});
        QCOMPARE(d->clearButton()->text(), QString("Clear 1 stream"));
        d->tick({});
        QVERIFY(!d->clearButton()->isEnabled());
        d->tick({"products"});
        QTest::mouseClick(d->clearButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(h.streamCell("products", ui::StreamTableModel::Records), QString("0"),
                                  20000);
        QCOMPARE(h.streamCell("users", ui::StreamTableModel::Records), QString("50"));
        QCOMPARE(h.streamCell("users", ui::StreamTableModel::Generation), QString("1"));
    }
};

QTEST_MAIN(TestRefreshDialog)
#include "tst_refresh_dialog.moc"
