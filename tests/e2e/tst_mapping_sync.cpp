// Selected fields and Airbyte's mappers through the real sluicectl, on a CSV file and on a SQLite source:
// exact destination columns and rows, hashes as Python's hashlib computes them, encryption that `openssl enc`
// decrypts, a key that no output shows, refusals before anything runs, and a changed selection as a schema
// change.
#include "e2e_home.h"
#include "util/sqlite_db.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QProcess>
#include <QtTest>

using namespace sluice::test;

namespace {

const char* kKey = "000102030405060708090a0b0c0d0e0f";

std::vector<std::string> columnsOf(const E2eHome& h, const std::string& table) {
    std::vector<std::string> out;
    for (const auto& r : h.rows("SELECT name FROM pragma_table_info('" + table + "') ORDER BY cid"))
        out.push_back(r[0]);
    return out;
}

const std::vector<std::string> kAirbyteColumns = {"_airbyte_raw_id", "_airbyte_extracted_at", "_airbyte_meta",
                                                  "_airbyte_generation_id"};

std::vector<std::string> withAirbyte(std::vector<std::string> cols) {
    for (const auto& c : kAirbyteColumns)
        cols.push_back(c);
    std::sort(cols.begin(), cols.end());
    return cols;
}

std::vector<std::string> sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
}

// Decrypts base64(IV || ciphertext) with the openssl command line, as a user of the warehouse would.
QString opensslDecrypt(const QString& base64, const QString& keyHex) {
    const QByteArray raw = QByteArray::fromBase64(base64.toLatin1());
    if (raw.size() < 32)
        return "(too short)";
    QProcess p;
    p.start("openssl",
            {"enc", "-d", "-aes-128-cbc", "-K", keyHex, "-iv", QString::fromLatin1(raw.left(16).toHex())});
    if (!p.waitForStarted())
        return "(no openssl)";
    p.write(raw.mid(16));
    p.closeWriteChannel();
    p.waitForFinished();
    return p.exitCode() == 0 ? QString::fromUtf8(p.readAllStandardOutput()) : "(openssl failed)";
}

QByteArray csvConnection(const QByteArray& streamExtra) {
    return R"j({"name": "people",
      "source": {"type": "file", "config": {"path": "users.csv"}},
      "destination": {"type": "sqlite", "config": {"path": "warehouse.sqlite"}},
      "streams": [{"name": "users", "sync_mode": "incremental", "destination_sync_mode": "append_dedup",
                   "cursor_field": ["updated_at"], "primary_key": [["id"]])j" +
           streamExtra + R"j(}],
      "settings": {"retry": {"max_attempts": 1}}})j";
}

const QByteArray kCsv = "id,email,status,ssn,notes,updated_at\n"
                        "1,ann@x.io,active,111-11-1111,n1,2024-01-01\n"
                        "2,bob@x.io,gone,222-22-2222,n2,2024-01-02\n"
                        "3,cid@x.io,active,,n3,2024-01-03\n";

QString mapped(const char* key) {
    return QString(R"j(, "selected_fields": ["id", "email", "status", "ssn", "updated_at"],
      "mappers": [
        {"type": "hashing", "mapperConfiguration": {"targetField": "email", "method": "SHA-256", "fieldNameSuffix": "_hashed"}},
        {"type": "field-renaming", "mapperConfiguration": {"originalFieldName": "status", "newFieldName": "state"}},
        {"type": "row-filtering", "mapperConfiguration": {"conditions": {"type": "NOT", "conditions": [{"type": "EQUAL", "fieldName": "state", "comparisonValue": "gone"}]}}},
        {"type": "encryption", "mapperConfiguration": {"algorithm": "AES", "targetField": "ssn", "key": "%1", "mode": "CBC", "padding": "PKCS5Padding", "fieldNameSuffix": "_encrypted"}}])j")
        .arg(key);
}

QString allText(const QString& dir) {
    QString out;
    QDirIterator it(dir, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile f(it.next());
        if (f.open(QIODevice::ReadOnly))
            out += QString::fromUtf8(f.readAll());
    }
    return out;
}

