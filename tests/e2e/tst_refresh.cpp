// Refreshes and clears (SPEC §4): the seed's two worked examples, the availability matrix, confirmation.
#include "e2e_home.h"

#include <QJsonArray>
#include <QtTest>

using namespace sluice::test;

namespace {
QByteArray salesConnection(const char* destMode) {
    return QByteArray(R"({"name": "sales",
      "source": {"type": "file", "config": {"path": "sales.jsonl"}},
      "destination": {"type": "sqlite", "config": {"path": "warehouse.sqlite"}},
      "streams": [{"name": "sales", "sync_mode": "incremental", "destination_sync_mode": ")") +
           destMode + R"(", "cursor_field": ["year_month"], "primary_key": [["year_month"]]}],
      "settings": {"retry": {"max_attempts": 1}}})";
}

QByteArray usersConnection() {
    return R"({"name": "users",
      "source": {"type": "file", "config": {"path": "data"}},
      "destination": {"type": "sqlite", "config": {"path": "warehouse.sqlite"}},
      "streams": [{"name": "users", "sync_mode": "incremental", "destination_sync_mode": "append_dedup",
                   "cursor_field": ["updated_at"], "primary_key": [["user_id"]]},
                  {"name": "events", "sync_mode": "full_refresh", "destination_sync_mode": "append"}],
      "settings": {"retry": {"max_attempts": 1}}})";
}

const QByteArray kUsers = R"({"user_id": 1, "name": "Evan", "updated_at": "2024-01-01"}
{"user_id": 2, "name": "Davin", "updated_at": "2024-01-01"}
{"user_id": 3, "name": "Benoit", "updated_at": "2024-01-01"}
)";
const QByteArray kUsersWithoutDavin = R"({"user_id": 1, "name": "Evan", "updated_at": "2024-01-01"}
{"user_id": 3, "name": "Benoit", "updated_at": "2024-01-01"}
)";
} // namespace

class TestRefresh : public QObject {
    Q_OBJECT
private slots:
    // Seed example 1: a flaky source lost March; a retain refresh brings it back in generation 1.
    void missingMonthWithRetain() {
        E2eHome h;
        h.write("sales.jsonl", "{\"year_month\": \"2024-01\", \"total_sales\": 100}\n"
                               "{\"year_month\": \"2024-02\", \"total_sales\": 200}\n"
                               "{\"year_month\": \"2024-04\", \"total_sales\": 400}\n");
        const QString id = h.createConnection(salesConnection("append"));
        QCOMPARE(h.cli({"sync", id}).exitCode, 0);
        h.write("sales.jsonl", "{\"year_month\": \"2024-01\", \"total_sales\": 100}\n"
                               "{\"year_month\": \"2024-02\", \"total_sales\": 200}\n"
                               "{\"year_month\": \"2024-03\", \"total_sales\": 300}\n"
                               "{\"year_month\": \"2024-04\", \"total_sales\": 400}\n");
        // An incremental sync cannot see March: its cursor is below the saved maximum.
        QCOMPARE(h.cli({"sync", id}).exitCode, 0);
        QCOMPARE(h.rows("SELECT count(*) FROM sales")[0][0], std::string("3"));

        auto job = h.cliJson({"refresh", id, "--mode", "retain", "--yes"});
        QCOMPARE(job["type"].toString(), QStringLiteral("refresh"));
        QCOMPARE(job["status"].toString(), QStringLiteral("succeeded"));
        QCOMPARE(job["streams"][0]["generation_id"].toInt(), 1);
        QCOMPARE(h.rows("SELECT year_month, total_sales, _airbyte_generation_id, "
                        "json_extract(_airbyte_meta, '$.sync_id') FROM sales ORDER BY _airbyte_generation_id, year_month"),
                 (Rows{{"2024-01", "100", "0", "1"}, {"2024-02", "200", "0", "1"}, {"2024-04", "400", "0", "1"},
                       {"2024-01", "100", "1", "3"}, {"2024-02", "200", "1", "3"}, {"2024-03", "300", "1", "3"},
                       {"2024-04", "400", "1", "3"}}));
        QCOMPARE(h.rows("SELECT _airbyte_generation_id, sum(total_sales) FROM sales GROUP BY 1 ORDER BY 1"),
                 (Rows{{"0", "700"}, {"1", "1000"}}));
        auto gens = h.cliJson({"generations", id, "--stream", "sales"});
        QCOMPARE(gens["stream"].toString(), QStringLiteral("sales"));
        QCOMPARE(gens["current_generation"].toInt(), 1);
        const auto list = gens["generations"].toArray();
        QCOMPARE(list.size(), 2);
        QCOMPARE(list[0]["generation_id"].toInt(), 0);
        QCOMPARE(list[0]["records"].toInt(), 3);
        QCOMPARE(list[1]["generation_id"].toInt(), 1);
        QCOMPARE(list[1]["records"].toInt(), 4);
    }

