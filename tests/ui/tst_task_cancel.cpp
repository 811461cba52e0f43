// A connector that hangs in check never freezes the window: the check is a task of the engine that the
// dialog and the status bar show, with a Cancel that stops the connector.
#include "dialogs/connection_dialog.h"
#include "stall_monitor.h"
#include "ui_harness.h"
#include "widgets/task_busy_bar.h"

#include <QLabel>
#include <QPushButton>

using namespace sluice;
using test::GuiHarness;

namespace {
// The longest the GUI's event loop may stall while a connector hangs.
constexpr qint64 kMaxGapMs = 100;

QString hungCheckJson(const QString& home) {
    return QStringLiteral(R"({"name": "hung", "source": {"type": "airbyte", "config": {"command": ["%1"],
        "config": {"sleep_in": "check", "pid_file": "%2/connector.pid"}}},
        "destination": {"type": "sqlite", "config": {"path": "%2/w.sqlite"}}, "streams": [{"name": "users"}]})")
        .arg(test::dataPath("connectors/fake_source.py"), home);
}

qint64 connectorPid(const QString& home) {
    return test::pidInFile(home + "/connector.pid");
}

} // namespace

class TestTaskCancel : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void windowStaysResponsiveWhileACheckHangsAndCancelStopsIt() {
        GuiHarness h([](const QString& home) { test::createConnection(home, hungCheckJson(home)); });
        QVERIFY(h.waitForConnection("hung"));
        h.window->editConnection();
        QTRY_VERIFY(h.window->connectionDialog() && h.window->connectionDialog()->isVisible());
        ui::ConnectionDialog* d = h.window->connectionDialog();

        QTest::mouseClick(d->testButton(), Qt::LeftButton);
        ui::TaskBusyBar* busy = d->busyIndicator();
        QVERIFY(busy->isVisible());
        QTRY_VERIFY(connectorPid(h.home()) > 0); // the connector runs, and hangs
        const qint64 connector = connectorPid(h.home());
        QTRY_VERIFY(busy->cancelButton()->isEnabled());
        QCOMPARE(busy->label()->text(), QStringLiteral("Testing connection\u2026"));
        // The status bar shows it too, once it has run for a moment.
        QTRY_VERIFY(h.window->taskBar()->isVisible());
        QCOMPARE(h.window->taskBar()->label()->text(), QStringLiteral("Testing connection\u2026"));

        const qint64 stall = test::longestStall(1000);
        qInfo("with a connector hanging in check, the GUI's event loop stalled at most %lld ms", stall);
        QVERIFY2(stall < kMaxGapMs, qPrintable(QStringLiteral("the event loop stalled %1 ms").arg(stall)));
        // The window still gets the engine's answers: reloading the list shows the connection.
        QSignalSpy list(h.engine.get(), &ui::EngineBridge::connectionsChanged);
        h.engine->refreshConnections();
        QVERIFY(list.wait(1000));

        QTest::mouseClick(busy->cancelButton(), Qt::LeftButton);
        QTRY_VERIFY(d->checkResult()->text().contains("cancelled"));
        QVERIFY(test::processGone(connector));
        QVERIFY(!busy->isVisible());
        QTRY_VERIFY(!h.window->taskBar()->isVisible());
        QVERIFY(d->testButton()->isEnabled());

        // The status bar's Cancel stops a check as well.
        QFile::remove(h.home() + "/connector.pid");
        QTest::mouseClick(d->testButton(), Qt::LeftButton);
        QTRY_VERIFY(connectorPid(h.home()) > 0);
        QTRY_VERIFY(h.window->taskBar()->isVisible() && h.window->taskBar()->cancelButton()->isEnabled());
        QTest::mouseClick(h.window->taskBar()->cancelButton(), Qt::LeftButton);
        QTRY_VERIFY(d->checkResult()->text().contains("cancelled"));
        QVERIFY(test::processGone(connectorPid(h.home())));
    }

    // Closing the dialog cancels its check: nobody waits for that answer any more.
    void closingTheDialogStopsItsCheck() {
        GuiHarness h([](const QString& home) { test::createConnection(home, hungCheckJson(home)); });
        QVERIFY(h.waitForConnection("hung"));
        h.window->editConnection();
        QTRY_VERIFY(h.window->connectionDialog() && h.window->connectionDialog()->isVisible());
        QTest::mouseClick(h.window->connectionDialog()->testButton(), Qt::LeftButton);
        QTRY_VERIFY(connectorPid(h.home()) > 0);
        h.window->connectionDialog()->reject();
        QTRY_VERIFY(test::processGone(connectorPid(h.home())));
    }
};

QTEST_MAIN(TestTaskCancel)
#include "tst_task_cancel.moc"
