// The dark theme hides nothing: in the refresh dialog every choice is drawn, chosen or not; the toolbar's
// monochrome icons are light on the dark window; the generations chart is dark from the start.
#include "dialogs/preferences_dialog.h"
#include "dialogs/refresh_dialog.h"
#include "models/refresh_choice_model.h"
#include "ui_harness.h"
#include "widgets/generations_panel.h"

#include <QChart>
#include <QSettings>
#include <QStyle>

using namespace sluice;
using test::GuiHarness;

namespace {
int lightnessDistance(const QColor& a, const QColor& b) {
    return qAbs(a.lightness() - b.lightness());
}

// Pixels of the radio indicator of `index` that stand out from the cell's background.
int visiblePixels(QTableView* view, const QModelIndex& index, bool* centreMarked) {
    const QImage image = view->viewport()->grab().toImage();
    const QRect cell = view->visualRect(index);
    QStyle* style = view->style();
    const int w = style->pixelMetric(QStyle::PM_ExclusiveIndicatorWidth, nullptr, view);
    const int h = style->pixelMetric(QStyle::PM_ExclusiveIndicatorHeight, nullptr, view);
    const QRect radio(cell.left() + 8, cell.center().y() - h / 2, w, h);
    const QColor background = image.pixelColor(cell.right() - 2, cell.center().y());
    int count = 0;
    for (int y = radio.top(); y <= radio.bottom(); ++y)
        for (int x = radio.left(); x <= radio.right(); ++x)
            count += lightnessDistance(image.pixelColor(x, y), background) > 60;
    *centreMarked = lightnessDistance(image.pixelColor(radio.center()), background) > 60;
    return count;
}
} // namespace

class TestDarkTheme : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().setValue("preferences/theme", "dark");
        ui::PreferencesDialog::applySaved();
    }
    void cleanupTestCase() { QSettings().remove("preferences/theme"); }

    void everyRefreshChoiceIsVisible() {
        GuiHarness h([](const QString& home) {
            test::createConnection(home, test::demoJson(home, "dark", "incremental", "append_dedup"));
        });
        QVERIFY(h.waitForConnection("dark"));
        QVERIFY(h.syncUsersTo("0"));
        h.window->openRefreshDialog();
        QTRY_VERIFY(h.window->refreshDialog() && h.window->refreshDialog()->isLoaded());
        auto* dialog = h.window->refreshDialog();
        QTRY_VERIFY(dialog->isVisible());
        auto* model = dialog->model();
        QVERIFY(
            model->setData(model->index(0, ui::RefreshChoiceModel::Retain), Qt::Checked, Qt::CheckStateRole));
        QCoreApplication::processEvents();
        bool marked = false;
        const int chosen =
            visiblePixels(dialog->view(), model->index(0, ui::RefreshChoiceModel::Retain), &marked);
        QVERIFY2(chosen >= 20 && marked, qPrintable(QString::number(chosen)));
        const int other =
            visiblePixels(dialog->view(), model->index(0, ui::RefreshChoiceModel::Remove), &marked);
        QVERIFY2(other >= 12, qPrintable(QString::number(other))); // its ring
        QVERIFY(!marked);
        dialog->reject();
    }

    void monochromeIconsAreLightAndTheChartIsDark() {
        GuiHarness h;
        const QImage sync = h.window->syncAction()->icon().pixmap(24).toImage();
        int opaque = 0, light = 0;
        for (int y = 0; y < sync.height(); ++y)
            for (int x = 0; x < sync.width(); ++x)
                if (sync.pixelColor(x, y).alpha() > 100) {
                    ++opaque;
                    light += sync.pixelColor(x, y).lightness() > 150;
                }
        QVERIFY(opaque > 0);
        QVERIFY2(light * 2 > opaque, qPrintable(QStringLiteral("%1 of %2").arg(light).arg(opaque)));
        QCOMPARE(h.window->generationsPanel()->chart()->theme(), QChart::ChartThemeDark);
    }
};

QTEST_MAIN(TestDarkTheme)
#include "tst_dark_theme.moc"
