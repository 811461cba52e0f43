// Failures that are not crashes: a full disk, a read-only destination, a source that fails on every attempt
// of a remove-refresh or an overwrite. Each attempt must fail with a message that says what happened and
// where, the stored state must not move, and the destination must keep its previous data, whole and
// queryable; the next sync after the cause is gone must end exactly like an undisturbed run.
//
// The full disk is real: the destination lives on a 2 MiB tmpfs that the test fills. Mounting needs root
// (CI runs as root); elsewhere those cases are skipped. A read-only destination is the same tmpfs remounted
// read-only: as root, file modes do not stop writes, a read-only mount does.
#include "e2e_home.h"

#include <QJsonArray>
#include <QProcess>
#include <QtTest>

using namespace sluice::test;

namespace {

QByteArray connection(const QString& name, const QString& warehouse, int count, const QString& extra = {},
                      int attempts = 1) {
    return QStringLiteral(R"({"name": "%1",
      "source": {"type": "demo", "config": {"count": %3, "seed": 3, "churn": 0.3, "page_size": 50%4}},
      "destination": {"type": "sqlite", "config": {"path": "%2"}},
      "streams": [{"name": "users", "sync_mode": "incremental", "destination_sync_mode": "append_dedup"},
                  {"name": "products", "sync_mode": "full_refresh", "destination_sync_mode": "overwrite"},
                  {"name": "purchases", "sync_mode": "incremental", "destination_sync_mode": "append"}],
      "settings": {"state_checkpoint_interval": 25, "retry": {"max_attempts": %5, "backoff_seconds": 0}}})")
        .arg(name, warehouse)
        .arg(count)
        .arg(extra)
        .arg(attempts)
        .toUtf8();
}

const char* kTables[] = {"SELECT * FROM users ORDER BY id", "SELECT * FROM products ORDER BY id",
                         "SELECT * FROM purchases ORDER BY id"};

const char* kStaging = "SELECT name FROM sqlite_master WHERE name LIKE '\\_airbyte\\_tmp\\_%' ESCAPE '\\'";

QJsonObject streamOf(const QJsonObject& job, const char* name) {
    for (const auto& s : job["streams"].toArray())
        if (s.toObject()["name"] == name)
            return s.toObject();
    return {};
}

// The states of the incremental streams (a full-refresh stream's state restarts with every job anyway).
QJsonArray incrementalStates(const E2eHome& h, const QString& id) {
    QJsonArray out;
    for (const auto& s : h.cliJson({"state", id}).object()["streams"].toArray())
        if (s.toObject()["name"] != "products")
            out.append(s);
    return out;
}

std::vector<Rows> snapshot(const QString& warehouse) {
    std::vector<Rows> out;
    for (const char* q : kTables)
        out.push_back(queryRows(warehouse, q));
    return out;
}

int run(const QString& program, const QStringList& args) {
    QProcess p;
    p.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    p.start(program, args);
    return p.waitForFinished(20000) && p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
}

// A small tmpfs, unmounted however the test ends.
class Tmpfs {
public:
    explicit Tmpfs(const QString& dir) : m_dir(dir) {
        QDir().mkpath(dir);
        m_mounted = run("mount", {"-t", "tmpfs", "-o", "size=2m,mode=0700", "tmpfs", dir}) == 0;
    }
    ~Tmpfs() {
        if (m_mounted)
            run("umount", {"-l", m_dir});
    }
    bool mounted() const { return m_mounted; }
    bool remount(const char* option) {
        return run("mount", {"-o", QStringLiteral("remount,%1").arg(option), m_dir}) == 0;
    }

private:
    QString m_dir;
    bool m_mounted = false;
};

// Fills the file system holding `path` until a write fails: the disk is really full.
void fill(const QString& path) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    const QByteArray block(4096, 'x');
    while (f.write(block) == block.size() && f.flush()) {
    }
}

} // namespace