    // Seed example 2: deletions found by generation with append + dedupe and a retain refresh.
    void deletedUserFoundByGeneration() {
        E2eHome h;
        h.write("data/users.jsonl", kUsers);
        h.write("data/events.jsonl", "{\"id\": 1}\n");
        const QString id = h.createConnection(usersConnection());
        QCOMPARE(h.cli({"sync", id}).exitCode, 0);
        h.write("data/users.jsonl", kUsersWithoutDavin);
        h.write("data/events.jsonl", "{\"id\": 1}\n{\"id\": 2}\n");
        auto job = h.cliJson({"refresh", id, "--mode", "retain", "--stream", "users", "--yes"});
        QCOMPARE(job["status"].toString(), QStringLiteral("succeeded"));
        QCOMPARE(h.rows("SELECT user_id, name, _airbyte_generation_id FROM users ORDER BY user_id"),
                 (Rows{{"1", "Evan", "1"}, {"2", "Davin", "0"}, {"3", "Benoit", "1"}}));
        // Every delivered version stays queryable with its generation.
        QCOMPARE(h.rows("SELECT _airbyte_generation_id, count(*) FROM _airbyte_raw_users GROUP BY 1"),
                 (Rows{{"0", "3"}, {"1", "2"}}));
        // The other stream synced normally in the same job (a full refresh append: generation bumped).
        QCOMPARE(h.rows("SELECT count(*) FROM events")[0][0], std::string("3"));
        QJsonArray streams = job["streams"].toArray();
        QCOMPARE(streams.size(), 2);

        auto gens = h.cliJson({"generations", id, "--stream", "users"});
        QCOMPARE(gens["current_generation"].toInt(), 1);
        QCOMPARE(gens["stale_records"].toInt(), 1);
        QCOMPARE(gens["stale_rows"][0]["user_id"].toInt(), 2);

        auto diff = h.cliJson({"diff", id, "--stream", "users", "--from", "0", "--to", "1"});
        QCOMPARE(diff["removed"].toArray().size(), 1);
        QCOMPARE(diff["removed"][0]["name"].toString(), QStringLiteral("Davin"));
        QCOMPARE(diff["added"].toArray().size(), 0);
        QCOMPARE(diff["changed"].toArray().size(), 0);

        // A remove refresh then drops the old generation: Davin is gone.
        QCOMPARE(h.cli({"refresh", id, "--mode", "remove", "--stream", "users", "--yes"}).exitCode, 0);
        QCOMPARE(h.rows("SELECT user_id, _airbyte_generation_id FROM users ORDER BY user_id"),
                 (Rows{{"1", "2"}, {"3", "2"}}));
        QCOMPARE(h.rows("SELECT DISTINCT _airbyte_generation_id FROM _airbyte_raw_users"), (Rows{{"2"}}));
        QCOMPARE(h.tables(), (std::vector<std::string>{"_airbyte_raw_users", "_airbyte_sluice_checkpoints",
                                                       "_airbyte_sluice_tables", "events", "users"}));
    }

