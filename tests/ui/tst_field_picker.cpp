// The streams table's field picker: the discovered columns as a checklist with the key and the cursor checked
// and locked; applying a selection is an edit that, on a synced stream, asks about a refresh before saving.
#include "dialogs/field_picker_dialog.h"
#include "ui_harness.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QListWidget>
#include <QPushButton>

using namespace sluice;
using test::GuiHarness;

class TestFieldPicker : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void pickFieldsOfASyncedStream();
};

void TestFieldPicker::pickFieldsOfASyncedStream() {
    GuiHarness h([](const QString& home) {
        test::createConnection(home, test::demoJson(home, "pick", "incremental", "append_dedup"));
    });
    QVERIFY(h.waitForConnection("pick"));
    QVERIFY(h.syncUsersTo("0"));
    auto* panel = h.window->streamsPanel();
    ui::FieldPickerDialog* picker = panel->openFieldPicker("users");
    QVERIFY(picker);
    QTRY_VERIFY(picker->isVisible());
    QListWidget* list = picker->fieldList();
    QStringList shown, locked;
    for (int i = 0; i < list->count(); ++i) {
        QListWidgetItem* item = list->item(i);
        shown << item->text();
        QCOMPARE(item->checkState(), Qt::Checked); // no selection yet: every field
        if (!(item->flags() & Qt::ItemIsEnabled))
            locked << item->data(Qt::UserRole).toString();
    }
    QCOMPARE(shown.first(), QString("id (key or cursor)"));
    QVERIFY2(shown.contains("email"), qPrintable(shown.join("|")));
    QCOMPARE(locked, (QStringList{"id", "updated_at"}));

    // Keep only the e-mail besides the key and the cursor.
    for (int i = 0; i < list->count(); ++i) {
        QListWidgetItem* item = list->item(i);
        const QString name = item->data(Qt::UserRole).toString();
        if (item->flags() & Qt::ItemIsEnabled)
            item->setCheckState(name == "email" ? Qt::Checked : Qt::Unchecked);
    }
    QCOMPARE(picker->checkedFields(), (QStringList{"id", "email", "updated_at"}));
    QTest::mouseClick(picker->applyButton(), Qt::LeftButton);
    QTRY_VERIFY(!panel->fieldPicker());
    QVERIFY(h.streams()->isDirty());
    QCOMPARE(h.streams()->streamsNeedingRefresh(), QStringList{"users"});

    // Saving asks, as for a changed cursor; saved without a refresh, the connection has the selection.
    QVERIFY(panel->saveButton()->isEnabled());
    QTest::mouseClick(panel->saveButton(), Qt::LeftButton);
    QTRY_VERIFY(panel->refreshOffer() && panel->refreshOffer()->isVisible());
    QVERIFY(test::clickButton(panel->refreshOffer(), "Save without refreshing"));
    QTRY_VERIFY(h.window->details().json.contains("selected_fields"));
    const QJsonObject users =
        QJsonDocument::fromJson(h.window->details().json.toUtf8())["streams"].toArray()[0].toObject();
    QCOMPARE(users["selected_fields"].toArray(), (QJsonArray{"id", "email", "updated_at"}));
    QVERIFY(!h.streams()->isDirty());

    // Opened again, the picker shows the saved selection.
    picker = panel->openFieldPicker("users");
    QStringList checked = picker->checkedFields();
    QCOMPARE(checked, (QStringList{"id", "email", "updated_at"}));
    picker->reject();
}

QTEST_MAIN(TestFieldPicker)
#include "tst_field_picker.moc"
