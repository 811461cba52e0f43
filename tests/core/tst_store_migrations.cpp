#include "store/connection_repository.h"
#include "store/migrations.h"
#include "store/store.h"
#include "test_support.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using namespace sluice::core;

class TestStoreMigrations : public QObject {
    Q_OBJECT
private slots:
    void freshStoreIsCurrentAndWal() {
        QTemporaryDir dir;
        auto store = Store::open((dir.path() + "/sluice.db").toStdString());
        QVERIFY2(store.ok(), store.ok() ? "" : store.error().message.c_str());
        QCOMPARE(storeSchemaVersion(store->db()), kSchemaVersion);
        auto st = store->db().prepare("PRAGMA journal_mode");
        QVERIFY(st.ok());
        QVERIFY(st->step().value());
        QCOMPARE(st->getText(0), std::string("wal"));
        QVERIFY(store->db().tableExists("pending_refreshes"));
        QVERIFY(store->db().tableExists("job_logs"));
    }

    // A database written by the first released schema opens, migrates, and keeps its data.
    void migratesVersionOneDatabase() {
        QTemporaryDir dir;
        const QString copy = dir.path() + "/sluice.db";
        QVERIFY(QFile::copy(sluice::test::dataPath("store_v1.sqlite"), copy));
        QFile::setPermissions(copy, QFile::ReadOwner | QFile::WriteOwner);
        {
            auto raw = Database::open(copy.toStdString());
            QVERIFY(raw.ok());
            QCOMPARE(storeSchemaVersion(raw.value()), 1);
            QVERIFY(!raw->tableExists("pending_refreshes"));
        }
        auto store = Store::open(copy.toStdString());
        QVERIFY2(store.ok(), store.ok() ? "" : store.error().message.c_str());
        QCOMPARE(storeSchemaVersion(store->db()), kSchemaVersion);
        QVERIFY(store->db().tableExists("pending_refreshes"));

        ConnectionRepository repo(store->db());
        auto list = repo.list();
        QVERIFY2(list.ok(), list.ok() ? "" : list.error().message.c_str());
        QCOMPARE(list->size(), size_t(1));
        QCOMPARE(list->front().name, std::string("legacy"));
        QCOMPARE(list->front().streams.size(), size_t(1));
        QVERIFY(list->front().streams.front().mode.destination == DestinationSyncMode::AppendDedup);
        auto cancel = store->db().queryInt("SELECT cancel_requested FROM jobs WHERE id = 1");
        QVERIFY(cancel.ok());
        QCOMPARE(cancel.value().value_or(-1), int64_t(0));
    }

    void refusesNewerDatabase() {
        QTemporaryDir dir;
        const std::string path = (dir.path() + "/sluice.db").toStdString();
        {
            auto db = Database::open(path);
            QVERIFY(db->exec("PRAGMA user_version = 99").ok());
        }
        auto store = Store::open(path);
        QVERIFY(!store.ok());
        QVERIFY(store.error().message.find("newer than this Sluice understands") != std::string::npos);
    }

    void migrationIsAtomic() {
        QTemporaryDir dir;
        const std::string path = (dir.path() + "/sluice.db").toStdString();
        {
            // A half-made table from elsewhere makes migration 2 fail: nothing of it may stay behind.
            auto db = Database::open(path);
            QVERIFY(migrateStore(db.value(), 1).ok());
            QVERIFY(db->exec("CREATE TABLE pending_refreshes (x)").ok());
        }
        auto store = Store::open(path);
        QVERIFY(!store.ok());
        auto db = Database::open(path);
        QCOMPARE(storeSchemaVersion(db.value()), 1);
        auto cols = db->queryInt("SELECT count(*) FROM pragma_table_info('jobs') WHERE name='cancel_requested'");
        QCOMPARE(cols.value().value_or(-1), int64_t(0));
    }
};

QTEST_GUILESS_MAIN(TestStoreMigrations)
#include "tst_store_migrations.moc"