class TestFailureModes : public QObject {
    Q_OBJECT
private slots:
    void fullDiskThenReadOnlyDestination() {
        E2eHome h;
        Tmpfs disk(h.path("disk"));
        if (!disk.mounted())
            QSKIP("mounting a tmpfs needs root");
        const QString warehouse = h.path("disk/warehouse.sqlite");
        const QString id = h.createConnection(connection("full", warehouse, 200));
        QCOMPARE(h.cli({"sync", id}).exitCode, 0);
        const auto before = snapshot(warehouse);
        const QJsonArray stateBefore = incrementalStates(h, id);

        // The source grows far beyond the space left.
        h.write("grown.json", connection("full", warehouse, 4000));
        QCOMPARE(h.cli({"connection", "update", id, h.path("grown.json")}).exitCode, 0);
        fill(h.path("disk/filler"));
        auto full = h.cli({"sync", id});
        QCOMPARE(full.exitCode, 1);
        QVERIFY2(full.err.contains("disk is full") && full.err.contains(warehouse), qPrintable(full.err));
        QCOMPARE(incrementalStates(h, id), stateBefore);
        QCOMPARE(snapshot(warehouse), before);
        QCOMPARE(queryRows(warehouse, "PRAGMA integrity_check"), (Rows{{"ok"}}));

        // Read-only: the same.
        QVERIFY(QFile::remove(h.path("disk/filler")));
        QVERIFY(disk.remount("ro"));
        auto readOnly = h.cli({"sync", id});
        QCOMPARE(readOnly.exitCode, 1);
        QVERIFY2(readOnly.err.contains(warehouse) &&
                     (readOnly.err.contains("readonly") || readOnly.err.contains("read-only")),
                 qPrintable(readOnly.err));
        QCOMPARE(incrementalStates(h, id), stateBefore);
        QCOMPARE(snapshot(warehouse), before);

        // Space and write access back: the sync ends as if nothing had happened.
        QVERIFY(disk.remount("rw,size=64m"));
        auto healed = h.cli({"sync", id});
        QVERIFY2(healed.exitCode == 0, qPrintable(healed.err));
        E2eHome reference;
        const QString refId = reference.createConnection(connection("full", reference.warehouse(), 200));
        QCOMPARE(reference.cli({"sync", refId}).exitCode, 0);
        reference.write("grown.json", connection("full", reference.warehouse(), 4000));
        QCOMPARE(reference.cli({"connection", "update", refId, reference.path("grown.json")}).exitCode, 0);
        QCOMPARE(reference.cli({"sync", refId}).exitCode, 0);
        for (const char* q : {"SELECT id, name, email, age, address, updated_at FROM users ORDER BY id",
                              "SELECT id, name, price, attributes FROM products ORDER BY id",
                              "SELECT id, user_id, total, updated_at FROM purchases ORDER BY id"})
            QCOMPARE(queryRows(warehouse, q), queryRows(reference.warehouse(), q));
        QVERIFY(queryRows(warehouse, kStaging).empty());
    }

