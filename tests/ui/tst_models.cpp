// Every list and table of the GUI is an item model checked with QAbstractItemModelTester, through the
// changes the engine's signals cause: resets, in-place updates, appended rows, edits.
#include "format.h"
#include "models/connection_list_model.h"
#include "models/generation_models.h"
#include "models/job_models.h"
#include "models/refresh_choice_model.h"
#include "models/stream_table_model.h"

#include <QAbstractItemModelTester>
#include <QtTest>

using namespace sluice;
using Tester = QAbstractItemModelTester;

namespace {
constexpr auto kMode = QAbstractItemModelTester::FailureReportingMode::QtTest;

core::StreamRow stream(const QString& name, const QString& mode) {
    core::StreamRow r;
    r.name = name;
    r.mode = mode;
    r.supportedModes = {"Full refresh | Overwrite", "Incremental | Append", "Incremental | Append + Dedupe"};
    r.columns = {"id", "updated_at", "total"};
    r.numericColumns = {"id", "total"};
    r.status = "succeeded";
    r.records = 10;
    r.generation = 0;
    return r;
}
} // namespace

class TestModels : public QObject {
    Q_OBJECT
private slots:
    void connectionList() {
        ui::ConnectionListModel m;
        Tester t(&m, kMode);
        core::ConnectionSummary a{1, "a", "demo", "sqlite", "idle"};
        core::ConnectionSummary b{2, "b", "demo", "sqlite", "failed", "boom"};
        m.setConnections({a, b});
        QCOMPARE(m.rowCount(), 2);
        m.setConnections({a, b}); // same ids: updated in place
        // Idle before any sync is not the green "idle" of a connection whose last job succeeded.
        QCOMPARE(m.index(0, ui::ConnectionListModel::Status).data().toString(), QString("not synced yet"));
        a.lastSync = "2026-12-01T10:00:00.000Z";
        m.setConnections({a, b});
        QCOMPARE(m.index(0, ui::ConnectionListModel::Status).data().toString(), QString("idle"));
        m.setProgress(2, 0.5);
        QCOMPARE(m.index(1, ui::ConnectionListModel::Status).data().toString(), QString("running 50%"));
        QCOMPARE(m.index(1, ui::ConnectionListModel::Route).data(Qt::ToolTipRole).toString(),
                 QString("demo \u2192 sqlite"));
        m.setConnections({b});
        QCOMPARE(m.rowCount(), 1);
        m.setConnections({});
    }

    // Airbyte's fixed lines stay in the log as they are; the job view says them as sentences.
    void logSentences() {
        QCOMPARE(ui::readableLogMessage("Number of Resumed Full Refresh Streams: {0}"),
                 QString("No full refresh to resume: refreshed streams are read from the start."));
        QCOMPARE(ui::readableLogMessage("Number of Resumed Full Refresh Streams: {2}"),
                 QString("2 full refreshes resume from their last checkpoint."));
        QCOMPARE(ui::readableLogMessage(" Resumed stream name: users namespace: null"),
                 QString("Stream users resumes its full refresh."));
        QCOMPARE(ui::readableLogMessage("stream `users` completed"), QString("stream `users` completed"));
        ui::LogModel log;
        log.setRows(
            {{1, 1, "2026-12-01T10:00:00.000Z", "INFO", "Number of Resumed Full Refresh Streams: {1}"}});
        QCOMPARE(log.index(0, ui::LogModel::Message).data().toString(),
                 QString("1 full refresh resumes from its last checkpoint."));
        QVERIFY(log.index(0, ui::LogModel::Message).data(Qt::ToolTipRole).toString().contains("{1}"));
        QVERIFY(log.text().contains("Number of Resumed Full Refresh Streams: {1}")); // copied as logged
    }