void execSql(const QString& path, const std::string& sql) {
    auto db = sluice::core::Database::open(path.toStdString());
    QVERIFY(db.ok());
    auto st = db->exec(sql);
    QVERIFY2(st.ok(), st.ok() ? "" : st.error().message.c_str());
}

} // namespace

class TestMappingSync : public QObject {
    Q_OBJECT
private slots:
    void csvSelectedFieldsAndEveryMapper();
    void sqliteSelectedFieldsHashAndFilter();
    void refusedBeforeAnythingRuns();
    void changedSelectionIsASchemaChange();
};

void TestMappingSync::csvSelectedFieldsAndEveryMapper() {
    E2eHome h;
    h.write("users.csv", kCsv);
    const QString id = h.createConnection(csvConnection(mapped(kKey).toUtf8()));
    QVERIFY(!id.isEmpty());
    auto job = h.cliJson({"sync", id});
    QCOMPARE(job["status"].toString(), QStringLiteral("succeeded"));

    // Exactly the selected and mapped columns, plus Airbyte's: no `notes`, no `email`, no `status`, no `ssn`.
    QCOMPARE(sorted(columnsOf(h, "users")),
             withAirbyte({"id", "email_hashed", "state", "ssn_encrypted", "updated_at"}));
    // hashlib.sha256(b"ann@x.io").hexdigest() and of b"cid@x.io"; bob (gone) is filtered out.
    QCOMPARE(h.rows("SELECT id, email_hashed, state, updated_at FROM users ORDER BY id"),
             (Rows{{"1", "31122705444181b10221d3b55cfc293b23730cb63db6fd4b2ea5a33a35aa510a", "active",
                    "2024-01-01"},
                   {"3", "c6e2fdf943691fca02142f29098edfbed70866c48025c83d4a33ecca8f5ade93", "active",
                    "2024-01-03"}}));
    const Rows ssn = h.rows("SELECT ssn_encrypted FROM users WHERE id = 1");
    QCOMPARE(opensslDecrypt(QString::fromStdString(ssn[0][0]), kKey), QStringLiteral("111-11-1111"));
    // An empty CSV cell is NULL, and NULL stays NULL.
    QCOMPARE(h.rows("SELECT ssn_encrypted IS NULL FROM users WHERE id = 3"), (Rows{{"1"}}));
    QCOMPARE(h.rows("SELECT typeof(email_hashed), typeof(ssn_encrypted) FROM users WHERE id = 1"),
             (Rows{{"text", "text"}}));

    // The key is in no output: not in `connection show`, not in the job log, not in Sluice's files.
    auto shown = h.cli({"connection", "show", id, "--json"});
    QCOMPARE(shown.exitCode, 0);
    QVERIFY2(!shown.out.contains(kKey), qPrintable(shown.out));
    QVERIFY2(shown.out.contains("\"key\": \"**********\""), qPrintable(shown.out));
    QVERIFY(shown.out.contains("\"selected_fields\""));
    auto logs = h.cli({"logs", QString::number(job["job_id"].toInt())});
    QCOMPARE(logs.exitCode, 0);
    QVERIFY(!logs.out.contains(kKey));
    QVERIFY(!allText(h.home() + "/logs").contains(kKey));

    // The shown connection, mask included, goes back in unchanged: the stored key is kept.
    QJsonObject file = QJsonDocument::fromJson(shown.out.toUtf8()).object();
    file.remove("id"); // the file format has no id
    h.write("shown.json", QJsonDocument(file).toJson());
    auto updated = h.cli({"connection", "update", id, h.path("shown.json")});
    QVERIFY2(updated.exitCode == 0, qPrintable(updated.err));
    QVERIFY2(!updated.err.contains("mappers changed"), qPrintable(updated.err)); // the mask is the same key
    h.write("users.csv", kCsv + "4,dee@x.io,active,444-44-4444,n4,2024-01-04\n");
    QCOMPARE(h.cliJson({"sync", id})["status"].toString(), QStringLiteral("succeeded"));
    const Rows dee = h.rows("SELECT email_hashed, ssn_encrypted FROM users WHERE id = 4");
    QCOMPARE(dee[0][0], std::string("6b8361ca4ffb37ef9abd4252a4eff5be3d99b73f941ef8d1844dc8750a988d60"));
    QCOMPARE(opensslDecrypt(QString::fromStdString(dee[0][1]), kKey), QStringLiteral("444-44-4444"));
}