    void dedupeKeepsGreatestCursor() {
        E2eHome h;
        h.write("data/users.jsonl", R"({"user_id": 1, "name": "old", "updated_at": "2024-01-02"}
{"user_id": 1, "name": "newest", "updated_at": "2024-01-03"}
{"user_id": 1, "name": "older", "updated_at": "2024-01-01"}
{"user_id": 2, "name": "no cursor", "updated_at": null}
)");
        h.write("data/events.jsonl", "{\"id\": 1}\n");
        const QString id = h.createConnection(usersConnection());
        QCOMPARE(h.cli({"sync", id}).exitCode, 0);
        QCOMPARE(h.rows("SELECT user_id, name FROM users ORDER BY user_id"), (Rows{{"1", "newest"}, {"2", "no cursor"}}));
        // A later version with a greater cursor wins; an equal cursor re-delivered later wins the tie.
        h.write("data/users.jsonl", R"({"user_id": 1, "name": "tie", "updated_at": "2024-01-03"}
{"user_id": 2, "name": "now with cursor", "updated_at": "2024-01-04"}
)");
        QCOMPARE(h.cli({"sync", id}).exitCode, 0);
        QCOMPARE(h.rows("SELECT user_id, name FROM users ORDER BY user_id"),
                 (Rows{{"1", "tie"}, {"2", "now with cursor"}}));
        QCOMPARE(h.rows("SELECT count(*) FROM _airbyte_raw_users")[0][0], std::string("6"));
    }

    void clearEmptiesTableAndState() {
        E2eHome h;
        h.write("data/users.jsonl", kUsers);
        h.write("data/events.jsonl", "{\"id\": 1}\n");
        const QString id = h.createConnection(usersConnection());
        QCOMPARE(h.cli({"sync", id}).exitCode, 0);
        auto job = h.cliJson({"clear", id, "--stream", "users", "--yes"});
        QCOMPARE(job["type"].toString(), QStringLiteral("clear"));
        QCOMPARE(job["status"].toString(), QStringLiteral("succeeded"));
        QCOMPARE(job["streams"].toArray().size(), 1); // a clear touches only what it clears
        QCOMPARE(job["streams"][0]["generation_id"].toInt(), 1);
        QCOMPARE(h.rows("SELECT count(*) FROM users")[0][0], std::string("0"));
        QCOMPARE(h.rows("SELECT count(*) FROM _airbyte_raw_users")[0][0], std::string("0"));
        QCOMPARE(h.rows("SELECT count(*) FROM events")[0][0], std::string("1"));
        auto state = h.cliJson({"state", id});
        for (const auto& s : state["streams"].toArray())
            if (s.toObject()["name"] == QStringLiteral("users"))
                QVERIFY(s.toObject()["state"].isNull() || s.toObject()["state"].toString().isEmpty());
        // The next sync starts over in the new generation.
        QCOMPARE(h.cli({"sync", id}).exitCode, 0);
        QCOMPARE(h.rows("SELECT count(*), min(_airbyte_generation_id) FROM users"), (Rows{{"3", "1"}}));
    }

    void availabilityMatrix_data() {
        QTest::addColumn<QString>("syncMode");
        QTest::addColumn<QString>("destMode");
        QTest::addColumn<bool>("remove");
        QTest::addColumn<bool>("retain");
        QTest::newRow("Incremental | Append + Dedupe") << "incremental" << "append_dedup" << true << true;
        QTest::newRow("Full refresh | Overwrite + Dedupe") << "full_refresh" << "overwrite_dedup" << true << true;
        QTest::newRow("Incremental | Append") << "incremental" << "append" << false << true;
        QTest::newRow("Full refresh | Overwrite") << "full_refresh" << "overwrite" << false << false;
        QTest::newRow("Full refresh | Append") << "full_refresh" << "append" << false << false;
    }

