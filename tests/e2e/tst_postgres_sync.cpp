// PostgreSQL to PostgreSQL through the real engine (sluicectl): incremental syncs, refreshes and clears,
// a resumed full refresh after a failing destination, connection errors and the connection file.
#include "e2e_home.h"
#include "pg_server.h"

#include <QJsonArray>
#include <QProcess>
#include <QtTest>
#include <algorithm>
#include <memory>

using namespace sluice::test;

namespace {
QByteArray connectionFile(const QString& name, const std::string& source, const std::string& destination,
                          const QString& streams,
                          const QString& settings = "{\"retry\": {\"max_attempts\": 1}}") {
    return QStringLiteral(R"({"name": "%1",
      "source": {"type": "postgres", "config": %2},
      "destination": {"type": "postgres", "config": %3},
      "streams": %4, "settings": %5})")
        .arg(name, QString::fromStdString(source), QString::fromStdString(destination), streams, settings)
        .toUtf8();
}
} // namespace

class TestPostgresSync : public QObject {
    Q_OBJECT

    PgServer m_pg;

private slots:
    void initTestCase() {
        const QString err = m_pg.start();
        QVERIFY2(err.isEmpty(), qPrintable(err));
    }

    // The seed's Louis XVI example, table to table: exactly 3 rows, then exactly 5, ties never lost.
    void louisXviExample() {
        QVERIFY(m_pg.exec("CREATE SCHEMA k_src; CREATE TABLE k_src.kings (id int PRIMARY KEY, name text, "
                          "deceased boolean, updated_at int); INSERT INTO k_src.kings VALUES "
                          "(1, 'Louis XVI', false, 1754), (2, 'Marie Antoinette', false, 1755), "
                          "(3, 'Louis XVII', false, 1785)"));
        E2eHome h;
        const QString id = h.createConnection(
            connectionFile("kings", m_pg.configJson("k_src"), m_pg.configJson("k_dst"),
                           R"([{"name": "kings", "namespace": "k_src", "sync_mode": "incremental",
                 "destination_sync_mode": "append", "cursor_field": ["updated_at"]}])"));
        const std::string query =
            "SELECT name, deceased, updated_at FROM k_dst.kings ORDER BY updated_at, name";
        QCOMPARE(h.cli({"sync", id}).exitCode, 0);
        QCOMPARE(m_pg.rows(query), (Rows{{"Louis XVI", "f", "1754"},
                                         {"Marie Antoinette", "f", "1755"},
                                         {"Louis XVII", "f", "1785"}}));

        QVERIFY(m_pg.exec("UPDATE k_src.kings SET deceased = true, updated_at = 1793 WHERE id IN (1, 2)"));
        QCOMPARE(h.cli({"sync", id}).exitCode, 0);
        const Rows five = {{"Louis XVI", "f", "1754"},
                           {"Marie Antoinette", "f", "1755"},
                           {"Louis XVII", "f", "1785"},
                           {"Louis XVI", "t", "1793"},
                           {"Marie Antoinette", "t", "1793"}};
        QCOMPARE(m_pg.rows(query), five);

        auto again = h.cliJson({"sync", id});
        QCOMPARE(again["status"].toString(), QStringLiteral("succeeded"));
        QCOMPARE(again["records_committed"].toInt(), 0);
        QCOMPARE(m_pg.rows(query), five);

