// Stream and column names that are SQL: quotes, semicolons, comments, keywords, spaces, non-ASCII, very long
// names, names that differ only in case or namespace, names of Sluice's own tables. Each must land in a
// table of its own, correctly quoted, the same one at every sync and for inspection.
#include "airbyte_test_support.h"
#include "e2e_home.h"

#include <QJsonArray>
#include <QtTest>
#include <set>

using namespace sluice::test;

namespace {

// Streams of the file source are named by their files; each file's rows say which stream they belong to.
const QStringList kStreams = {"Users",
                              "users",
                              "we\"ird",
                              "it's",
                              "x; DROP TABLE users; --",
                              "with space",
                              "select",
                              "table",
                              "order",
                              "émoji🚀",
                              "_airbyte_raw_users",
                              "sqlite_master",
                              "_airbyte_sluice_checkpoints",
                              QString(200, QChar('L'))};

// Column names as hostile as the stream names; "Order"/"order" and the reserved ones get suffixes.
const QByteArray kHeader = "id,updated_at,\"we\"\"ird\",it's,semi;colon,with space,select,Order,order,émoji🚀,"
                           "rowid,_airbyte_raw_id,\"a,b\"\n";

QByteArray csvFor(const QString& stream, int version) {
    QByteArray out = kHeader;
    const QByteArray s = stream.toUtf8().replace("\"", "\"\"");
    for (int id = 1; id <= 2; ++id)
        out += QStringLiteral("%1,%2,").arg(id).arg(version).toUtf8() + "\"" + s + "\",q,s;c,sp,sel,O" +
               QByteArray::number(id) + ",o,🚀,r,raw,\"a,b\"\n";
    return out;
}

std::string streamMode(const QString& s) {
    if (s.compare("users", Qt::CaseInsensitive) == 0)
        return R"("sync_mode": "incremental", "destination_sync_mode": "append_dedup", "cursor_field": ["updated_at"],
                  "primary_key": [["id"]])";
    if (s == "select" || s == "it's")
        return R"("sync_mode": "incremental", "destination_sync_mode": "append", "cursor_field": ["updated_at"])";
    return R"("sync_mode": "full_refresh", "destination_sync_mode": "overwrite")";
}

QByteArray fileConnection() {
    json streams = json::array();
    for (const auto& s : kStreams)
        streams.push_back(
            json::parse("{\"name\": " + json(s.toStdString()).dump() + ", " + streamMode(s) + "}"));
    json c = {{"name", "hostile"},
              {"source", {{"type", "file"}, {"config", {{"path", "data"}}}}},
              {"destination", {{"type", "sqlite"}, {"config", {{"path", "warehouse.sqlite"}}}}},
              {"streams", streams},
              {"settings", {{"retry", {{"max_attempts", 1}}}}}};
    return QByteArray::fromStdString(c.dump());
}

std::string literal(const std::string& text) {
    std::string out = "'";
    for (char c : text)
        out += c == '\'' ? std::string("''") : std::string(1, c);
    return out + "'";
}

std::string tableOf(const E2eHome& h, const QString& stream, const std::string& ns = "") {
    auto r =
        h.rows("SELECT table_name FROM _airbyte_sluice_tables WHERE name = " + literal(stream.toStdString()) +
               " AND namespace = " + literal(ns));
    return r.size() == 1 ? r[0][0] : std::string();
}

std::string quoted(const std::string& name) {
    std::string out = "\"";
    for (char c : name)
        out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

} // namespace