    void availabilityMatrix() {
        QFETCH(QString, syncMode);
        QFETCH(QString, destMode);
        QFETCH(bool, remove);
        QFETCH(bool, retain);
        E2eHome h;
        h.write("sales.jsonl", "{\"year_month\": \"2024-01\", \"total_sales\": 100}\n");
        const QString id = h.createConnection(QStringLiteral(R"({"name": "m",
            "source": {"type": "file", "config": {"path": "sales.jsonl"}},
            "destination": {"type": "sqlite", "config": {"path": "warehouse.sqlite"}},
            "streams": [{"name": "sales", "sync_mode": "%1", "destination_sync_mode": "%2",
                         "cursor_field": ["year_month"], "primary_key": [["year_month"]]}]})")
                                                  .arg(syncMode, destMode)
                                                  .toUtf8());
        QCOMPARE(h.cli({"sync", id}).exitCode, 0);
        auto check = [&](const QStringList& args, bool available) {
            auto r = h.cli(args + QStringList{"--yes"});
            QCOMPARE(r.exitCode, available ? 0 : 2);
            if (!available)
                QVERIFY2(r.err.contains("not available"), qPrintable(r.err));
        };
        const int jobsBefore = h.cliJson({"jobs", id}).array().size();
        check({"refresh", id, "--mode", "remove"}, remove);
        check({"refresh", id, "--mode", "retain", "--stream", "sales"}, retain);
        check({"clear", id}, true);
        // Refused requests leave no job behind.
        QCOMPARE(h.cliJson({"jobs", id}).array().size(), jobsBefore + int(remove) + int(retain) + 1);
    }

    void refreshNeedsConfirmation() {
        E2eHome h;
        h.write("data/users.jsonl", kUsers);
        h.write("data/events.jsonl", "{\"id\": 1}\n");
        const QString id = h.createConnection(usersConnection());
        QCOMPARE(h.cli({"sync", id}).exitCode, 0);
        auto r = h.cli({"refresh", id, "--mode", "remove", "--stream", "users"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("--yes"), qPrintable(r.err));
        QVERIFY2(r.err.contains("users (3 rows now in the destination)"), qPrintable(r.err));
        auto c = h.cli({"clear", id});
        QCOMPARE(c.exitCode, 2);
        QCOMPARE(h.cliJson({"jobs", id}).array().size(), 1);
        QCOMPARE(h.rows("SELECT count(*) FROM users")[0][0], std::string("3"));
        auto unknown = h.cli({"refresh", id, "--mode", "remove", "--stream", "nope", "--yes"});
        QCOMPARE(unknown.exitCode, 2);
        QVERIFY(unknown.err.contains("has no stream `nope`"));
        auto badMode = h.cli({"refresh", id, "--mode", "sideways", "--yes"});
        QCOMPARE(badMode.exitCode, 2);
    }

    // A remove refresh whose source fails stays pending: the old data stays whole, and the next job
    // continues the refresh in the same generation instead of degrading to a plain sync.
    void failedRemoveRefreshStaysPending() {
        E2eHome h;
        h.write("data/users.jsonl", kUsers);
        h.write("data/events.jsonl", "{\"id\": 1}\n");
        const QString id = h.createConnection(usersConnection());
        QCOMPARE(h.cli({"sync", id}).exitCode, 0);
        h.write("data/users.jsonl", kUsersWithoutDavin + "this is not json\n");
        auto failed = h.cli({"refresh", id, "--mode", "remove", "--stream", "users", "--yes", "--json"});
        QCOMPARE(failed.exitCode, 1);
        QCOMPARE(h.rows("SELECT user_id, _airbyte_generation_id FROM users ORDER BY user_id"),
                 (Rows{{"1", "0"}, {"2", "0"}, {"3", "0"}}));
        h.write("data/users.jsonl", kUsersWithoutDavin);
        auto job = h.cliJson({"sync", id});
        QCOMPARE(job["status"].toString(), QStringLiteral("succeeded"));
        QCOMPARE(job["streams"][0]["action"].toString(), QStringLiteral("refresh_remove"));
        QCOMPARE(job["streams"][0]["generation_id"].toInt(), 1);
        QCOMPARE(h.rows("SELECT user_id, _airbyte_generation_id FROM users ORDER BY user_id"),
                 (Rows{{"1", "1"}, {"3", "1"}}));
        // Done: the next sync is an ordinary incremental one.
        auto next = h.cliJson({"sync", id});
        QCOMPARE(next["streams"][0]["action"].toString(), QStringLiteral("sync"));
        QCOMPARE(next["streams"][0]["generation_id"].toInt(), 1);
    }
};

QTEST_GUILESS_MAIN(TestRefresh)
#include "tst_refresh.moc"