        QVERIFY(m_pg.exec("INSERT INTO k_src.kings VALUES (4, 'Madame Royale', false, 1793)"));
        QCOMPARE(h.cli({"sync", id}).exitCode, 0);
        QCOMPARE(m_pg.rows("SELECT count(*) FROM k_dst.kings")[0][0], std::string("6"));
        QCOMPARE(m_pg.rows("SELECT DISTINCT _airbyte_generation_id FROM k_dst.kings"), (Rows{{"0"}}));
    }

    // Deletions found by generation with append + dedupe and a retain refresh; then remove, then clear.
    void refreshRetainRemoveAndClear() {
        QVERIFY(
            m_pg.exec("CREATE SCHEMA u_src; CREATE TABLE u_src.users (user_id int PRIMARY KEY, name text, "
                      "updated_at date); INSERT INTO u_src.users VALUES (1, 'Evan', '2024-01-01'), "
                      "(2, 'Davin', '2024-01-01'), (3, 'Benoit', '2024-01-01'); "
                      "CREATE TABLE u_src.events (id int); INSERT INTO u_src.events VALUES (1)"));
        E2eHome h;
        const QString id = h.createConnection(connectionFile(
            "users", m_pg.configJson("u_src"), m_pg.configJson("u_dst"),
            R"([{"name": "users", "sync_mode": "incremental", "destination_sync_mode": "append_dedup",
                 "cursor_field": ["updated_at"], "primary_key": [["user_id"]]},
                {"name": "events", "sync_mode": "full_refresh", "destination_sync_mode": "append"}])"));
        QCOMPARE(h.cli({"sync", id}).exitCode, 0);
        QVERIFY(m_pg.exec("DELETE FROM u_src.users WHERE user_id = 2; INSERT INTO u_src.events VALUES (2)"));
        auto job = h.cliJson({"refresh", id, "--mode", "retain", "--stream", "users", "--yes"});
        QCOMPARE(job["status"].toString(), QStringLiteral("succeeded"));
        QCOMPARE(
            m_pg.rows("SELECT user_id, name, updated_at, _airbyte_generation_id FROM u_dst.users ORDER BY 1"),
            (Rows{{"1", "Evan", "2024-01-01", "1"},
                  {"2", "Davin", "2024-01-01", "0"},
                  {"3", "Benoit", "2024-01-01", "1"}}));
        QCOMPARE(m_pg.rows("SELECT _airbyte_generation_id, count(*) FROM u_dst._airbyte_raw_users GROUP BY 1 "
                           "ORDER BY 1"),
                 (Rows{{"0", "3"}, {"1", "2"}}));
        QCOMPARE(m_pg.rows("SELECT count(*) FROM u_dst.events")[0][0], std::string("3"));

        auto gens = h.cliJson({"generations", id, "--stream", "users"});
        QCOMPARE(gens["current_generation"].toInt(), 1);
        QCOMPARE(gens["stale_records"].toInt(), 1);
        QCOMPARE(gens["stale_rows"][0]["user_id"].toInt(), 2);
        auto diff = h.cliJson({"diff", id, "--stream", "users", "--from", "0", "--to", "1"});
        QCOMPARE(diff["removed"].toArray().size(), 1);
        QCOMPARE(diff["removed"][0]["name"].toString(), QStringLiteral("Davin"));
        QCOMPARE(diff["added"].toArray().size(), 0);

        QCOMPARE(h.cli({"refresh", id, "--mode", "remove", "--stream", "users", "--yes"}).exitCode, 0);
        QCOMPARE(m_pg.rows("SELECT user_id, _airbyte_generation_id FROM u_dst.users ORDER BY 1"),
                 (Rows{{"1", "2"}, {"3", "2"}}));
        QCOMPARE(m_pg.rows("SELECT DISTINCT _airbyte_generation_id FROM u_dst._airbyte_raw_users"),
                 (Rows{{"2"}}));
        QCOMPARE(m_pg.tables("u_dst"),
                 (std::vector<std::string>{"_airbyte_raw_users", "_airbyte_sluice_checkpoints",
                                           "_airbyte_sluice_tables", "events", "users"}));

        auto cleared = h.cliJson({"clear", id, "--stream", "users", "--yes"});
        QCOMPARE(cleared["status"].toString(), QStringLiteral("succeeded"));
        QCOMPARE(m_pg.rows("SELECT count(*) FROM u_dst.users")[0][0], std::string("0"));
        QCOMPARE(m_pg.rows("SELECT count(*) FROM u_dst._airbyte_raw_users")[0][0], std::string("0"));
        // The remove refresh synced events once more (2 rows); the clear touched users only.
        QCOMPARE(m_pg.rows("SELECT count(*) FROM u_dst.events")[0][0], std::string("5"));
    }

    // An overwrite whose destination fails half way: the next attempt resumes at the saved CTID page, reuses
    // the staged rows, and the swapped-in table holds every row exactly once.
    void resumedFullRefreshAfterFailingDestination() {
        QVERIFY(m_pg.exec(
            "CREATE SCHEMA r_src; CREATE TABLE r_src.big (id int PRIMARY KEY, payload text); "
            "INSERT INTO r_src.big SELECT g, repeat('x', 40) || g FROM generate_series(1, 5000) g"));
        E2eHome h;
        const QString id = h.createConnection(connectionFile(
            "big", m_pg.configJson("r_src"), m_pg.configJson("r_dst"),
            R"([{"name": "big", "namespace": "r_src", "sync_mode": "full_refresh",
                 "destination_sync_mode": "overwrite"}])",
            R"({"state_checkpoint_interval": 200, "retry": {"max_attempts": 3, "backoff_seconds": 0}})"));
        QCOMPARE(h.cli({"sync", id}).exitCode, 0);
        QCOMPARE(m_pg.rows("SELECT count(*), min(_airbyte_generation_id) FROM r_dst.big"),
                 (Rows{{"5000", "1"}}));

        // The checkpoint is written in the same transaction as the rows it covers: failing it once, past page
        // 20, fails that whole batch like a destination outage would.
        QVERIFY(m_pg.exec(R"(
CREATE SEQUENCE r_dst.failures;
CREATE FUNCTION r_dst.fail_once() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.state LIKE '%ctid_page%' THEN
    IF (NEW.state::jsonb->>'ctid_page')::int >= 20 THEN
      IF nextval('r_dst.failures') = 1 THEN
        RAISE EXCEPTION 'simulated destination outage';
      END IF;
    END IF;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER fail_once BEFORE INSERT OR UPDATE ON r_dst._airbyte_sluice_checkpoints
  FOR EACH ROW EXECUTE FUNCTION r_dst.fail_once();
)"));
        auto job = h.cliJson({"sync", id});
        QCOMPARE(job["status"].toString(), QStringLiteral("succeeded"));
        const auto attempts = job["attempts"].toArray();
        QCOMPARE(attempts.size(), 2);
        QCOMPARE(attempts[0]["status"].toString(), QStringLiteral("failed"));
        QVERIFY(attempts[0]["records_committed"].toInt() > 0);
        QVERIFY(attempts[1]["records_committed"].toInt() < 5000);
        QCOMPARE(attempts[0]["records_committed"].toInt() + attempts[1]["records_committed"].toInt(), 5000);

        auto logs = h.cli({"logs", QString::number(job["job_id"].toInt()), "--attempt", "2"});
        QVERIFY2(logs.out.contains("Number of Resumed Full Refresh Streams: {1}"), qPrintable(logs.out));
        QVERIFY2(logs.out.contains("Resumed stream name: big namespace: r_src"), qPrintable(logs.out));
        QCOMPARE(m_pg.rows("SELECT count(*), count(DISTINCT id), min(_airbyte_generation_id), "
                           "max(_airbyte_generation_id) FROM r_dst.big"),
                 (Rows{{"5000", "5000", "2", "2"}}));
        QCOMPARE(m_pg.tables("r_dst"),
                 (std::vector<std::string>{"_airbyte_sluice_checkpoints", "_airbyte_sluice_tables", "big"}));
    }

    void unreachableServerFailsWithoutRetries() {
        const int port = PgServer::freePort();
        std::string source = m_pg.configJson("public");
        source.replace(source.find(std::to_string(m_pg.port())), std::to_string(m_pg.port()).size(),
                       std::to_string(port));
        E2eHome h;
        const QString id = h.createConnection(connectionFile(
            "down", source, m_pg.configJson("down_dst"),
            R"([{"name": "t", "sync_mode": "full_refresh", "destination_sync_mode": "append"}])",
            R"({"retry": {"max_attempts": 5, "backoff_seconds": 0}})"));
        auto r = h.cli({"sync", id, "--json"});
        QCOMPARE(r.exitCode, 1);
        const QString expected =
            QStringLiteral("could not connect to 127.0.0.1:%1: connection refused").arg(port);
        QVERIFY2(r.out.contains(expected) || r.err.contains(expected), qPrintable(r.out + r.err));
        QCOMPARE(QJsonDocument::fromJson(r.out.toUtf8())["attempts"].toArray().size(), 1);
        auto check = h.cli({"check", id});
        QCOMPARE(check.exitCode, 1);
        QVERIFY2(check.out.contains(expected), qPrintable(check.out));
    }

    void connectionFileValidatesAndMasksThePassword() {
        QVERIFY(m_pg.exec("CREATE SCHEMA c_src; CREATE TABLE c_src.things (id int PRIMARY KEY, label text)"));
        E2eHome h;
        const std::string secret = "pg-s3cret-value";
        const QString id = h.createConnection(connectionFile(
            "masked", m_pg.configJson("c_src", secret), m_pg.configJson("c_dst", secret),
            R"([{"name": "things", "sync_mode": "full_refresh", "destination_sync_mode": "overwrite"}])"));
        QCOMPARE(id, QStringLiteral("1"));
        for (const QStringList& args :
             {QStringList{"connection", "show", id}, QStringList{"connection", "show", id, "--json"}}) {
            auto shown = h.cli(args);
            QCOMPARE(shown.exitCode, 0);
            QVERIFY2(!shown.out.contains(QString::fromStdString(secret)), qPrintable(shown.out));
            QVERIFY(shown.out.contains("**********"));
        }
        auto check = h.cli({"check", id});
        QCOMPARE(check.exitCode, 0);
        QVERIFY2(check.out.contains("source (postgres): OK") &&
                     check.out.contains("destination (postgres): OK"),
                 qPrintable(check.out));
        auto discovered = h.cliJson({"discover", id});
        QCOMPARE(discovered["streams"][0]["name"].toString(), QStringLiteral("things"));
        QCOMPARE(discovered["streams"][0]["namespace"].toString(), QStringLiteral("c_src"));

        // A configuration the spec refuses is refused before anything runs.
        const QByteArray bad =
            connectionFile("bad", R"({"host": "127.0.0.1", "port": "5432", "database": "x", "user": "u"})",
                           m_pg.configJson("c_dst"), "[]");
        auto refused = h.cli({"connection", "create", h.write("bad.json", bad)});
        QCOMPARE(refused.exitCode, 2);
        QVERIFY2(refused.err.contains("port"), qPrintable(refused.err));
    }
    // Two connections whose streams share a name, into one schema: the second is refused before it writes,
    // naming both; with a prefix, or another schema, it works. Ownership is in the schema itself.
    void tableOfAnotherConnectionIsRefused() {
        QVERIFY(
            m_pg.exec("CREATE SCHEMA o_src1; CREATE TABLE o_src1.products (id int PRIMARY KEY, name text); "
                      "INSERT INTO o_src1.products SELECT g, 'one ' || g FROM generate_series(1, 5) g; "
                      "CREATE SCHEMA o_src2; CREATE TABLE o_src2.products (id int PRIMARY KEY, name text); "
                      "INSERT INTO o_src2.products VALUES (1, 'two 1'), (2, 'two 2')"));
        auto streams = [](const char* ns) {
            return QStringLiteral(R"([{"name": "products", "namespace": "%1", "sync_mode": "full_refresh",
                                     "destination_sync_mode": "overwrite"}])")
                .arg(ns);
        };
        E2eHome h;
        const QString first = h.createConnection(connectionFile("pg first", m_pg.configJson("o_src1"),
                                                                m_pg.configJson("o_dst"), streams("o_src1")));
        const QString second = h.createConnection(connectionFile(
            "pg second", m_pg.configJson("o_src2"), m_pg.configJson("o_dst"), streams("o_src2")));
        QCOMPARE(h.cli({"sync", first}).exitCode, 0);
        const std::string query = "SELECT id, name, _airbyte_raw_id FROM o_dst.products ORDER BY id";
        const Rows firstRows = m_pg.rows(query);
        QCOMPARE(firstRows.size(), size_t(5));

        auto refused = h.cli({"sync", second});
        QCOMPARE(refused.exitCode, 2);
        for (const char* part : {"schema `o_dst`", "table `products` belongs to connection `pg first`",
                                 "connection `pg second` does not write into it", "prefix"})
            QVERIFY2(refused.err.contains(part), qPrintable(refused.err));
        QCOMPARE(m_pg.rows(query), firstRows);
        QCOMPARE(m_pg.tables("o_dst"), (std::vector<std::string>{"_airbyte_sluice_checkpoints",
                                                                 "_airbyte_sluice_tables", "products"}));

        h.write("second.json",
                connectionFile("pg second", m_pg.configJson("o_src2"), m_pg.configJson("o_dst"),
                               streams("o_src2"), R"({"prefix": "two_"})"));
        QCOMPARE(h.cli({"connection", "update", second, h.path("second.json")}).exitCode, 0);
        auto prefixed = h.cli({"sync", second});
        QVERIFY2(prefixed.exitCode == 0, qPrintable(prefixed.err));
        QCOMPARE(m_pg.rows("SELECT id, name FROM o_dst.two_products ORDER BY id"),
                 (Rows{{"1", "two 1"}, {"2", "two 2"}}));
        QCOMPARE(m_pg.rows(query), firstRows);
        QCOMPARE(h.cli({"sync", first}).exitCode, 0);
        QCOMPARE(m_pg.rows("SELECT count(*) FROM o_dst.products"), (Rows{{"5"}}));
        QCOMPARE(m_pg.rows("SELECT table_name, connection_name FROM o_dst._airbyte_sluice_tables ORDER BY 1"),
                 (Rows{{"products", "pg first"}, {"two_products", "pg second"}}));
        // Deleting the first connection releases its table; the data stays.
        QCOMPARE(h.cli({"connection", "delete", first}).exitCode, 0);
        QCOMPARE(m_pg.rows("SELECT table_name FROM o_dst._airbyte_sluice_tables"), (Rows{{"two_products"}}));
        QCOMPARE(m_pg.rows("SELECT count(*) FROM o_dst.products"), (Rows{{"5"}}));
    }

    // Two first syncs into one schema at once, from two homes: one owns the table, the other is refused.
    void concurrentFirstSyncsHaveOneOwner() {
        QVERIFY(m_pg.exec("CREATE SCHEMA cc_src; CREATE TABLE cc_src.items (id int PRIMARY KEY); "
                          "INSERT INTO cc_src.items SELECT generate_series(1, 50)"));
        const QString streams = R"([{"name": "items", "namespace": "cc_src", "sync_mode": "full_refresh",
                                   "destination_sync_mode": "overwrite"}])";
        E2eHome a, b;
        for (int round = 0; round < 5; ++round) {
            const std::string schema = "cc_dst" + std::to_string(round);
            const QString ca =
                a.createConnection(connectionFile(QStringLiteral("a%1").arg(round), m_pg.configJson("cc_src"),
                                                  m_pg.configJson(schema), streams));
            const QString cb =
                b.createConnection(connectionFile(QStringLiteral("b%1").arg(round), m_pg.configJson("cc_src"),
                                                  m_pg.configJson(schema), streams));
            std::vector<std::unique_ptr<QProcess>> runs;
            for (const auto& [home, id] : {std::pair{a.home(), ca}, std::pair{b.home(), cb}}) {
                runs.push_back(std::make_unique<QProcess>());
                runs.back()->start(qEnvironmentVariable("SLUICECTL"), {"--home", home, "sync", id});
            }
            QString errors;
            std::vector<int> codes;
            for (auto& p : runs) {
                QVERIFY(p->waitForFinished(60000));
                errors += QString::fromUtf8(p->readAllStandardError());
                codes.push_back(p->exitCode());
            }
            std::sort(codes.begin(), codes.end());
            QVERIFY2(codes == (std::vector<int>{0, 2}), qPrintable(errors));
            QVERIFY2(errors.contains("belongs to connection"), qPrintable(errors));
            QCOMPARE(m_pg.rows("SELECT count(DISTINCT owner) FROM " + schema + "._airbyte_sluice_tables"),
                     (Rows{{"1"}}));
            QCOMPARE(m_pg.rows("SELECT count(*) FROM " + schema + ".items"), (Rows{{"50"}}));
        }
    }
};

QTEST_GUILESS_MAIN(TestPostgresSync)
#include "tst_postgres_sync.moc"