    void refreshWhoseSourceAlwaysFails() {
        E2eHome h;
        const QString id = h.createConnection(connection("failing", "warehouse.sqlite", 300));
        QCOMPARE(h.cli({"sync", id}).exitCode, 0);
        const auto before = snapshot(h.warehouse());

        // Every attempt fails after 40 records: two attempts stage some rows of users, then the job gives up.
        h.write("failing.json",
                connection("failing", "warehouse.sqlite", 300, ", \"fail_after_records\": 40", 2));
        QCOMPARE(h.cli({"connection", "update", id, h.path("failing.json")}).exitCode, 0);
        auto refresh =
            h.cliJson({"refresh", id, "--mode", "remove", "--stream", "users", "--yes"}, 1).object();
        QCOMPARE(refresh["status"].toString(), QStringLiteral("failed"));
        QCOMPARE(refresh["attempts"].toArray().size(), 2);
        QCOMPARE(streamOf(refresh, "users")["generation_id"].toInt(), 1);

        // The old data is whole and queryable, the new rows wait in staging, the refresh is still pending.
        QCOMPARE(snapshot(h.warehouse()), before);
        const int staged = std::stoi(h.rows("SELECT count(*) FROM _airbyte_tmp_users")[0][0]);
        QVERIFY(staged > 0);
        QCOMPARE(
            queryRows(h.home() + "/sluice.db", "SELECT name, kind, generation_id FROM pending_refreshes"),
            (Rows{{"users", "remove", "1"}}));

        // A plain sync while the source still fails continues the refresh in its generation, and fails too.
        auto sync = h.cliJson({"sync", id}, 1).object();
        QCOMPARE(sync["status"].toString(), QStringLiteral("failed"));
        QCOMPARE(streamOf(sync, "users")["action"].toString(), QStringLiteral("refresh_remove"));
        QCOMPARE(streamOf(sync, "users")["generation_id"].toInt(), 1);
        QCOMPARE(snapshot(h.warehouse()), before);
        QVERIFY(std::stoi(h.rows("SELECT count(*) FROM _airbyte_tmp_users")[0][0]) > staged);

        // The source recovers: the refresh completes in its generation and only that generation remains.
        h.write("fixed.json", connection("failing", "warehouse.sqlite", 300));
        QCOMPARE(h.cli({"connection", "update", id, h.path("fixed.json")}).exitCode, 0);
        auto fixed = h.cliJson({"sync", id}).object();
        QCOMPARE(fixed["status"].toString(), QStringLiteral("succeeded"));
        QCOMPARE(h.rows("SELECT DISTINCT \"_airbyte_generation_id\" FROM users"), (Rows{{"1"}}));
        QCOMPARE(h.rows("SELECT count(*) FROM users"), (Rows{{"300"}}));
        QVERIFY(queryRows(h.home() + "/sluice.db", "SELECT * FROM pending_refreshes").empty());
        QVERIFY(h.rows(kStaging).empty());
    }

    void overwriteWhoseSourceAlwaysFails() {
        E2eHome h;
        auto productsOnly = [](const char* extra) {
            return QStringLiteral(R"({"name": "products",
              "source": {"type": "demo", "config": {"count": 300, "page_size": 50%1}},
              "destination": {"type": "sqlite", "config": {"path": "warehouse.sqlite"}},
              "streams": [{"name": "products", "sync_mode": "full_refresh", "destination_sync_mode": "overwrite"}],
              "settings": {"state_checkpoint_interval": 25, "retry": {"max_attempts": 3, "backoff_seconds": 0}}})")
                .arg(extra)
                .toUtf8();
        };
        const QString id = h.createConnection(productsOnly(""));
        QCOMPARE(h.cli({"sync", id}).exitCode, 0);
        const Rows before = h.rows(kTables[1]);
        h.write("failing.json", productsOnly(", \"fail_after_records\": 30"));
        QCOMPARE(h.cli({"connection", "update", id, h.path("failing.json")}).exitCode, 0);
        for (int job = 0; job < 2; ++job) {
            auto failed = h.cliJson({"sync", id}, 1).object();
            QCOMPARE(failed["status"].toString(), QStringLiteral("failed"));
            QCOMPARE(h.rows(kTables[1]), before);
            QCOMPARE(h.rows("SELECT count(DISTINCT \"_airbyte_generation_id\") FROM products"),
                     (Rows{{"1"}}));
        }
        h.write("fixed.json", productsOnly(""));
        QCOMPARE(h.cli({"connection", "update", id, h.path("fixed.json")}).exitCode, 0);
        QCOMPARE(h.cli({"sync", id}).exitCode, 0);
        QCOMPARE(h.rows("SELECT count(*) FROM products"), (Rows{{"300"}}));
        QVERIFY(h.rows(kStaging).empty());
    }
};

QTEST_GUILESS_MAIN(TestFailureModes)
#include "tst_failure_modes.moc"
