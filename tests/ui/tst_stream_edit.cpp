// Editing streams in place: a cursor the user may pick, an invalid choice explained in place and blocking
// saving, and a change that needs a refresh offering "Save and refresh (recommended)".
#include "catalog/stream.h"
#include "dialogs/refresh_dialog.h"
#include "models/refresh_choice_model.h"
#include "ui_harness.h"

#include <QAction>
#include <QLabel>
#include <QPushButton>

using namespace sluice;
using test::GuiHarness;

namespace {
// The users stream as a source without its own cursor and key would describe it (a file, a table).
void forgetSourceDefinedCursor(const QString& home, qint64 id) {
    auto store = core::Store::openInHome(home.toStdString());
    core::ConnectionRepository repo(store->db());
    auto stored = repo.streamSchema(id, "", "users");
    QVERIFY(stored.ok() && stored.value());
    auto info = core::streamFromJson(*stored.value());
    QVERIFY(info.ok());
    info->sourceDefinedCursor = false;
    info->defaultCursorField.clear();
    info->sourceDefinedPrimaryKey.clear();
    QVERIFY(repo.setStreamSchema(id, "", "users", core::streamToJson(info.value())).ok());
}
} // namespace

class TestStreamEdit : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void editCursorOffersRefresh() {
        qint64 id = 0;
        GuiHarness h([&id](const QString& home) {
            id = test::createConnection(home, test::demoJson(home, "edit", "incremental", "append"));
        });
        QVERIFY(h.waitForConnection("edit"));
        QVERIFY(h.syncUsersTo("0"));

        forgetSourceDefinedCursor(h.home(), id);
        h.engine->engine()->loadConnection(id);
        QTRY_VERIFY(
            h.streams()->flags(h.streams()->index(h.streamRow("users"), ui::StreamTableModel::Cursor)) &
            Qt::ItemIsEditable);
        auto* panel = h.window->streamsPanel();
        QAbstractItemModelTester tester(h.streams(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(!panel->saveButton()->isEnabled());

        // An invalid cursor is explained in place and blocks saving.
        const QModelIndex cursor = h.streams()->index(h.streamRow("users"), ui::StreamTableModel::Cursor);
        QVERIFY(h.streams()->setData(cursor, "no_such_field"));
        QVERIFY(h.streams()
                    ->index(cursor.row(), ui::StreamTableModel::Stream)
                    .data(Qt::ToolTipRole)
                    .toString()
                    .contains("`no_such_field` is not a column of this stream: choose the cursor in the "
                              "Cursor column"));
        QVERIFY(!panel->saveButton()->isEnabled());

        // A valid one can be saved, and since the stream was synced with another cursor, a refresh is
        // offered.
        QVERIFY(h.streams()->setData(cursor, "created_at"));
        QCOMPARE(h.streamCell("users", ui::StreamTableModel::Cursor), QString("created_at"));
        QVERIFY(panel->saveButton()->isEnabled());
        QTest::mouseClick(panel->saveButton(), Qt::LeftButton);
        QTRY_VERIFY(panel->refreshOffer() && panel->refreshOffer()->isVisible());
        QStringList buttons;
        for (auto* b : panel->refreshOffer()->buttons())
            buttons << b->text();
        QVERIFY2(buttons.contains("Save and refresh (recommended)"), qPrintable(buttons.join("|")));
        QVERIFY(buttons.contains("Save without refreshing"));
        QVERIFY(test::clickButton(panel->refreshOffer(), "Save and refresh"));

        // Saved, then the refresh dialog asks for confirmation with the stream pre-selected to retain.
        QTRY_VERIFY(h.window->refreshDialog() && h.window->refreshDialog()->isLoaded());
        QCOMPARE(h.window->refreshDialog()->model()->choice(0), QString("retain"));
        QTRY_COMPARE(h.window->details().json.contains("created_at"), true);
        QVERIFY(!h.streams()->isDirty());
        h.window->refreshDialog()->reject();
    }

    void modeChangeWithoutRefresh() {
        GuiHarness h([](const QString& home) {
            test::createConnection(home, test::demoJson(home, "mode", "incremental", "append_dedup"));
        });
        QVERIFY(h.waitForConnection("mode"));
        QVERIFY(h.syncUsersTo("0"));
        const QModelIndex mode = h.streams()->index(h.streamRow("users"), ui::StreamTableModel::Mode);
        QCOMPARE(h.streams()
                     ->index(mode.row(), ui::StreamTableModel::Mode)
                     .data(StreamRoleChoices)
                     .toStringList()
                     .size(),
                 5);
        QVERIFY(h.streams()->setData(mode, "Incremental | Append"));
        QVERIFY(!h.streams()->setData(mode, "Incremental | Overwrite")); // not one of the five labels
        auto* panel = h.window->streamsPanel();
        QTest::mouseClick(panel->saveButton(), Qt::LeftButton);
        QTRY_VERIFY(panel->refreshOffer());
        QVERIFY(test::clickButton(panel->refreshOffer(), "Save without refreshing"));
        QTRY_VERIFY(h.window->details().json.contains("\"destination_sync_mode\": \"append\""));
        QVERIFY(!h.window->refreshDialog());
        QCOMPARE(h.streamCell("users", ui::StreamTableModel::Mode), QString("Incremental | Append"));
    }

private:
    static constexpr int StreamRoleChoices = ui::StreamTableModel::ChoicesRole;
};

QTEST_MAIN(TestStreamEdit)
#include "tst_stream_edit.moc"
