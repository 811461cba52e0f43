// Long text never breaks the window: a 120-character connection name and a 500-character failure in the
// header at 1024x700 leave every control on the screen, the connection list readable, and the window no wider
// than the screen, also when it is opened again.
#include "ui_harness.h"
#include "widgets/settings_panel.h"
#include "widgets/streams_panel.h"

#include <QDir>
#include <QFile>
#include <QLabel>
#include <QPushButton>
#include <QScreen>
#include <QSplitter>
#include <QToolBar>

using namespace sluice;
using test::GuiHarness;

namespace {
const QString kLongName = QStringLiteral("Customer orders from the regional warehouses of the northern "
                                         "sales territories, nightly reconciliation copy 2026");

// A connection whose last sync failed with a message of about 500 characters (the missing file's long path).
void createFailedConnection(const QString& home) {
    QString dir = home + "/data";
    for (int i = 0; i < 4; ++i)
        dir += "/" + QString(100, QChar('a' + i));
    QVERIFY(QDir().mkpath(dir));
    const QString csv = dir + "/orders.csv";
    QFile f(csv);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("id,total\n1,10\n");
    f.close();
    const QString json =
        QStringLiteral(R"({"name": "%1", "source": {"type": "file", "config": {"path": "%2"}},
        "destination": {"type": "sqlite", "config": {"path": "%3/out.sqlite"}},
        "streams": [{"name": "orders", "sync_mode": "full_refresh", "destination_sync_mode": "overwrite"}],
        "settings": {"retry": {"max_attempts": 1}}})")
            .arg(kLongName, csv, home);
    test::createConnection(home, json);
    QVERIFY(QFile::remove(csv));
    QCOMPARE(test::runCli(home, {"sync", "1"}).exitCode, 1);
}

// Every visible button and tool button of the window lies inside it.
QStringList offWindow(QWidget* window) {
    QStringList out;
    const QRect inside = window->rect();
    for (auto* b : window->findChildren<QAbstractButton*>()) {
        if (!b->isVisibleTo(window) || b->window() != window)
            continue;
        const QRect r(b->mapTo(window, QPoint(0, 0)), b->size());
        if (!inside.contains(r))
            out << QStringLiteral("%1 at %2,%3 %4x%5")
                       .arg(b->text().isEmpty() ? b->objectName() : b->text())
                       .arg(r.x())
                       .arg(r.y())
                       .arg(r.width())
                       .arg(r.height());
    }
    return out;
}
} // namespace

class TestLongText : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
    }

    void longNameAndErrorFitAt1024x700() {
        GuiHarness h([](const QString& home) { createFailedConnection(home); });
        h.window->resize(1024, 700);
        QVERIFY(h.waitForConnection(kLongName));
        // The header tells the failure.
        QLabel* title = nullptr;
        for (auto* l : h.window->findChildren<QLabel*>())
            if (l->text().contains("cannot read"))
                title = l;
        QTRY_VERIFY(title || [&] {
            for (auto* l : h.window->findChildren<QLabel*>())
                if (l->text().contains("cannot read"))
                    title = l;
            return title != nullptr;
        }());
        QCoreApplication::processEvents();

        QVERIFY2(h.window->minimumSizeHint().width() <= 1024,
                 qPrintable(QString::number(h.window->minimumSizeHint().width())));
        QVERIFY2(h.window->width() <= 1024, qPrintable(QString::number(h.window->width())));
        const QStringList off = offWindow(h.window.get());
        QVERIFY2(off.isEmpty(), qPrintable(off.join("; ")));
        QVERIFY(h.window->streamsPanel()->saveButton()->isVisible());
        // The whole message is one hover away.
        QVERIFY(title->toolTip().contains("orders.csv: No such file or directory"));
        // The connection list keeps room for its names.
        QVERIFY2(h.window->connectionView()->width() >= 200,
                 qPrintable(QString::number(h.window->connectionView()->width())));

        // Settings too: its buttons are on screen.
        h.window->tabs()->setCurrentWidget(h.window->settingsPanel());
        QCoreApplication::processEvents();
        QVERIFY(h.window->width() <= 1024);
        const QStringList offSettings = offWindow(h.window.get());
        QVERIFY2(offSettings.isEmpty(), qPrintable(offSettings.join("; ")));
    }

    void aSavedGeometryWiderThanTheScreenComesBackOnIt() {
        const QSize screen = QGuiApplication::primaryScreen()->availableSize();
        {
            GuiHarness h([](const QString& home) { createFailedConnection(home); });
            h.window->setGeometry(0, 0, screen.width() + 600, 700);
            h.window->close(); // saves its geometry
        }
        GuiHarness h([](const QString& home) { createFailedConnection(home); });
        QVERIFY(h.waitForConnection(kLongName));
        QCOMPARE(screen, QSize(1280, 800)); // tests/ui/offscreen_screen.json
        QVERIFY2(h.window->width() <= screen.width(),
                 qPrintable(QStringLiteral("%1 > %2").arg(h.window->width()).arg(screen.width())));
    }
};

QTEST_MAIN(TestLongText)
#include "tst_long_text.moc"