void TestMappingSync::sqliteSelectedFieldsHashAndFilter() {
    E2eHome h;
    execSql(
        h.path("shop.sqlite"),
        "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT, email TEXT, tier TEXT, updated_at TEXT);"
        "INSERT INTO customers VALUES (1, 'Ann', 'ann@x.io', 'gold', '2024-01-01'),"
        "(2, 'Bob', 'bob@x.io', 'silver', '2024-01-02'), (3, 'Cid', NULL, 'gold', '2024-01-03');");
    const QString id = h.createConnection(R"j({"name": "shop",
      "source": {"type": "sqlite", "config": {"path": "shop.sqlite"}},
      "destination": {"type": "sqlite", "config": {"path": "warehouse.sqlite"}},
      "streams": [{"name": "customers", "sync_mode": "incremental", "destination_sync_mode": "append_dedup",
                   "cursor_field": ["updated_at"], "selected_fields": ["id", "email", "tier", "updated_at"],
                   "mappers": [
        {"type": "hashing", "mapperConfiguration": {"targetField": "email", "method": "MD5", "fieldNameSuffix": "_md5"}},
        {"type": "row-filtering", "mapperConfiguration": {"conditions": {"type": "EQUAL", "fieldName": "tier", "comparisonValue": "gold"}}}]}],
      "settings": {"retry": {"max_attempts": 1}}})j");
    QVERIFY(!id.isEmpty());
    QCOMPARE(h.cliJson({"sync", id})["status"].toString(), QStringLiteral("succeeded"));
    QCOMPARE(sorted(columnsOf(h, "customers")), withAirbyte({"id", "email_md5", "tier", "updated_at"}));
    // hashlib.md5(b"ann@x.io").hexdigest(); Cid's NULL e-mail stays NULL; Bob (silver) is not kept.
    QCOMPARE(h.rows("SELECT id, coalesce(email_md5, 'NULL'), tier FROM customers ORDER BY id"),
             (Rows{{"1", "820de57cd5d136f3f77ddbe18d32e70b", "gold"}, {"3", "NULL", "gold"}}));
}

void TestMappingSync::refusedBeforeAnythingRuns() {
    E2eHome h;
    h.write("users.csv", kCsv);
    h.write("bad.json", csvConnection(R"j(, "mappers": [
        {"type": "field-renaming", "mapperConfiguration": {"originalFieldName": "status", "newFieldName": "state"}},
        {"type": "hashing", "mapperConfiguration": {"targetField": "id", "method": "SHA-256", "fieldNameSuffix": "_hashed"}}])j"));
    auto bad = h.cli({"connection", "create", h.path("bad.json")});
    QCOMPARE(bad.exitCode, 2);
    QVERIFY2(bad.err.contains("stream `users`: mapper 2 (hashing of `id`) would rewrite the primary key"),
             qPrintable(bad.err));
    h.write("deselect.json", csvConnection(R"j(, "selected_fields": ["id", "email"])j"));
    auto deselect = h.cli({"connection", "create", h.path("deselect.json")});
    QCOMPARE(deselect.exitCode, 2);
    QVERIFY2(
        deselect.err.contains("stream `users`: the cursor field `updated_at` cannot be deselected: add it to "
                              "`selected_fields`"),
        qPrintable(deselect.err));
    h.write(
        "method.json",
        csvConnection(
            R"j(, "mappers": [{"type": "hashing", "mapperConfiguration": {"targetField": "email", "method": "SHA-3"}}])j"));
    auto method = h.cli({"connection", "create", h.path("method.json")});
    QCOMPARE(method.exitCode, 2);
    QVERIFY2(method.err.contains("`streams[0].mappers[0].mapperConfiguration.method` is \"SHA-3\""),
             qPrintable(method.err));
    QCOMPARE(h.cli({"connection", "list"}).out.contains("people"), false);

    // A source-defined key (SQLite's PRIMARY KEY) is known only from the source: refused at the sync,
    // before any table is written.
    execSql(h.path("shop.sqlite"), "CREATE TABLE customers (id INTEGER PRIMARY KEY, updated_at TEXT);"
                                   "INSERT INTO customers VALUES (1, '2024-01-01');");
    const QString id = h.createConnection(R"j({"name": "shop",
      "source": {"type": "sqlite", "config": {"path": "shop.sqlite"}},
      "destination": {"type": "sqlite", "config": {"path": "warehouse.sqlite"}},
      "streams": [{"name": "customers", "sync_mode": "incremental", "destination_sync_mode": "append_dedup",
                   "cursor_field": ["updated_at"], "mappers": [
        {"type": "hashing", "mapperConfiguration": {"targetField": "id", "method": "SHA-1", "fieldNameSuffix": "_h"}}]}],
      "settings": {"retry": {"max_attempts": 1}}})j");
    QVERIFY(!id.isEmpty());
    auto sync = h.cli({"sync", id});
    QVERIFY(sync.exitCode != 0);
    QVERIFY2(
        sync.err.contains("stream `customers`: mapper 1 (hashing of `id`) would rewrite the primary key"),
        qPrintable(sync.err));
    QVERIFY(!QFile::exists(h.warehouse()) ||
            h.rows("SELECT count(*) FROM sqlite_master WHERE name = 'customers'") == (Rows{{"0"}}));
}

