#include "config/connection_config.h"

#include <QtTest>

using namespace sluice::core;

namespace {
const char* kValid = R"({
  "name": "sales",
  "source": {"type": "file", "config": {"path": "sales.jsonl"}},
  "destination": {"type": "sqlite", "config": {"path": "warehouse.sqlite"}},
  "streams": [{"name": "sales", "sync_mode": "incremental", "destination_sync_mode": "append_dedup",
               "cursor_field": ["updated_at"], "primary_key": [["year_month"]]}],
  "settings": {"state_checkpoint_interval": 10000, "schema_change_policy": "block",
               "schedule": {"type": "manual"},
               "retry": {"max_attempts": 20, "max_consecutive_failures": 5, "backoff_seconds": 10}}
})";
} // namespace

class TestConnectionFile : public QObject {
    Q_OBJECT
private slots:
    void acceptsSpecExample() {
        auto c = parseConnectionJson(kValid, "sales.json", "/data");
        QVERIFY2(c.ok(), c.ok() ? "" : c.error().message.c_str());
        QCOMPARE(c->name, std::string("sales"));
        QCOMPARE(c->streams.size(), size_t(1));
        QCOMPARE(c->streams[0].mode.label(), std::string("Incremental | Append + Dedupe"));
        QCOMPARE(c->streams[0].cursorField, FieldPath{"updated_at"});
        QCOMPARE(c->streams[0].primaryKey, std::vector<FieldPath>{FieldPath{"year_month"}});
        QCOMPARE(c->settings.stateCheckpointInterval, int64_t(10000));
        // Relative paths are relative to the file.
        QVERIFY(c->source.configJson.find("/data/sales.jsonl") != std::string::npos);
        QVERIFY(c->destination.configJson.find("/data/warehouse.sqlite") != std::string::npos);
    }

