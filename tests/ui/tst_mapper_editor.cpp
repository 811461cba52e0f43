// The mapper editor: mappers added, changed, reordered and removed in a list, previewed on the stream's first
// records read from the source (hashes as Python's hashlib gives them, rows a filter drops struck out, a
// refusal for a mapper on the key), and applied as an edit that is saved into the connection file.
#include "dialogs/mapper_editor_dialog.h"
#include "dialogs/mapper_form.h"
#include "mapping/stream_mapping.h"
#include "ui_harness.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QPushButton>
#include <QTableWidget>

using namespace sluice;
using test::GuiHarness;

namespace {
int columnOf(QTableWidget* t, const QString& name) {
    for (int c = 0; c < t->columnCount(); ++c)
        if (t->horizontalHeaderItem(c)->text() == name)
            return c;
    return -1;
}

QString cellOf(QTableWidget* t, int row, const QString& column) {
    const int c = columnOf(t, column);
    return c < 0 || !t->item(row, c) ? QString() : t->item(row, c)->text();
}

QJsonArray savedMappers(GuiHarness& h) {
    return QJsonDocument::fromJson(h.window->details().json.toUtf8())["streams"]
        .toArray()[0]
        .toObject()["mappers"]
        .toArray();
}
} // namespace

class TestMapperEditor : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void editPreviewAndSave();
};