void TestMappingSync::changedSelectionIsASchemaChange() {
    E2eHome h;
    h.write("users.csv", kCsv);
    const QByteArray narrow = csvConnection(R"j(, "selected_fields": ["id", "updated_at"])j");
    const QString id = h.createConnection(narrow);
    QCOMPARE(h.cliJson({"sync", id})["status"].toString(), QStringLiteral("succeeded"));
    QCOMPARE(sorted(columnsOf(h, "users")), withAirbyte({"id", "updated_at"}));

    // `email` selected: under the default policy (block) the incremental stream waits for a refresh. The
    // update says which refresh re-imports the stream; the same file again says nothing.
    h.write("wide.json", csvConnection(R"j(, "selected_fields": ["id", "email", "updated_at"])j"));
    const CliRun update = h.cli({"connection", "update", id, h.path("wide.json")});
    QCOMPARE(update.exitCode, 0);
    QVERIFY2(update.err.contains("stream `users`: its selected fields or mappers changed and it has data") &&
                 update.err.contains("sluicectl refresh " + id + " --stream users --mode retain|remove"),
             qPrintable(update.err));
    QVERIFY2(!h.cli({"connection", "update", id, h.path("wide.json")}).err.contains("mappers changed"),
             "an unchanged mapping is not a change");
    auto r = h.cli({"sync", id, "--json"});
    QCOMPARE(r.exitCode, 0);
    const QJsonObject users = QJsonDocument::fromJson(r.out.toUtf8())["streams"].toArray()[0].toObject();
    QCOMPARE(users["status"].toString(), QStringLiteral("blocked"));
    QVERIFY2(users["message"].toString().contains("column `email` added"),
             qPrintable(users["message"].toString()));
    QCOMPARE(sorted(columnsOf(h, "users")), withAirbyte({"id", "updated_at"}));

    // A refresh that retains the records adopts it and fills the new column for every record.
    auto refresh = h.cli({"refresh", id, "--mode", "retain", "--yes"});
    QCOMPARE(refresh.exitCode, 0);
    QCOMPARE(sorted(columnsOf(h, "users")), withAirbyte({"id", "email", "updated_at"}));
    QCOMPARE(h.rows("SELECT id, email FROM users ORDER BY id"),
             (Rows{{"1", "ann@x.io"}, {"2", "bob@x.io"}, {"3", "cid@x.io"}}));
}

QTEST_GUILESS_MAIN(TestMappingSync)
#include "tst_mapping_sync.moc"