    void defaultsForOptionalKeys() {
        auto c = parseConnectionJson(R"({"name": "d", "source": {"type": "demo"},
            "destination": {"type": "sqlite", "config": {"path": "/tmp/x.sqlite"}}, "streams": [{"name": "users"}]})",
                                     "d.json", "/");
        QVERIFY2(c.ok(), c.ok() ? "" : c.error().message.c_str());
        QCOMPARE(c->settings.stateCheckpointInterval, int64_t(10000));
        QVERIFY(c->settings.schemaChangePolicy == SchemaChangePolicy::Block);
        QCOMPARE(c->settings.retry.maxAttempts, 20);
        QCOMPARE(c->settings.retry.maxConsecutiveFailures, 5);
        QCOMPARE(c->settings.retry.backoffSeconds, 10);
        QCOMPARE(c->streams[0].mode.label(), std::string("Full refresh | Overwrite"));
        QVERIFY(c->source.configJson.find("\"count\":1000") != std::string::npos);
    }

    void acceptsCronSchedule() {
        auto c = parseConnectionJson(R"({"name": "c", "source": {"type": "demo"}, "destination":
            {"type": "sqlite", "config": {"path": "a"}}, "streams": [],
            "settings": {"schedule": {"type": "cron", "expression": "0 9 * * MON-FRI"}}})",
                                     "c.json", "/");
        QVERIFY2(c.ok(), c.ok() ? "" : c.error().message.c_str());
        QVERIFY(c->settings.schedule.type == Schedule::Type::Cron);
        QCOMPARE(c->settings.schedule.expression, std::string("0 9 * * MON-FRI"));
    }

    void refusals_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected");
        QTest::newRow("not json") << "{\"name\": "
                                  << "f.json: not valid JSON";
        QTest::newRow("not an object") << "[1,2]"
                                       << "must hold a JSON object";
        QTest::newRow("missing name") << R"({"source": {"type": "demo"}, "destination": {"type": "sqlite",
            "config": {"path": "a"}}, "streams": []})"
                                      << "missing required key `name`";
        QTest::newRow("missing source") << R"({"name": "a", "destination": {"type": "sqlite",
            "config": {"path": "a"}}, "streams": []})"
                                        << "missing required key `source`";
        QTest::newRow("missing destination") << R"({"name": "a", "source": {"type": "demo"}, "streams": []})"
                                             << "missing required key `destination`";
        QTest::newRow("missing streams") << R"({"name": "a", "source": {"type": "demo"}, "destination":
            {"type": "sqlite", "config": {"path": "a"}}})"
                                         << "missing required key `streams`";
        QTest::newRow("unknown source type") << R"({"name": "a", "source": {"type": "mysql"}, "destination":
            {"type": "sqlite", "config": {"path": "a"}}, "streams": []})"
                                             << "unknown source type `mysql` at key `source.type`";
        QTest::newRow("unknown destination type")
            << R"({"name": "a", "source": {"type": "demo"}, "destination":
            {"type": "bigquery"}, "streams": []})"
            << "unknown destination type `bigquery` at key `destination.type`";
        QTest::newRow("unknown sync mode") << R"({"name": "a", "source": {"type": "demo"}, "destination":
            {"type": "sqlite", "config": {"path": "a"}}, "streams": [{"name": "users", "sync_mode": "cdc"}]})"
                                           << "unknown sync mode `cdc` at `streams[0].sync_mode`";
        QTest::newRow("unknown destination sync mode")
            << R"({"name": "a", "source": {"type": "demo"}, "destination":
            {"type": "sqlite", "config": {"path": "a"}}, "streams": [{"name": "users", "destination_sync_mode": "upsert"}]})"
            << "unknown destination sync mode `upsert`";
        QTest::newRow("mode not offered") << R"({"name": "a", "source": {"type": "demo"}, "destination":
            {"type": "sqlite", "config": {"path": "a"}}, "streams": [{"name": "u", "sync_mode": "incremental",
            "destination_sync_mode": "overwrite"}]})"
                                          << "not a mode Sluice offers";
        QTest::newRow("missing source config key")
            << R"({"name": "a", "source": {"type": "file", "config": {}},
            "destination": {"type": "sqlite", "config": {"path": "a"}}, "streams": []})"
            << "missing required key `source.config.path`";
        QTest::newRow("wrong config type")
            << R"({"name": "a", "source": {"type": "demo", "config": {"count": "many"}},
            "destination": {"type": "sqlite", "config": {"path": "a"}}, "streams": []})"
            << "`source.config.count` must be an integer, found a string";
        QTest::newRow("misspelt config key")
            << R"({"name": "a", "source": {"type": "file", "config": {"paht": "x"}},
            "destination": {"type": "sqlite", "config": {"path": "a"}}, "streams": []})"
            << "missing required key `source.config.path`";
        QTest::newRow("unknown config key")
            << R"({"name": "a", "source": {"type": "file", "config": {"path": "x",
            "colour": "red"}}, "destination": {"type": "sqlite", "config": {"path": "a"}}, "streams": []})"
            << "unknown key `source.config.colour`";
        QTest::newRow("stream without name") << R"({"name": "a", "source": {"type": "demo"}, "destination":
            {"type": "sqlite", "config": {"path": "a"}}, "streams": [{"sync_mode": "incremental"}]})"
                                             << "missing required key `streams[0].name`";
        QTest::newRow("duplicate stream") << R"({"name": "a", "source": {"type": "demo"}, "destination":
            {"type": "sqlite", "config": {"path": "a"}}, "streams": [{"name": "u"}, {"name": "u"}]})"
                                          << "stream `u` is listed twice";
        QTest::newRow("bad schedule") << R"({"name": "a", "source": {"type": "demo"}, "destination":
            {"type": "sqlite", "config": {"path": "a"}}, "streams": [], "settings": {"schedule": {"type": "hourly"}}})"
                                      << "`settings.schedule.type` is \"hourly\"";
        QTest::newRow("bad cron expression")
            << R"({"name": "a", "source": {"type": "demo"}, "destination": {"type": "sqlite", "config":
            {"path": "a"}}, "streams": [], "settings": {"schedule": {"type": "cron",
            "expression": "*/0 * * * *"}}})"
            << "f.json: `settings.schedule.expression`: cron expression \"*/0 * * * *\": "
               "minute field: step must be at least 1";
        QTest::newRow("bad policy") << R"({"name": "a", "source": {"type": "demo"}, "destination":
            {"type": "sqlite", "config": {"path": "a"}}, "streams": [], "settings": {"schema_change_policy": "yolo"}})"
                                    << "`settings.schema_change_policy`";
        QTest::newRow("bad retry") << R"({"name": "a", "source": {"type": "demo"}, "destination":
            {"type": "sqlite", "config": {"path": "a"}}, "streams": [], "settings": {"retry": {"max_attempts": 0}}})"
                                   << "`settings.retry.max_attempts` must be an integer >= 1";
        const QString prefixed =
            R"({"name": "a", "source": {"type": "demo"}, "destination": {"type": "sqlite",
            "config": {"path": "a"}}, "streams": [], "settings": {"prefix": %1}})";
        QTest::newRow("prefix not a string") << prefixed.arg("7") << "`settings.prefix` must be a string";
        QTest::newRow("prefix too long")
            << prefixed.arg(QStringLiteral("\"%1\"").arg(QString(64, QChar('p'))))
            << "`settings.prefix` is 64 bytes long: at most 63";
        QTest::newRow("prefix with a line break")
            << prefixed.arg(R"("crm\n")") << "`settings.prefix` must not contain control characters";
        QTest::newRow("prefix of Airbyte's tables")
            << prefixed.arg(R"("_AIRBYTE_raw")") << "`settings.prefix` must not start with `_airbyte_`";
        QTest::newRow("numeric name") << R"({"name": "42", "source": {"type": "demo"}, "destination":
            {"type": "sqlite", "config": {"path": "a"}}, "streams": []})"
                                      << "`name` must not be a number";
    }

    void refusals() {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        auto c = parseConnectionJson(text.toStdString(), "f.json", "/tmp");
        QVERIFY(!c.ok());
        QVERIFY(c.error().kind == ErrorKind::Invalid);
        const QString msg = QString::fromStdString(c.error().message);
        QVERIFY2(msg.contains(expected), qPrintable(msg));
        QVERIFY2(msg.startsWith("f.json"), qPrintable(msg));
    }

    void roundTripsThroughJson() {
        auto c = parseConnectionJson(kValid, "sales.json", "/data");
        QVERIFY(c.ok());
        QCOMPARE(c->settings.prefix, std::string()); // none by default
        c->settings.prefix = "crm_ émoji ";
        auto again = parseConnectionJson(connectionToJson(c.value(), true), "again", "");
        QVERIFY(again.ok());
        QCOMPARE(connectionToJson(again.value(), true), connectionToJson(c.value(), true));
        QCOMPARE(again->settings.prefix, std::string("crm_ émoji "));
    }

    void secretsAreMasked() {
        auto c = parseConnectionJson(R"({"name": "pg", "source": {"type": "postgres", "config": {"host": "h",
            "database": "d", "user": "u", "password": "hunter22"}}, "destination": {"type": "sqlite",
            "config": {"path": "a"}}, "streams": []})",
                                     "pg.json", "/");
        QVERIFY(c.ok());
        const std::string shown = connectionToJson(c.value());
        QVERIFY(shown.find("hunter22") == std::string::npos);
        QVERIFY(shown.find("**********") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestConnectionFile)
#include "tst_connection_file.moc"
