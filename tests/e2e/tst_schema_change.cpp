// Schema changes (SPEC §6): incremental streams block until a refresh; other streams keep syncing.
#include "e2e_home.h"

#include <QJsonArray>
#include <QtTest>

using namespace sluice::test;

namespace {
QByteArray connection(const char* policy) {
    return QByteArray(R"({"name": "shop",
      "source": {"type": "file", "config": {"path": "data"}},
      "destination": {"type": "sqlite", "config": {"path": "warehouse.sqlite"}},
      "streams": [{"name": "users", "sync_mode": "incremental", "destination_sync_mode": "append",
                   "cursor_field": ["updated_at"]},
                  {"name": "events", "sync_mode": "full_refresh", "destination_sync_mode": "overwrite"}],
      "settings": {"schema_change_policy": ")") +
           policy + R"(", "retry": {"max_attempts": 1}}})";
}

QJsonObject streamOf(const QJsonDocument& job, const QString& name) {
    for (const auto& s : job["streams"].toArray())
        if (s.toObject()["name"].toString() == name)
            return s.toObject();
    return {};
}

std::vector<std::string> columnsOf(const E2eHome& h, const std::string& table) {
    std::vector<std::string> out;
    for (const auto& r : h.rows("SELECT name FROM pragma_table_info('" + table + "') WHERE name NOT LIKE '\\_airbyte%' ESCAPE '\\'"))
        out.push_back(r[0]);
    return out;
}
} // namespace

class TestSchemaChange : public QObject {
    Q_OBJECT
private slots:
    void blockUntilRefresh() {
        E2eHome h;
        h.write("data/users.jsonl", "{\"id\": 1, \"updated_at\": 1}\n");
        h.write("data/events.jsonl", "{\"id\": 1}\n");
        const QString id = h.createConnection(connection("block"));
        QCOMPARE(h.cli({"sync", id}).exitCode, 0);

        h.write("data/users.jsonl", "{\"id\": 1, \"updated_at\": 1}\n{\"id\": 2, \"updated_at\": 2, \"email\": \"b@x\"}\n");
        h.write("data/events.jsonl", "{\"id\": 1, \"kind\": \"click\"}\n{\"id\": 2, \"kind\": \"view\"}\n");
        auto r = h.cli({"sync", id, "--json"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.err.contains("blocked"), qPrintable(r.err));
        const auto job = QJsonDocument::fromJson(r.out.toUtf8());
        const auto users = streamOf(job, "users");
        QCOMPARE(users["status"].toString(), QStringLiteral("blocked"));
        QVERIFY(users["message"].toString().contains("schema"));
        QVERIFY(users["message"].toString().contains("column `email` added"));
        // The incremental stream did not move; the full-refresh stream took the new column and synced.
        QCOMPARE(h.rows("SELECT count(*) FROM users")[0][0], std::string("1"));
        QCOMPARE(streamOf(job, "events")["status"].toString(), QStringLiteral("succeeded"));
        QCOMPARE(h.rows("SELECT id, kind FROM events ORDER BY id"), (Rows{{"1", "click"}, {"2", "view"}}));

        // Still blocked on the next sync, until a refresh adopts the new schema.
        QCOMPARE(streamOf(h.cliJson({"sync", id}), "users")["status"].toString(), QStringLiteral("blocked"));
        QCOMPARE(h.cli({"refresh", id, "--mode", "retain", "--stream", "users", "--yes"}).exitCode, 0);
        QCOMPARE(columnsOf(h, "users"), (std::vector<std::string>{"id", "updated_at", "email"}));
        QCOMPARE(h.rows("SELECT id, email, _airbyte_generation_id FROM users WHERE _airbyte_generation_id = 1 ORDER BY id"),
                 (Rows{{"1", "NULL", "1"}, {"2", "b@x", "1"}}));
        QCOMPARE(streamOf(h.cliJson({"sync", id}), "users")["status"].toString(), QStringLiteral("succeeded"));
    }

    void propagateColumns() {
        E2eHome h;
        h.write("data/users.jsonl", "{\"id\": 1, \"updated_at\": 1}\n");
        h.write("data/events.jsonl", "{\"id\": 1}\n");
        const QString id = h.createConnection(connection("propagate_columns"));
        QCOMPARE(h.cli({"sync", id}).exitCode, 0);
        h.write("data/users.jsonl", "{\"id\": 1, \"updated_at\": 1}\n{\"id\": 2, \"updated_at\": 2, \"email\": \"b@x\"}\n");
        auto job = h.cliJson({"sync", id});
        QCOMPARE(streamOf(job, "users")["status"].toString(), QStringLiteral("succeeded"));
        QCOMPARE(h.rows("SELECT id, email FROM users ORDER BY id"), (Rows{{"1", "NULL"}, {"2", "b@x"}}));
    }

    void ignoreKeepsConfiguredColumns() {
        E2eHome h;
        h.write("data/users.jsonl", "{\"id\": 1, \"updated_at\": 1}\n");
        h.write("data/events.jsonl", "{\"id\": 1}\n");
        const QString id = h.createConnection(connection("ignore"));
        QCOMPARE(h.cli({"sync", id}).exitCode, 0);
        h.write("data/users.jsonl", "{\"id\": 1, \"updated_at\": 1}\n{\"id\": 2, \"updated_at\": 2, \"email\": \"b@x\"}\n");
        auto job = h.cliJson({"sync", id});
        QCOMPARE(streamOf(job, "users")["status"].toString(), QStringLiteral("succeeded"));
        QCOMPARE(columnsOf(h, "users"), (std::vector<std::string>{"id", "updated_at"}));
        QCOMPARE(h.rows("SELECT count(*) FROM users")[0][0], std::string("2"));
    }

    void breakingChangeBlocksEvenWhenPropagating() {
        E2eHome h;
        h.write("data/users.jsonl", "{\"id\": 1, \"updated_at\": 1}\n");
        h.write("data/events.jsonl", "{\"id\": 1}\n");
        const QString id = h.createConnection(connection("propagate_fully"));
        QCOMPARE(h.cli({"sync", id}).exitCode, 0);
        h.write("data/users.jsonl", "{\"id\": 1, \"changed_at\": 1}\n");
        auto job = h.cliJson({"sync", id});
        const auto users = streamOf(job, "users");
        QCOMPARE(users["status"].toString(), QStringLiteral("blocked"));
        QVERIFY2(users["message"].toString().contains("schema changed: cursor or primary key field `updated_at` was removed"),
                 qPrintable(users["message"].toString()));

        // The user reconfigures the stream with the new cursor: it syncs again.
        const QString file = h.write("reconfigured.json", QByteArray(connection("propagate_fully"))
                                                             .replace("[\"updated_at\"]", "[\"changed_at\"]"));
        QCOMPARE(h.cli({"connection", "update", id, file}).exitCode, 0);
        QCOMPARE(streamOf(h.cliJson({"sync", id}), "users")["status"].toString(), QStringLiteral("succeeded"));
    }
};

QTEST_GUILESS_MAIN(TestSchemaChange)
#include "tst_schema_change.moc"