void TestMapperEditor::editPreviewAndSave() {
    GuiHarness h([](const QString& home) {
        test::createConnection(home, test::demoJson(home, "mapped", "incremental", "append_dedup"));
    });
    QVERIFY(h.waitForConnection("mapped"));
    QVERIFY(h.syncUsersTo("0"));
    auto* panel = h.window->streamsPanel();
    QMenu* menu = panel->buildContextMenu({"users"});
    QStringList actions;
    for (auto* a : menu->actions())
        actions << a->text();
    delete menu;
    QVERIFY2(actions.contains("Edit mappers of users…"), qPrintable(actions.join("|")));

    ui::MapperEditorDialog* editor = panel->openMapperEditor("users");
    QVERIFY(editor);
    QTRY_VERIFY_WITH_TIMEOUT(editor->sampleLoaded(), 20000);
    QTableWidget* before = editor->beforeTable();
    QTableWidget* after = editor->afterTable();
    QCOMPARE(before->rowCount(), 20);
    QCOMPARE(after->rowCount(), 20); // no mappers: the records as they are
    QVERIFY(editor->applyButton()->isEnabled());
    const QString email0 = cellOf(before, 0, "email");
    QVERIFY(email0.contains('@'));

    // Hash the e-mail with SHA-256: the new column replaces the old, as lowercase hex of the UTF-8 text.
    editor->addMapper("hashing");
    editor->form()->targetField()->setCurrentText("email");
    QCOMPARE(editor->mapperList()->count(), 1);
    QCOMPARE(editor->mapperList()->item(0)->text(), QString("1. Hash email (SHA-256) as email_hashed"));
    QCOMPARE(columnOf(after, "email"), -1);
    QCOMPARE(cellOf(after, 0, "email_hashed"),
             QString(QCryptographicHash::hash(email0.toUtf8(), QCryptographicHash::Sha256).toHex()));
    editor->form()->method()->setCurrentText("MD5");
    QCOMPARE(cellOf(after, 0, "email_hashed"),
             QString(QCryptographicHash::hash(email0.toUtf8(), QCryptographicHash::Md5).toHex()));

    // Drop the rows of the first record's name: struck out in the source tab, gone after.
    const QString name0 = cellOf(before, 0, "name");
    int sameName = 0;
    for (int r = 0; r < before->rowCount(); ++r)
        sameName += cellOf(before, r, "name") == name0;
    editor->addMapper("row-filtering");
    editor->form()->filterField()->setCurrentText("name");
    editor->form()->filterValue()->setText(name0);
    editor->form()->filterExclude()->setChecked(true);
    QCOMPARE(editor->mapperList()->item(1)->text(), QString("2. Drop rows where name = %1").arg(name0));
    QCOMPARE(editor->preview().dropped, sameName);
    QCOMPARE(after->rowCount(), 20 - sameName);
    QVERIFY(before->item(0, 0)->font().strikeOut());
    QVERIFY(!editor->previewStatus()->text().contains("color"));

    // Encrypt the name: the preview's text decrypts under the key back to the source's value.
    editor->addMapper("encryption");
    editor->form()->targetField()->setCurrentText("name");
    const QString key = editor->form()->key()->text();
    QCOMPARE(key.size(), 64);
    int firstKept = 0;
    while (cellOf(before, firstKept, "name") == name0)
        ++firstKept;
    const QString encrypted = cellOf(after, 0, "name_encrypted");
    const auto plain = core::decryptAesCbc(key.toStdString(), encrypted.toStdString());
    QVERIFY2(plain.has_value(), qPrintable(encrypted));
    QCOMPARE(QString::fromStdString(*plain), cellOf(before, firstKept, "name"));
    QCOMPARE(columnOf(after, "name"), -1);

    // A mapper on the primary key is the refusal a sync would give, and cannot be applied.
    editor->addMapper("hashing");
    editor->form()->targetField()->setCurrentText("id");
    QVERIFY2(editor->previewStatus()->text().contains("`id`"), qPrintable(editor->previewStatus()->text()));
    QVERIFY(!editor->applyButton()->isEnabled());
    QCOMPARE(after->rowCount(), 0);
    editor->removeSelected();
    QCOMPARE(editor->mapperList()->count(), 3);
    QVERIFY(editor->applyButton()->isEnabled());

    // Reordered: the filter first. The names in the list follow.
    editor->selectMapper(1);
    editor->moveSelected(-1);
    QCOMPARE(editor->mapperList()->item(0)->text(), QString("1. Drop rows where name = %1").arg(name0));
    QCOMPARE(editor->mapperList()->item(1)->text(), QString("2. Hash email (MD5) as email_hashed"));
    QCOMPARE(after->rowCount(), 20 - sameName);

    QTest::mouseClick(editor->applyButton(), Qt::LeftButton);
    QTRY_VERIFY(!panel->mapperEditor());
    QVERIFY(h.streams()->isDirty());
    QCOMPARE(h.streams()->streamsNeedingRefresh(), QStringList{"users"});
    QTest::mouseClick(panel->saveButton(), Qt::LeftButton);
    QTRY_VERIFY(panel->refreshOffer() && panel->refreshOffer()->isVisible());
    QVERIFY(test::clickButton(panel->refreshOffer(), "Save without refreshing"));
    QTRY_COMPARE(savedMappers(h).size(), 3);
    const QJsonArray saved = savedMappers(h);
    QCOMPARE(saved[0].toObject()["type"].toString(), QString("row-filtering"));
    QCOMPARE(saved[1].toObject()["mapperConfiguration"].toObject()["method"].toString(), QString("MD5"));
    // The details carry the connection with its secrets for this process: the key as it was typed.
    QCOMPARE(saved[2].toObject()["mapperConfiguration"].toObject()["key"].toString(), key);

    // Opened again: the saved mappers, the key masked and previewed with a stand-in.
    editor = panel->openMapperEditor("users");
    QCOMPARE(editor->mapperList()->count(), 3);
    QTRY_VERIFY_WITH_TIMEOUT(editor->sampleLoaded(), 20000);
    QVERIFY(editor->preview().placeholderKey);
    QVERIFY(editor->previewStatus()->text().contains("stand-in key"));
    // Moved, the masked key still names the stored one: saving keeps it.
    editor->selectMapper(2);
    editor->moveSelected(-1);
    QTest::mouseClick(editor->applyButton(), Qt::LeftButton);
    QTRY_VERIFY(!panel->mapperEditor());
    QTest::mouseClick(panel->saveButton(), Qt::LeftButton);
    QTRY_VERIFY(panel->refreshOffer() && panel->refreshOffer()->isVisible());
    QVERIFY(test::clickButton(panel->refreshOffer(), "Save without refreshing"));
    QTRY_COMPARE(savedMappers(h)[1].toObject()["type"].toString(), QString("encryption"));
    QCOMPARE(savedMappers(h)[1].toObject()["mapperConfiguration"].toObject()["key"].toString(), key);
}

QTEST_MAIN(TestMapperEditor)
#include "tst_mapper_editor.moc"