    // A soft delete (the tombstone's _ab_cdc_deleted_at set) is a deletion in the diff, not a change.
    void diffOfASoftDelete() {
        core::DiffReport d;
        d.keyColumns = {"id"};
        d.deleted.columns = {"id", "name", "_ab_cdc_deleted_at"};
        d.deleted.rows = {{"7", "Ann", "2026-12-01T10:00:00Z"}};
        const core::RowSet rows = ui::diffRows(d);
        QCOMPARE(rows.rows.size(), 1);
        QCOMPARE(rows.rows[0], (QStringList{"deleted in the source", "id=7", "_ab_cdc_deleted_at", "",
                                            "2026-12-01T10:00:00Z"}));
    }

    // A connector's own STREAM_STATUS and its byte estimate are shown per stream in the running job.
    void connectorStatusPerStream() {
        ui::JobProgressModel m;
        core::StreamProgress p;
        p.stream = "users";
        p.committed = 10;
        p.estimate = 40;
        p.phase = "running";
        p.bytesEstimate = 2500000;
        p.connectorStatus = "RUNNING";
        m.update({p});
        QCOMPARE(m.index(0, ui::JobProgressModel::SourceSays).data().toString(), QString("running"));
        QCOMPARE(m.index(0, ui::JobProgressModel::Estimate).data().toString(),
                 QString("%1 (%2)").arg(ui::formatCount(40),
                                        QLocale().formattedDataSize(2500000, 1, QLocale::DataSizeSIFormat)));
        QCOMPARE(m.index(0, ui::JobProgressModel::Progress).data().toString(), QString("25%"));
    }

    void streams() {
        ui::StreamTableModel m;
        Tester t(&m, kMode);
        m.setStreams({stream("users", "Incremental | Append"), stream("orders", "Full refresh | Overwrite")});
        QCOMPARE(m.rowCount(), 2);
        QVERIFY(!m.isDirty());
        QVERIFY(m.setData(m.index(0, ui::StreamTableModel::Cursor), "updated_at"));
        QVERIFY(m.setData(m.index(1, ui::StreamTableModel::Stream), Qt::Unchecked, Qt::CheckStateRole));
        QVERIFY(m.isDirty());
        QCOMPARE(m.streamsNeedingRefresh(), QStringList{"users"});
        QVERIFY(!m.setData(m.index(1, ui::StreamTableModel::Cursor), "x")); // full refresh uses no cursor
        QCOMPARE(m.index(1, ui::StreamTableModel::Cursor).data().toString(), QString("not used"));
        m.mergeStatus(
            {stream("users", "Incremental | Append"), stream("orders", "Full refresh | Overwrite")});
        QVERIFY(m.isDirty()); // the user's edits survive fresh status from the engine
        m.setStreams({});
    }

    void jobs() {
        ui::JobListModel jobs;
        Tester t1(&jobs, kMode);
        jobs.setRows({core::JobSummary{3,
                                       1,
                                       "refresh",
                                       "succeeded",
                                       "retain",
                                       "2024-01-01T00:00:00.000Z",
                                       "2024-01-01T00:01:05.000Z",
                                       1,
                                       1200,
                                       {},
                                       "schedule"},
                      core::JobSummary{2, 1, "sync", "succeeded", {}, {}, {}, 1, 10, {}, {}}});
        QCOMPARE(jobs.index(0, ui::JobListModel::Type).data().toString(), QString("refresh (retain)"));
        QCOMPARE(jobs.index(0, ui::JobListModel::StartedBy).data().toString(), QString("Schedule"));
        QCOMPARE(jobs.index(1, ui::JobListModel::StartedBy).data().toString(), QString("unknown"));
        QCOMPARE(jobs.index(0, ui::JobListModel::Duration).data().toString(), QString("1 min 05 s"));

        ui::JobProgressModel progress;
        Tester t2(&progress, kMode);
        progress.update({{"users", 10, 100}});
        progress.update({{"users", 50, 100}, {"orders", 5, -1}});
        QCOMPARE(progress.rowCount(), 2);
        QCOMPARE(progress.index(0, ui::JobProgressModel::Progress)
                     .data(ui::JobProgressModel::ProgressRole)
                     .toInt(),
                 50);
        QCOMPARE(progress.index(1, ui::JobProgressModel::Progress)
                     .data(ui::JobProgressModel::ProgressRole)
                     .toInt(),
                 -1);

        ui::AttemptListModel attempts;
        Tester t3(&attempts, kMode);
        attempts.setRows({{1, "failed", "2024-01-01T00:00:00Z", "2024-01-01T00:00:02Z", 0, "network"}});

        ui::LogModel log;
        Tester t4(&log, kMode);
        log.setRows({{3, 1, "2024-01-01T00:00:00.000Z", "INFO", "started"}});
        log.appendRows({{3, 1, "2024-01-01T00:00:01.000Z", "ERROR", "failed"}});
        QCOMPARE(log.rowCount(), 2);
        QVERIFY(log.text().contains("ERROR [attempt 1] failed"));
    }