class TestHostileNames : public QObject {
    Q_OBJECT
private slots:
    void fileStreamsAndColumnsLandApart() {
        E2eHome h;
        for (const auto& s : kStreams)
            h.write("data/" + s + ".csv", csvFor(s, 1));
        const QString id = h.createConnection(fileConnection());
        QVERIFY(!id.isEmpty());
        auto first = h.cli({"sync", id});
        QVERIFY2(first.exitCode == 0, qPrintable(first.err));

        // One table per stream, no two alike even when case is ignored.
        std::set<std::string> folded;
        for (const auto& s : kStreams) {
            const std::string t = tableOf(h, s);
            QVERIFY2(!t.empty(), qPrintable(s));
            QVERIFY2(folded.insert(QString::fromStdString(t).toLower().toStdString()).second, t.c_str());
        }
        QCOMPARE(tableOf(h, "Users"), std::string("Users"));
        QCOMPARE(tableOf(h, "users"), std::string("users_1"));
        QCOMPARE(tableOf(h, "sqlite_master"), std::string("_sqlite_master"));
        QCOMPARE(tableOf(h, "_airbyte_sluice_checkpoints"), std::string("_airbyte_sluice_checkpoints_1"));
        // The dedupe stream `Users` keeps its history in _airbyte_raw_Users: the stream of that name moved
        // aside.
        QVERIFY(tableOf(h, "_airbyte_raw_users") != "_airbyte_raw_users");

        // Every row is where it belongs, with every hostile column quoted right.
        for (const auto& s : kStreams) {
            const std::string t = quoted(tableOf(h, s));
            const Rows rows =
                h.rows("SELECT id, \"we\"\"ird\", \"it's\", \"semi;colon\", \"with space\", \"select\", "
                       "\"Order\", \"order_1\", \"émoji🚀\", \"rowid_1\", \"_airbyte_raw_id_1\", "
                       "\"a,b\" FROM " +
                       t + " ORDER BY id");
            const std::string name = s.toStdString();
            QCOMPARE(rows, (Rows{{"1", name, "q", "s;c", "sp", "sel", "O1", "o", "🚀", "r", "raw", "a,b"},
                                 {"2", name, "q", "s;c", "sp", "sel", "O2", "o", "🚀", "r", "raw", "a,b"}}));
        }
        QCOMPARE(h.rows("SELECT count(*) FROM _airbyte_raw_Users"), (Rows{{"2"}}));
        QCOMPARE(h.rows("PRAGMA integrity_check"), (Rows{{"ok"}}));

        // A second sync with new rows uses the same tables: dedupe stays exact, append adds, overwrite
        // replaces.
        for (const auto& s : kStreams)
            h.write("data/" + s + ".csv", csvFor(s, 2));
        auto second = h.cli({"sync", id});
        QVERIFY2(second.exitCode == 0, qPrintable(second.err));
        QCOMPARE(h.rows("SELECT count(*) FROM _airbyte_sluice_tables"),
                 (Rows{{std::to_string(kStreams.size())}}));
        QCOMPARE(h.rows("SELECT count(*), max(updated_at) FROM \"users_1\""), (Rows{{"2", "2"}}));
        QCOMPARE(h.rows("SELECT count(*) FROM \"it's\""), (Rows{{"4"}}));
        QCOMPARE(
            h.rows("SELECT count(*), min(updated_at) FROM " + quoted(tableOf(h, "x; DROP TABLE users; --"))),
            (Rows{{"2", "2"}}));
        QVERIFY(h.rows("SELECT name FROM sqlite_master WHERE name LIKE '\\_airbyte\\_tmp\\_%' ESCAPE '\\'")
                    .empty());

        // Inspection reads the stream's own table: `users` has its two keys in generation 0, `Users` too.
        auto gens = h.cliJson({"generations", id, "--stream", "users"}).object();
        QCOMPARE(gens["stream"].toString(), QStringLiteral("users"));
        QCOMPARE(gens["generations"].toArray().size(), 1);
        QCOMPARE(gens["generations"].toArray()[0].toObject()["records"].toInt(), 4);
    }

    void longNamesAndNamespacesFromAConnector() {
        E2eHome h;
        const std::string longName(5000, 'n');
        json config = {{"streams", json::array({{{"name", longName}, {"count", 3}},
                                                {{"name", "users"}, {"namespace", "a"}, {"count", 2}},
                                                {{"name", "users"}, {"namespace", "b"}, {"count", 4}},
                                                {{"name", "USERS"}, {"count", 5}}})}};
        json streams = json::array();
        for (const auto& s : config["streams"]) {
            json c = {
                {"name", s["name"]}, {"sync_mode", "incremental"}, {"destination_sync_mode", "append_dedup"}};
            if (s.contains("namespace"))
                c["namespace"] = s["namespace"];
            streams.push_back(c);
        }
        json c = {
            {"name", "long"},
            {"source", {{"type", "airbyte"}, {"config", {{"command", {fakeSource()}}, {"config", config}}}}},
            {"destination", {{"type", "sqlite"}, {"config", {{"path", "warehouse.sqlite"}}}}},
            {"streams", streams},
            {"settings", {{"retry", {{"max_attempts", 1}}}}}};
        const QString id = h.createConnection(QByteArray::fromStdString(c.dump()));
        auto run = h.cli({"sync", id});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QCOMPARE(h.rows("SELECT count(*) FROM " + quoted(longName)), (Rows{{"3"}}));
        QCOMPARE(h.rows("SELECT count(*) FROM " + quoted("_airbyte_raw_" + longName)), (Rows{{"3"}}));
        // Same stream name in two namespaces, and a third differing only in case: three tables.
        const std::string a = tableOf(h, "users", "a"), b = tableOf(h, "users", "b"),
                          upper = tableOf(h, "USERS");
        QCOMPARE(std::set<std::string>({a, b, upper}).size(), size_t(3));
        QCOMPARE(h.rows("SELECT count(*) FROM " + quoted(a)), (Rows{{"2"}}));
        QCOMPARE(h.rows("SELECT count(*) FROM " + quoted(b)), (Rows{{"4"}}));
        QCOMPARE(h.rows("SELECT count(*) FROM " + quoted(upper)), (Rows{{"5"}}));
    }
};

QTEST_GUILESS_MAIN(TestHostileNames)
#include "tst_hostile_names.moc"
