// The smaller things a new user met in the desktop app (issue 16, points 7 and 8): Ctrl+E from the filter
// box, Delete defaulting to Cancel, the Preferences labels, the Help menu's guide and shortcuts, errors
// that point at the streams table, the demo's fields by meaning, Save after a failed test, the
// generation inspector of a never-synced stream.
#include "dialogs/connection_dialog.h"
#include "dialogs/help_dialog.h"
#include "dialogs/preferences_dialog.h"
#include "engine/stream_choice.h"
#include "models/generation_models.h"
#include "ui_harness.h"
#include "widgets/generations_panel.h"
#include "widgets/spec_form.h"

#include <QBarSeries>
#include <QChart>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QMenuBar>
#include <QPushButton>
#include <QTableWidget>
#include <QTextBrowser>

using namespace sluice;
using test::GuiHarness;

namespace {
QMessageBox* openBox(QWidget* parent) {
    for (auto* b : parent->findChildren<QMessageBox*>())
        if (b->isVisible())
            return b;
    return nullptr;
}

QStringList formLabels(ui::SpecForm* form) {
    QStringList out;
    for (auto* l : form->findChildren<QLabel*>())
        if (l->buddy())
            out << l->buddy()->objectName();
    return out;
}
} // namespace

class TestSmallThings : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void ctrlEFromTheFilterEditsTheConnection() {
        GuiHarness h;
        QVERIFY(h.waitForConnection("demo"));
        auto* filter = h.window->findChild<QLineEdit*>("connectionFilter");
        QVERIFY(filter);
        h.window->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(h.window.get()));
        filter->setFocus();
        QTRY_VERIFY(filter->hasFocus());
        QTest::keyClick(filter, Qt::Key_E, Qt::ControlModifier);
        QTRY_VERIFY(h.window->connectionDialog() && h.window->connectionDialog()->isVisible());
        h.window->connectionDialog()->reject();
    }

    // A letter used by two items of one menu only moves between them: Alt+C, L must open Clear….
    void menuMnemonicsAreUnique() {
        GuiHarness h;
        for (QAction* menu : h.window->menuBar()->actions()) {
            QMap<QChar, QString> seen;
            for (QAction* a : menu->menu()->actions()) {
                const int amp = a->text().indexOf('&');
                if (amp < 0 || amp + 1 >= a->text().size())
                    continue;
                const QChar letter = a->text().at(amp + 1).toLower();
                QVERIFY2(!seen.contains(letter),
                         qPrintable(QString("%1: %2 and %3 share &%4")
                                        .arg(menu->text(), seen.value(letter), a->text())
                                        .arg(letter)));
                seen.insert(letter, a->text());
            }
        }
    }

    void deleteDefaultsToCancel() {
        GuiHarness h;
        QVERIFY(h.waitForConnection("demo"));
        h.window->deleteConnection();
        QMessageBox* box = nullptr;
        QTRY_VERIFY((box = openBox(h.window.get())) != nullptr);
        QCOMPARE(box->defaultButton(), box->button(QMessageBox::Cancel));
        QTest::keyClick(box, Qt::Key_Return);
        QTRY_VERIFY(!openBox(h.window.get()));
        QTest::qWait(200);
        QCOMPARE(h.window->connectionModel()->rowCount(), 1); // Enter kept it
    }

    void preferencesLabelsAreLabels() {
        ui::PreferencesDialog d(QStringLiteral("/tmp/home"));
        QStringList texts;
        bool buddyForHome = false;
        for (auto* l : d.findChildren<QLabel*>()) {
            texts << l->text();
            buddyForHome = buddyForHome || (l->text() == "&Home folder" && l->buddy());
        }
        QVERIFY2(buddyForHome, qPrintable(texts.join(" | "))); // the & is a mnemonic, not a character
        QVERIFY(texts.join(" ").contains("<code>sluice --home DIR</code>"));
    }

    void helpMenuHasTheGuideAndTheShortcuts() {
        GuiHarness h;
        QVERIFY(h.waitForConnection("demo"));
        QStringList menus;
        for (auto* a : h.window->menuBar()->actions())
            menus << a->text();
        QVERIFY(menus.contains("&Help"));
        QVERIFY(ui::GuideDialog::sections().contains("Quick start"));
        QVERIFY(ui::GuideDialog::sections().contains("Refreshes, clears and generations"));
        QVERIFY(!ui::GuideDialog::sections().contains("sluice")); // no "# comment" of a code block

        h.window->showGuide("Refreshes, clears and generations");
        QTRY_VERIFY(h.window->guide() && h.window->guide()->isVisible());
        QCOMPARE(h.window->guide()->currentSection(), QString("Refreshes, clears and generations"));
        QVERIFY(h.window->guide()->browser()->toPlainText().contains("sluicectl"));
        QVERIFY(!h.window->guide()->browser()->toHtml().contains("<img")); // no broken pictures
        QVERIFY(h.window->guide()->browser()->toPlainText().contains("The refresh dialog")); // captions stay
        h.window->guide()->sectionList()->setCurrentRow(0);
        QCOMPARE(h.window->guide()->currentSection(), ui::GuideDialog::sections().first());
        h.window->guide()->close();

        QTest::keyClick(h.window.get(), Qt::Key_Slash, Qt::ControlModifier);
        QTRY_VERIFY(h.window->shortcuts() && h.window->shortcuts()->isVisible());
        QTableWidget* t = h.window->shortcuts()->table();
        QMap<QString, QString> keys;
        for (int r = 0; r < t->rowCount(); ++r)
            keys[t->item(r, 0)->text()] = t->item(r, 1)->text();
        QCOMPARE(keys.value("Sync now"), QString("F5"));
        QCOMPARE(keys.value("Edit connection"), QString("Ctrl+E"));
        QCOMPARE(keys.value("Generations"), QString("Ctrl+3"));
        QVERIFY(keys.contains("User guide"));
        h.window->shortcuts()->close();
    }

    // The table's rule says where to fix it: the Cursor column, not `cursor_field` of the file.
    void streamErrorsPointAtTheTable() {
        core::StreamInfo info;
        info.name = "events";
        info.columns = {{"id", core::ColumnType::Integer}, {"at", core::ColumnType::String}};
        core::StreamRow row = core::streamRowOf(info, true, core::defaultStreamConfig(info));
        row.mode = "Incremental | Append";
        QCOMPARE(core::validateStreamChoice(row),
                 QString("events: choose a cursor in the Cursor column. Incremental sync reads the records "
                         "whose cursor is past the last sync's, and the source names none."));
        row.configuredCursor = "missing";
        QCOMPARE(core::validateStreamChoice(row),
                 QString("events: `missing` is not a column of this stream: choose the cursor in the Cursor "
                         "column."));
        row.configuredCursor = "at";
        QCOMPARE(core::validateStreamChoice(row), QString());
        row.mode = "Incremental | Append + Dedupe";
        QVERIFY(core::validateStreamChoice(row).startsWith(
            "events: choose a primary key in the Primary key column. Incremental | Append + Dedupe keeps"));
    }

    void demoFieldsByMeaning() {
        GuiHarness h;
        QVERIFY(h.waitForConnection("demo"));
        h.window->newConnection();
        QTRY_VERIFY(h.window->connectionDialog() && h.window->connectionDialog()->isVisible());
        auto* form = h.window->connectionDialog()->sourceForm();
        auto* layout = form->findChild<QFormLayout*>();
        QVERIFY(layout);
        QStringList order;
        for (int r = 0; r < layout->rowCount(); ++r)
            if (auto* item = layout->itemAt(r, QFormLayout::LabelRole))
                if (auto* label = qobject_cast<QLabel*>(item->widget()); label && label->buddy())
                    order << label->buddy()->objectName();
        QCOMPARE(order, (QStringList{"count", "churn", "seed", "page_size", "delay_ms", "fail_probability",
                                     "fail_after_records"}));
        // The schema preview: the columns of the stream chosen in the table, with the cursor and the key.
        ui::ConnectionDialog* d = h.window->connectionDialog();
        QTest::mouseClick(d->discoverButton(), Qt::LeftButton);
        QTRY_COMPARE(d->streamModel()->rowCount(), 3);
        QTRY_VERIFY2(
            d->schemaPreview()->text().startsWith("Columns of users: <b>id</b> (integer, primary key)"),
            qPrintable(d->schemaPreview()->text()));
        QVERIFY(d->schemaPreview()->text().contains("<b>updated_at</b> (string, cursor)"));
        h.window->connectionDialog()->reject();
    }

    void saveAfterAFailedTestAsks() {
        GuiHarness h([](const QString& home) {
            test::createConnection(home, QStringLiteral(R"({"name": "broken", "source": {"type": "file",
                "config": {"path": "%1/missing.csv"}}, "destination": {"type": "sqlite", "config":
                {"path": "%1/w.sqlite"}}, "streams": [{"name": "missing"}]})")
                                             .arg(home));
        });
        QVERIFY(h.waitForConnection("broken"));
        h.window->editConnection();
        QTRY_VERIFY(h.window->connectionDialog() && h.window->connectionDialog()->isVisible());
        ui::ConnectionDialog* d = h.window->connectionDialog();
        QTest::mouseClick(d->testButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(d->testButton()->isEnabled() && d->checkResult()->text().contains("\u2716"),
                                 10000);
        QVERIFY(d->saveButton()->isEnabled());
        QTest::mouseClick(d->saveButton(), Qt::LeftButton);
        QTRY_VERIFY(d->saveAnywayPrompt());
        QCOMPARE(d->saveAnywayPrompt()->defaultButton(), d->saveAnywayPrompt()->button(QMessageBox::Cancel));
        QVERIFY(d->saveAnywayPrompt()->informativeText().contains("Source:"));
        QVERIFY(test::clickButton(d->saveAnywayPrompt(), "Cancel"));
        QVERIFY(d->isVisible()); // not saved
        QTest::mouseClick(d->saveButton(), Qt::LeftButton);
        QTRY_VERIFY(d->saveAnywayPrompt());
        QVERIFY(test::clickButton(d->saveAnywayPrompt(), "Save anyway"));
        QTRY_VERIFY(!h.window->connectionDialog());
    }

    void inspectorOfANeverSyncedStream() {
        GuiHarness h;
        QVERIFY(h.waitForConnection("demo"));
        h.window->tabs()->setCurrentIndex(ui::MainWindow::GenerationsTab);
        auto* g = h.window->generationsPanel();
        QTRY_VERIFY(g->staleSummary()->text().contains("not been synced"));
        QVERIFY(g->chart()->series().isEmpty()); // no bars, no axis reading 1, 0, 0, 0
        QVERIFY(g->chart()->axes().isEmpty());
        QCOMPARE(g->chart()->title(), QString("Rows per generation: nothing synced yet"));
    }
};

QTEST_MAIN(TestSmallThings)
#include "tst_small_things.moc"
