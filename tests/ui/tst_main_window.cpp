#include "config/connection_config.h"
#include "engine_bridge.h"
#include "main_window.h"
#include "models/connection_list_model.h"
#include "store/connection_repository.h"
#include "store/store.h"

#include <QAbstractItemModelTester>
#include <QMenuBar>
#include <QStatusBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QToolBar>
#include <QtTest>

using namespace sluice;

namespace {
void addConnection(const QString& home, const std::string& name) {
    auto store = core::Store::openInHome(home.toStdString());
    QVERIFY(store.ok());
    auto c = core::parseConnectionJson(R"({"name": ")" + name + R"(", "source": {"type": "demo"},
        "destination": {"type": "sqlite", "config": {"path": "/tmp/w.sqlite"}}, "streams": [{"name": "users"}]})",
                                       "test", "/");
    QVERIFY(c.ok());
    core::ConnectionRepository repo(store->db());
    QVERIFY(repo.create(c.value()).ok());
}

QStringList names(QAbstractItemModel* m) {
    QStringList out;
    for (int r = 0; r < m->rowCount(); ++r)
        out << m->index(r, 0).data().toString();
    return out;
}
} // namespace

class TestMainWindow : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void listsConnectionsOfTheHome() {
        QTemporaryDir home;
        addConnection(home.path(), "orders");
        addConnection(home.path(), "customers");
        ui::EngineBridge engine(home.path());
        ui::MainWindow window(&engine);
        QAbstractItemModelTester tester(window.connectionModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        window.show();
        QTRY_COMPARE(window.connectionView()->model()->rowCount(), 2);
        QCOMPARE(names(window.connectionView()->model()), (QStringList{"customers", "orders"}));

        // Menus a user expects, a toolbar and a status bar.
        QStringList menus;
        for (auto* a : window.menuBar()->actions())
            menus << a->text().remove('&');
        QCOMPARE(menus, (QStringList{"File", "Connection", "View", "Help"}));
        QVERIFY(window.findChild<QToolBar*>() != nullptr);
        QVERIFY(window.statusBar()->isVisible());

        // A connection created by another process while the window is open appears without a restart.
        addConnection(home.path(), "zebra");
        QTRY_COMPARE_WITH_TIMEOUT(window.connectionView()->model()->rowCount(), 3, 5000);
        QVERIFY(names(window.connectionView()->model()).contains("zebra"));
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
