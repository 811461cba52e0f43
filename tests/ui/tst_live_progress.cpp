// Progress in one mind: during a sync the Streams tab shows the records the Jobs tab shows, every stream of
// the job is listed from the start (waiting, syncing, done), the time left says which stream it covers, and a
// stream with nothing new reads "done, nothing new" with a full bar instead of an empty 0%.
#include "format.h"
#include "models/job_models.h"
#include "ui_harness.h"
#include "widgets/jobs_panel.h"

#include <QLabel>

using namespace sluice;
using test::GuiHarness;

namespace {
void setUp(const QString& home) {
    test::createConnection(home, QStringLiteral(R"({"name": "three", "source": {"type": "demo", "config":
        {"count": 6000, "page_size": 300, "delay_ms": 60}},
        "destination": {"type": "sqlite", "config": {"path": "%1/three.sqlite"}},
        "streams": [{"name": "users", "sync_mode": "incremental", "destination_sync_mode": "append_dedup"},
                    {"name": "products", "sync_mode": "incremental", "destination_sync_mode": "append"},
                    {"name": "purchases", "sync_mode": "incremental", "destination_sync_mode": "append"}]})")
                                     .arg(home));
}

int progressRow(ui::JobProgressModel* m, const QString& stream) {
    for (int r = 0; r < m->rowCount(); ++r)
        if (m->index(r, ui::JobProgressModel::Stream).data().toString() == stream)
            return r;
    return -1;
}

QString progressCell(ui::JobProgressModel* m, const QString& stream, int column) {
    const int row = progressRow(m, stream);
    return row < 0 ? QString() : m->index(row, column).data().toString();
}
qint64 committed(ui::JobProgressModel* m, const QString& stream) {
    return QLocale().toLongLong(progressCell(m, stream, ui::JobProgressModel::Committed));
}
} // namespace

class TestLiveProgress : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void streamsAndJobsShowTheSameProgress() {
        GuiHarness h(setUp);
        QVERIFY(h.waitForConnection("three"));
        ui::JobProgressModel* progress = h.window->jobsPanel()->progressModel();
        h.window->syncAction()->trigger();

        // Users runs first: its records so far are committed in the Jobs tab and shown in the Streams tab,
        // and the two streams after it are listed as waiting.
        QTRY_VERIFY_WITH_TIMEOUT(committed(progress, "users") >= 600, 20000);
        QCOMPARE(progress->rowCount(), 3);
        QCOMPARE(progressCell(progress, "products", ui::JobProgressModel::Progress), QString("waiting"));
        QCOMPARE(progressCell(progress, "purchases", ui::JobProgressModel::Progress), QString("waiting"));
        QCOMPARE(h.streamCell("users", ui::StreamTableModel::Records),
                 "+" + progressCell(progress, "users", ui::JobProgressModel::Committed));
        QVERIFY2(h.streamCell("users", ui::StreamTableModel::Status).startsWith("syncing "),
                 qPrintable(h.streamCell("users", ui::StreamTableModel::Status)));
        QCOMPARE(h.streamCell("products", ui::StreamTableModel::Status), QString("waiting"));
        // The time left is the current stream's, and says so (the others have no estimate yet).
        QTRY_VERIFY2(
            h.window->jobsPanel()->progressSummary()->text().contains("left in users, then 2 more streams"),
            qPrintable(h.window->jobsPanel()->progressSummary()->text()));

        // Later streams: users is done, and the Streams tab still agrees with the Jobs tab.
        QTRY_VERIFY_WITH_TIMEOUT(committed(progress, "products") >= 600, 20000);
        QCOMPARE(progressCell(progress, "users", ui::JobProgressModel::Progress), QString("done"));
        QCOMPARE(h.streamCell("users", ui::StreamTableModel::Status), QString("done"));
        QCOMPARE(h.streamCell("users", ui::StreamTableModel::Records), "+" + ui::formatCount(6000));

        // After the job: the destination's own counts.
        QTRY_VERIFY_WITH_TIMEOUT(h.window->syncAction()->isEnabled(), 30000);
        QTRY_COMPARE(h.streamCell("purchases", ui::StreamTableModel::Status), QString("succeeded"));
        QCOMPARE(h.streamCell("users", ui::StreamTableModel::Records), ui::formatCount(6000));
        QCOMPARE(h.streamCell("purchases", ui::StreamTableModel::Records), ui::formatCount(6000));

        // Nothing new: each stream ends "done, nothing new" with a full bar, never an empty 0%.
        h.window->syncAction()->trigger();
        QTRY_VERIFY(!h.window->syncAction()->isEnabled());
        QTRY_VERIFY_WITH_TIMEOUT(h.window->syncAction()->isEnabled(), 30000);
        for (const QString stream : {"users", "products", "purchases"}) {
            QCOMPARE(progressCell(progress, stream, ui::JobProgressModel::Progress),
                     QString("done, nothing new"));
            const int row = progressRow(progress, stream);
            QCOMPARE(progress->index(row, ui::JobProgressModel::Progress)
                         .data(ui::JobProgressModel::ProgressRole)
                         .toInt(),
                     100);
        }
        QCOMPARE(h.streamCell("users", ui::StreamTableModel::Records), ui::formatCount(6000));
    }
};

QTEST_MAIN(TestLiveProgress)
#include "tst_live_progress.moc"