    void generations() {
        ui::GenerationModel g;
        Tester t1(&g, kMode);
        g.setReport({{0, 1, "sync", "2024-01-01T00:00:00Z", 10, 2}, {1, 2, "refresh_retain", "", 10, 10}}, 1);
        QCOMPARE(g.index(1, ui::GenerationModel::Generation).data().toString(), QString("1 (current)"));
        QCOMPARE(g.index(1, ui::GenerationModel::Reason).data().toString(),
                 QString("refresh (retain records)"));

        ui::AggregateModel a;
        Tester t2(&a, kMode);
        a.setRows({{0, 2, 30.5, 15.25}});
        a.setColumnName("total");
        QCOMPARE(a.headerData(ui::AggregateModel::Sum, Qt::Horizontal).toString(), QString("sum(total)"));

        ui::RowSetModel r;
        Tester t3(&r, kMode);
        r.setRowSet({{"id", "name"}, {{"1", "a"}, {"2", "b"}}});
        QCOMPARE(r.columnCount(), 2);
        core::DiffReport diff;
        diff.keyColumns = {"id"};
        diff.added = {{"id", "name"}, {{"3", "c"}}};
        diff.changed = {{"id=1", {"name"}, {"a"}, {"A"}}};
        r.setRowSet(ui::diffRows(diff));
        QCOMPARE(r.columnCount(), 5);
        QCOMPARE(r.rowCount(), 2);
        QCOMPARE(r.index(0, 1).data().toString(), QString("id=3"));
        r.setRowSet({});
    }

    void refreshChoices() {
        ui::RefreshChoiceModel m;
        Tester t(&m, kMode);
        core::RefreshStreamPreview dedupe{
            "users", "Incremental | Append + Dedupe", true, true, true, {}, {}, {}, false, {}, 5};
        core::RefreshStreamPreview overwrite{
            "orders", "Full refresh | Overwrite", false, false, true, "not available", "not available", {},
            false, {}, 7};
        m.setPreview({dedupe, overwrite});
        QCOMPARE(m.choice(0), QString("retain"));
        QCOMPARE(m.choice(1), QString());
        QVERIFY(!(m.flags(m.index(1, ui::RefreshChoiceModel::Retain)) & Qt::ItemIsEnabled));
        QVERIFY(!m.setData(m.index(1, ui::RefreshChoiceModel::Remove), Qt::Checked, Qt::CheckStateRole));
        QVERIFY(m.choose("users", "remove"));
        QCOMPARE(m.index(0, ui::RefreshChoiceModel::Retain).data(Qt::CheckStateRole).toInt(),
                 int(Qt::Unchecked));
        QVERIFY(m.choose("orders", "clear"));
        QCOMPARE(m.choices().size(), 2);
        QVERIFY(m.choose("users", ""));
        QCOMPARE(m.choices().size(), 1);
    }
};

QTEST_MAIN(TestModels)
#include "tst_models.moc"
