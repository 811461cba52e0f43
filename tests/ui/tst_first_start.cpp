// First start: an empty home gets the demo connection, selected, with a hint to press Sync; deleting it does
// not bring it back. Also the window's standard shortcuts, accessible names and remembered geometry.
#include "ui_harness.h"

#include <QAction>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QTabWidget>

using namespace sluice;
using test::GuiHarness;

class TestFirstStart : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void emptyHomeShowsTheDemoSelected() {
        GuiHarness h;
        QAbstractItemModelTester tester(h.window->connectionModel(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester streams(h.streams(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(h.waitForConnection("demo"));
        QCOMPARE(h.window->connectionView()->model()->rowCount(), 1);
        QVERIFY(h.window->connectionView()->selectionModel()->isRowSelected(0, {}));
        QVERIFY(h.window->hintLabel()->isVisible());
        QVERIFY(h.window->hintLabel()->text().contains("Press <b>Sync</b>"));
        QVERIFY(h.window->hintLabel()->text().contains("demo.sqlite"));

        // The demo's streams, with the modes of the seed and the source's own cursor and key.
        QCOMPARE(h.streams()->rowCount(), 3);
        QCOMPARE(h.streamCell("users", ui::StreamTableModel::Mode), QString("Incremental | Append + Dedupe"));
        QCOMPARE(h.streamCell("products", ui::StreamTableModel::Mode), QString("Full refresh | Overwrite"));
        QCOMPARE(h.streamCell("purchases", ui::StreamTableModel::Mode), QString("Incremental | Append"));
        QCOMPARE(h.streamCell("users", ui::StreamTableModel::Cursor), QString("updated_at (source-defined)"));
        QCOMPARE(h.streamCell("users", ui::StreamTableModel::PrimaryKey), QString("id (source-defined)"));
        const QModelIndex cursor = h.streams()->index(h.streamRow("users"), ui::StreamTableModel::Cursor);
        QVERIFY(!(h.streams()->flags(cursor) & Qt::ItemIsEditable));
        QCOMPARE(h.streamCell("users", ui::StreamTableModel::Status), QString("not synced"));
        QVERIFY(h.window->syncAction()->isEnabled());
        QVERIFY(!h.window->cancelAction()->isEnabled());
    }

    void deletedDemoDoesNotComeBack() {
        QTemporaryDir keep;
        qint64 id = 0;
        {
            ui::EngineBridge engine(keep.path());
            ui::MainWindow window(&engine);
            window.show();
            QTRY_COMPARE(window.connectionModel()->rowCount(), 1);
            id = window.connectionModel()->connectionAt(0)->id;
            engine.engine()->deleteConnection(id);
            QTRY_COMPARE(window.connectionModel()->rowCount(), 0);
        }
        ui::EngineBridge engine(keep.path());
        ui::MainWindow window(&engine);
        window.show();
        QSignalSpy listed(&engine, &ui::EngineBridge::connectionsChanged);
        QTRY_VERIFY(listed.count() >= 1);
        QCOMPARE(window.connectionModel()->rowCount(), 0);
        QVERIFY(!window.hintLabel()->isVisible());
    }

    void standardShortcutsAndAccessibleNames() {
        GuiHarness h;
        QVERIFY(h.waitForConnection("demo"));
        QCOMPARE(h.window->newAction()->shortcut(), QKeySequence(QKeySequence::New));
        QCOMPARE(h.window->syncAction()->shortcut(), QKeySequence(Qt::Key_F5));
        bool findShortcut = false;
        for (auto* a : h.window->findChildren<QAction*>())
            findShortcut = findShortcut || (a->shortcut() == QKeySequence(QKeySequence::Find));
        QVERIFY(findShortcut);
        // Ctrl+F puts the focus in the filter, and the filter narrows the list.
        QTest::keyClick(h.window.get(), Qt::Key_F, Qt::ControlModifier);
        auto* filter = qobject_cast<QLineEdit*>(QApplication::focusWidget());
        QVERIFY(filter);
        QTest::keyClicks(filter, "zzz");
        QCOMPARE(h.window->connectionView()->model()->rowCount(), 0);
        filter->clear();
        QCOMPARE(h.window->connectionView()->model()->rowCount(), 1);
        for (auto* w : h.window->findChildren<QAbstractItemView*>())
            if (w->isVisible() && !qobject_cast<QHeaderView*>(w))
                QVERIFY2(!w->accessibleName().isEmpty(), qPrintable(w->metaObject()->className()));
        for (auto* w : h.window->findChildren<QLineEdit*>())
            if (w->isVisible())
                QVERIFY2(!w->accessibleName().isEmpty(), qPrintable(w->placeholderText()));
    }

    void windowRemembersItsGeometry() {
        QSettings().remove("mainWindow/geometry");
        {
            GuiHarness h;
            h.window->resize(1100, 700);
            QTRY_COMPARE(h.window->width(), 1100);
            h.window->close();
        }
        GuiHarness again;
        QTRY_COMPARE(again.window->size(), QSize(1100, 700));
    }
};

QTEST_MAIN(TestFirstStart)
#include "tst_first_start.moc"
