// Issue 14 in the desktop app: "Sync … only" on a stream's row, and the state editor of a stream with its
// confirmation, history and undo.
#include "dialogs/state_dialog.h"
#include "models/job_models.h"
#include "store/job_repository.h"
#include "ui_harness.h"
#include "util/home.h"
#include "widgets/jobs_panel.h"

#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QTableWidget>

using namespace sluice;
using test::GuiHarness;

namespace {
QString twoStreams(const QString& home) {
    return QStringLiteral(R"({"name": "shop", "source": {"type": "demo", "config": {"count": 50}},
        "destination": {"type": "sqlite", "config": {"path": "%1/shop.sqlite"}},
        "streams": [{"name": "users", "sync_mode": "incremental", "destination_sync_mode": "append_dedup"},
                    {"name": "purchases", "sync_mode": "incremental", "destination_sync_mode": "append"}]})")
        .arg(home);
}

QAction* actionNamed(QMenu* menu, const QString& text) {
    for (auto* a : menu->actions())
        if (a->text() == text)
            return a;
    return nullptr;
}

// The streams of a job, as `sluicectl jobs` shows them.
QStringList jobStreams(const QString& home, qint64 jobId) {
    auto db = core::Database::open(core::storePath(home.toStdString()), core::Database::Mode::ReadOnly);
    QStringList out;
    if (!db)
        return out;
    core::JobRepository jobs(db.value());
    if (auto streams = jobs.streams(jobId))
        for (const auto& s : streams.value())
            out << QString::fromStdString(s.name);
    return out;
}

QAbstractButton* buttonNamed(QMessageBox* box, const QString& text) {
    for (auto* b : box->buttons())
        if (b->text() == text)
            return b;
    return nullptr;
}
} // namespace

class TestStreamControlGui : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void syncOneStreamFromItsRow() {
        GuiHarness h([](const QString& home) { test::createConnection(home, twoStreams(home)); });
        QVERIFY(h.waitForConnection("shop"));
        QVERIFY(h.syncUsersTo("0"));
        auto* jobs = h.window->jobsPanel()->jobModel();
        QTRY_COMPARE(jobs->rowCount(), 1);

        std::unique_ptr<QMenu> menu(h.window->streamsPanel()->buildContextMenu({"purchases"}));
        QAction* only = actionNamed(menu.get(), "Sync purchases only");
        QVERIFY(only);
        only->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(jobs->rowCount(), 2, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(h.cell(jobs, 0, ui::JobListModel::Status), QString("succeeded"), 20000);
        const qint64 jobId = jobs->index(0, 0).data(ui::JobListModel::IdRole).toLongLong();
        QCOMPARE(jobStreams(h.home(), jobId), QStringList{"purchases"});
        QCOMPARE(jobStreams(h.home(), jobId - 1), (QStringList{"users", "purchases"}));
    }

    void editStateConfirmAndUndo() {
        GuiHarness h([](const QString& home) { test::createConnection(home, twoStreams(home)); });
        QVERIFY(h.waitForConnection("shop"));
        QVERIFY(h.syncUsersTo("0"));

        std::unique_ptr<QMenu> menu(h.window->streamsPanel()->buildContextMenu({"users"}));
        actionNamed(menu.get(), QString("State of users") + QChar(0x2026))->trigger();
        QTRY_VERIFY(h.window->stateDialog());
        ui::StateDialog* d = h.window->stateDialog();
        QTRY_VERIFY(d->currentState()->toPlainText().contains("\"cursor\""));
        const QString original = d->currentState()->toPlainText();
        QVERIFY(d->byCursor()->isEnabled());
        QVERIFY(d->byCursor()->isChecked());
        QVERIFY(!d->setButton()->isEnabled()); // nothing typed yet
        QVERIFY(!d->undoButton()->isEnabled());
        QCOMPARE(d->history()->rowCount(), 0);

        d->cursorEdit()->setText("2000-01-01");
        QVERIFY(d->setButton()->isEnabled());
        QTest::mouseClick(d->setButton(), Qt::LeftButton);
        QTRY_VERIFY(d->confirmation());
        QMessageBox* box = d->confirmation();
        QVERIFY2(box->informativeText().contains(
                     QRegularExpression("After: \\{ \"cursor\": \"2000-01-01\"(, \"version\": \\d+)? \\}")),
                 qPrintable(box->informativeText()));
        QVERIFY2(box->informativeText().contains("at or after \"2000-01-01\""),
                 qPrintable(box->informativeText()));
        QCOMPARE(box->defaultButton(), box->button(QMessageBox::Cancel)); // Enter changes nothing
        buttonNamed(box, "Set state")->click();
        QTRY_COMPARE(d->history()->rowCount(), 1);
        QTRY_VERIFY(d->currentState()->toPlainText().contains("\"cursor\": \"2000-01-01\""));
        QCOMPARE(d->history()->item(0, 1)->text(), QString("set"));
        QCOMPARE(d->history()->item(0, 2)->text(), QString("gui"));
        QVERIFY(d->message()->text().startsWith("State saved"));
        QVERIFY(d->undoButton()->isEnabled());

        QTest::mouseClick(d->undoButton(), Qt::LeftButton);
        QTRY_VERIFY(d->confirmation());
        buttonNamed(d->confirmation(), "Undo edit")->click();
        QTRY_COMPARE(d->history()->rowCount(), 2);
        QTRY_COMPARE(d->currentState()->toPlainText(), original);
        QCOMPARE(d->history()->item(0, 1)->text(), QString("undo"));
        QVERIFY(!d->undoButton()->isEnabled());
    }

    void refusedEditShowsWhyAndKeepsTheState() {
        GuiHarness h([](const QString& home) { test::createConnection(home, twoStreams(home)); });
        QVERIFY(h.waitForConnection("shop"));
        QVERIFY(h.syncUsersTo("0"));
        h.window->openStateDialog("users");
        QTRY_VERIFY(h.window->stateDialog());
        ui::StateDialog* d = h.window->stateDialog();
        QTRY_VERIFY(d->currentState()->toPlainText().contains("\"cursor\""));
        const QString original = d->currentState()->toPlainText();
        d->byJson()->setChecked(true);
        d->jsonEdit()->setPlainText(R"({"cursor": "2000-01-01", "page": 3})");
        QTest::mouseClick(d->setButton(), Qt::LeftButton);
        QTRY_VERIFY(d->message()->text().contains("has `page`"));
        QVERIFY(!d->confirmation());
        QCOMPARE(d->currentState()->toPlainText(), original);
        QCOMPARE(d->history()->rowCount(), 0);
    }
};

QTEST_MAIN(TestStreamControlGui)
#include "tst_stream_control_gui.moc"
