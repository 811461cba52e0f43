// Selecting another connection while the shown one has unsaved edits asks first: Save keeps them (both the
// Streams and the Settings edits, in one save), Discard drops them, Stay keeps them on screen.
#include "models/stream_table_model.h"
#include "ui_harness.h"
#include "widgets/settings_panel.h"
#include "widgets/streams_panel.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>

using namespace sluice;
using test::GuiHarness;

namespace {
QString twoStreams(const QString& home, const QString& name) {
    return QStringLiteral(R"({"name": "%1", "source": {"type": "demo", "config": {"count": 20}},
        "destination": {"type": "sqlite", "config": {"path": "%2/%1.sqlite"}},
        "streams": [{"name": "users", "sync_mode": "full_refresh", "destination_sync_mode": "overwrite"},
                    {"name": "products", "sync_mode": "full_refresh", "destination_sync_mode": "overwrite"}]})")
        .arg(name, home);
}

QJsonObject stored(const QString& home, qint64 id) {
    const auto run = test::runCli(home, {"connection", "show", QString::number(id), "--json"});
    return QJsonDocument::fromJson(run.out.toUtf8()).object();
}

QStringList selectedStreams(const QJsonObject& connection) {
    QStringList out;
    for (const auto& s : connection.value("streams").toArray())
        if (s.toObject().value("selected").toBool(true))
            out << s.toObject().value("name").toString();
    return out;
}
} // namespace

class TestUnsavedEdits : public QObject {
    Q_OBJECT

    qint64 m_a = 0, m_b = 0;

    std::unique_ptr<GuiHarness> harness() {
        auto h = std::make_unique<GuiHarness>([this](const QString& home) {
            m_a = test::createConnection(home, twoStreams(home, "alpha"));
            m_b = test::createConnection(home, twoStreams(home, "beta"));
        });
        h->window->selectConnection(m_a);
        return h;
    }

    // Types a cron schedule into Settings and unticks `products` in Streams.
    static void edit(GuiHarness& h) {
        auto* settings = h.window->settingsPanel();
        settings->cronButton()->click();
        settings->cronExpressionEdit()->setText(QStringLiteral("15 3 * * *"));
        QVERIFY(settings->hasUnsavedChanges());
        auto* streams = h.streams();
        QVERIFY(streams->setData(streams->index(h.streamRow("products"), ui::StreamTableModel::Stream),
                                 Qt::Unchecked, Qt::CheckStateRole));
        QVERIFY(h.window->streamsPanel()->hasUnsavedChanges());
    }

    static void chooseOther(GuiHarness& h, qint64 other) {
        const int row = h.window->connectionModel()->rowOf(other);
        h.window->connectionView()->selectRow(row);
    }

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void stayKeepsTheEditsOnScreen() {
        auto h = harness();
        QVERIFY(h->waitForConnection("alpha"));
        edit(*h);
        chooseOther(*h, m_b);
        QTRY_VERIFY(h->window->unsavedChangesPrompt() && h->window->unsavedChangesPrompt()->isVisible());
        QVERIFY(h->window->unsavedChangesPrompt()->text().contains("Streams and Settings"));
        QCOMPARE(h->window->selectedConnectionId(), m_a);
        QVERIFY(test::clickButton(h->window->unsavedChangesPrompt(), "Stay"));
        QTRY_VERIFY(!h->window->unsavedChangesPrompt());
        QCOMPARE(h->window->details().name, QString("alpha"));
        QCOMPARE(h->window->connectionView()->selectionModel()->selectedRows().value(0).row(),
                 h->window->connectionModel()->rowOf(m_a));
        QCOMPARE(h->window->settingsPanel()->cronExpressionEdit()->text(), QString("15 3 * * *"));
        QVERIFY(h->window->streamsPanel()->hasUnsavedChanges());
        const QJsonObject a = stored(h->home(), m_a);
        QCOMPARE(a.value("settings").toObject().value("schedule").toObject().value("type").toString(),
                 QString("manual"));
        QCOMPARE(selectedStreams(a), (QStringList{"users", "products"}));
    }

    void discardDropsThem() {
        auto h = harness();
        QVERIFY(h->waitForConnection("alpha"));
        edit(*h);
        chooseOther(*h, m_b);
        QTRY_VERIFY(h->window->unsavedChangesPrompt());
        QVERIFY(test::clickButton(h->window->unsavedChangesPrompt(), "Discard"));
        QVERIFY(h->waitForConnection("beta"));
        h->window->selectConnection(m_a);
        QVERIFY(h->waitForConnection("alpha"));
        QVERIFY(!h->window->unsavedChangesPrompt());
        QVERIFY(!h->window->settingsPanel()->cronButton()->isChecked());
        QCOMPARE(h->streams()->index(h->streamRow("products"), 0).data(Qt::CheckStateRole).toInt(),
                 int(Qt::Checked));
        QCOMPARE(selectedStreams(stored(h->home(), m_a)), (QStringList{"users", "products"}));
    }

    void saveKeepsBothPanelsEdits() {
        auto h = harness();
        QVERIFY(h->waitForConnection("alpha"));
        edit(*h);
        chooseOther(*h, m_b);
        QTRY_VERIFY(h->window->unsavedChangesPrompt());
        QVERIFY(test::clickButton(h->window->unsavedChangesPrompt(), "Save"));
        QVERIFY(h->waitForConnection("beta"));
        const QJsonObject a = stored(h->home(), m_a);
        QCOMPARE(a.value("settings").toObject().value("schedule").toObject().value("expression").toString(),
                 QString("15 3 * * *"));
        QCOMPARE(selectedStreams(a), (QStringList{"users"}));
        QVERIFY(!h->window->streamsPanel()->hasUnsavedChanges());
        QVERIFY(!h->window->settingsPanel()->hasUnsavedChanges());
    }

    void anInvalidEditCanOnlyBeFixedOrDiscarded() {
        auto h = harness();
        QVERIFY(h->waitForConnection("alpha"));
        auto* settings = h->window->settingsPanel();
        settings->cronButton()->click();
        settings->cronExpressionEdit()->setText(QStringLiteral("every day"));
        chooseOther(*h, m_b);
        QTRY_VERIFY(h->window->unsavedChangesPrompt());
        QAbstractButton* save = nullptr;
        for (auto* b : h->window->unsavedChangesPrompt()->buttons())
            if (b->text() == "Save")
                save = b;
        QVERIFY(save && !save->isEnabled());
        QVERIFY(test::clickButton(h->window->unsavedChangesPrompt(), "Discard"));
        QVERIFY(h->waitForConnection("beta"));
    }
};

QTEST_MAIN(TestUnsavedEdits)
#include "tst_unsaved_edits.moc"
