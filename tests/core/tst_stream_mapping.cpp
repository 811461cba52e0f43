// Selected fields and Airbyte's mappers as a pure transformation of columns and rows (core/mapping).
#include "config/connection_config.h"
#include "mapping/stream_mapping.h"

#include <QtTest>
#include <nlohmann/json.hpp>

using namespace sluice::core;
using nlohmann::json;

namespace {

const std::string kKey = "00112233445566778899aabbccddeeff";

std::vector<Column> userColumns() {
    return {{"id", ColumnType::Integer},
            {"email", ColumnType::String},
            {"status", ColumnType::String},
            {"ssn", ColumnType::String},
            {"updated_at", ColumnType::String}};
}

Row userRow(int64_t id, const char* email, const char* status) {
    Row r;
    r.values = {Value::integer(id), email ? Value::text(email) : Value::null(), Value::text(status),
                Value::text("123-45-6789"), Value::text("2024-01-01")};
    return r;
}

MappingConfig mappersOf(const char* text) {
    auto m = parseMappers(json::parse(text), "mappers");
    if (!m)
        qFatal("%s", m.error().message.c_str());
    MappingConfig c;
    c.mappers = *m;
    return c;
}

std::string names(const std::vector<Column>& cols) {
    std::string out;
    for (const auto& c : cols)
        out += (out.empty() ? "" : ",") + c.name + ":" + toString(c.type);
    return out;
}

std::string buildError(const MappingConfig& c, const ProtectedFields& keep = {{"id"}, "updated_at"}) {
    auto m = StreamMapping::build("users", userColumns(), c, keep);
    return m ? std::string("(built)") : m.error().message;
}

std::string parseError(const char* mappers) {
    auto m = parseMappers(json::parse(mappers), "streams[0].mappers");
    return m ? std::string("(parsed)") : m.error().message;
}

} // namespace

class TestStreamMapping : public QObject {
    Q_OBJECT
private slots:
    void hashEveryMethod_data();
    void hashEveryMethod();
    void hashNumberHashesItsText();
    void selectedFieldsProjectInSourceOrder();
    void renamingRenamesColumnAndChanges();
    void rowFilteringEqualAndNot();
    void encryptionRoundTrip();
    void mappersApplyInOrder();
    void refusals_data();
    void refusals();
    void keyAndCursorCannotBeDeselected();
    void badConfigurations_data();
    void badConfigurations();
    void connectionFileRefusesAndRoundTrips();
};

void TestStreamMapping::hashEveryMethod_data() {
    QTest::addColumn<QString>("method");
    QTest::addColumn<QString>("hex");
    // python3 -c "import hashlib; print(hashlib.new('sha256', b'bob').hexdigest())", per method
    QTest::newRow("MD5") << "MD5"
                         << "9f9d51bc70ef21ca5c14f307980a29d8";
    QTest::newRow("SHA-1") << "SHA-1"
                           << "48181acd22b3edaebc8a447868a7df7ce629920a";
    QTest::newRow("SHA-224") << "SHA-224"
                             << "b063b8e6029ba27fdb084edc2cea4572acab360adbd2ad9217ce8d71";
    QTest::newRow("SHA-256") << "SHA-256"
                             << "81b637d8fcd2c6da6359e6963113a1170de795e4b725b84d1e0b4cfd9ec58ce9";
    QTest::newRow("SHA-384") << "SHA-384"
                             << "8062ee12646b257010693c25aa016126f5d18c3ef6db50dd4fcebbfab3c8f9a1fcbf08f317"
                                "9662498c59f8693145ac4e";
    QTest::newRow("SHA-512") << "SHA-512"
                             << "0416a26ba554334286b1954918ecad7ba6c33575b49df915ff3367b5cef7ecd93b1f0b43"
                                "6636667b27b363011543971f1c81c3151d5ef72733501c1ff33c34af";
}

void TestStreamMapping::hashEveryMethod() {
    QFETCH(QString, method);
    QFETCH(QString, hex);
    const std::string text =
        R"j([{"type":"hashing","mapperConfiguration":{"targetField":"email","method":")j" +
        method.toStdString() + R"j(","fieldNameSuffix":"_hashed"}}])j";
    auto m = StreamMapping::build("users", userColumns(), mappersOf(text.c_str()), {{"id"}, "updated_at"});
    QVERIFY(m);
    QCOMPARE(names(m->columns()),
             std::string("id:integer,email_hashed:string,status:string,ssn:string,updated_at:string"));
    Row r = userRow(1, "bob", "active");
    QVERIFY(m->apply(r));
    QCOMPARE(QString::fromStdString(r.values[1].s), hex);
    Row n = userRow(2, nullptr, "active");
    QVERIFY(m->apply(n));
    QVERIFY(n.values[1].isNull()); // NULL stays NULL
}

void TestStreamMapping::hashNumberHashesItsText() {
    std::vector<Column> cols = {{"id", ColumnType::Integer}, {"n", ColumnType::Integer}};
    auto m = StreamMapping::build(
        "t", cols,
        mappersOf(
            R"j([{"type":"hashing","mapperConfiguration":{"targetField":"n","method":"SHA-256","fieldNameSuffix":"_h"}}])j"),
        {});
    QVERIFY(m);
    Row r;
    r.values = {Value::integer(1), Value::integer(42)};
    QVERIFY(m->apply(r));
    QCOMPARE(r.values[1].s, std::string("73475cb40a568e8da8a045ced110137e159f890ac4da883b6b17dc651b3a8049"));
}

void TestStreamMapping::selectedFieldsProjectInSourceOrder() {
    MappingConfig c;
    c.selectedFields = std::vector<std::string>{"updated_at", "id", "email"};
    auto m = StreamMapping::build("users", userColumns(), c, {{"id"}, "updated_at"});
    QVERIFY(m);
    QCOMPARE(names(m->columns()), std::string("id:integer,email:string,updated_at:string"));
    Row r = userRow(7, "a@b", "active");
    r.changes.push_back({"status", "NULLED", "DESTINATION_TYPECAST_ERROR"});
    r.changes.push_back({"email", "NULLED", "DESTINATION_TYPECAST_ERROR"});
    QVERIFY(m->apply(r));
    QCOMPARE(r.values.size(), size_t(3));
    QCOMPARE(r.values[0].i, int64_t(7));
    QCOMPARE(r.values[1].s, std::string("a@b"));
    QCOMPARE(r.values[2].s, std::string("2024-01-01"));
    QCOMPARE(r.changes.size(), size_t(1)); // the change of a field not kept goes with it
    QCOMPARE(r.changes[0].field, std::string("email"));
}

void TestStreamMapping::renamingRenamesColumnAndChanges() {
    auto m = StreamMapping::build(
        "users", userColumns(),
        mappersOf(
            R"j([{"type":"field-renaming","mapperConfiguration":{"originalFieldName":"status","newFieldName":"state"}}])j"),
        {{"id"}, "updated_at"});
    QVERIFY(m);
    QCOMPARE(names(m->columns()),
             std::string("id:integer,email:string,state:string,ssn:string,updated_at:string"));
    Row r = userRow(1, "x", "active");
    r.changes.push_back({"status", "NULLED", "DESTINATION_TYPECAST_ERROR"});
    QVERIFY(m->apply(r));
    QCOMPARE(r.values[2].s, std::string("active"));
    QCOMPARE(r.changes[0].field, std::string("state"));
}

void TestStreamMapping::rowFilteringEqualAndNot() {
    auto keep = StreamMapping::build(
        "users", userColumns(),
        mappersOf(
            R"j([{"type":"row-filtering","mapperConfiguration":{"conditions":{"type":"EQUAL","fieldName":"status","comparisonValue":"active"}}}])j"),
        {});
    QVERIFY(keep);
    Row a = userRow(1, "x", "active"), b = userRow(2, "y", "gone");
    QVERIFY(keep->apply(a));
    QVERIFY(!keep->apply(b));
    auto drop = StreamMapping::build(
        "users", userColumns(),
        mappersOf(
            R"j([{"type":"row-filtering","mapperConfiguration":{"conditions":{"type":"NOT","conditions":[{"type":"EQUAL","fieldName":"status","comparisonValue":"active"}]}}}])j"),
        {});
    QVERIFY(drop);
    Row c = userRow(1, "x", "active"), d = userRow(2, "y", "gone");
    QVERIFY(!drop->apply(c));
    QVERIFY(drop->apply(d));
    // A number compares by value: "2" equals the integer 2.
    auto byId = StreamMapping::build(
        "users", userColumns(),
        mappersOf(
            R"j([{"type":"row-filtering","mapperConfiguration":{"conditions":{"type":"EQUAL","fieldName":"id","comparisonValue":"2"}}}])j"),
        {});
    Row e = userRow(2, "y", "gone"), f = userRow(3, "z", "gone");
    QVERIFY(byId->apply(e));
    QVERIFY(!byId->apply(f));
}

void TestStreamMapping::encryptionRoundTrip() {
    const std::string text =
        R"j([{"type":"encryption","mapperConfiguration":{"algorithm":"AES","targetField":"ssn","key":")j" +
        kKey + R"j(","mode":"CBC","padding":"PKCS5Padding","fieldNameSuffix":"_encrypted"}}])j";
    auto m = StreamMapping::build("users", userColumns(), mappersOf(text.c_str()), {});
    QVERIFY(m);
    QCOMPARE(names(m->columns()),
             std::string("id:integer,email:string,status:string,ssn_encrypted:string,updated_at:string"));
    Row r = userRow(1, "x", "active");
    QVERIFY(m->apply(r));
    const std::string cipher = r.values[3].s;
    QCOMPARE(cipher.size(), size_t(44)); // base64 of 16 bytes of IV and one 16-byte block
    QCOMPARE(decryptAesCbc(kKey, cipher).value_or("(failed)"), std::string("123-45-6789"));
    QVERIFY(!decryptAesCbc("ffeeddccbbaa99887766554433221100", cipher).has_value());
    Row again = userRow(1, "x", "active");
    QVERIFY(m->apply(again));
    QVERIFY(again.values[3].s != cipher); // a fresh IV per value
}

void TestStreamMapping::mappersApplyInOrder() {
    auto m = StreamMapping::build(
        "users", userColumns(),
        mappersOf(
            R"j([{"type":"field-renaming","mapperConfiguration":{"originalFieldName":"email","newFieldName":"mail"}},
                      {"type":"hashing","mapperConfiguration":{"targetField":"mail","method":"MD5","fieldNameSuffix":"_md5"}}])j"),
        {{"id"}, "updated_at"});
    QVERIFY(m);
    QCOMPARE(names(m->columns()),
             std::string("id:integer,mail_md5:string,status:string,ssn:string,updated_at:string"));
    Row r = userRow(1, "alice@example.com", "active");
    QVERIFY(m->apply(r));
    QCOMPARE(r.values[1].s, std::string("c160f8cc69a4f0bf2b0362752353d060"));
}

void TestStreamMapping::refusals_data() {
    QTest::addColumn<QString>("mappers");
    QTest::addColumn<QString>("message");
    QTest::newRow("hash key")
        << R"j([{"type":"field-renaming","mapperConfiguration":{"originalFieldName":"status","newFieldName":"s"}},{"type":"hashing","mapperConfiguration":{"targetField":"id","method":"SHA-256","fieldNameSuffix":"_hashed"}}])j"
        << "stream `users`: mapper 2 (hashing of `id`) would rewrite the primary key";
    QTest::newRow("encrypt cursor")
        << QString::fromStdString(
               R"j([{"type":"encryption","mapperConfiguration":{"targetField":"updated_at","key":")j" + kKey +
               R"j("}}])j")
        << "stream `users`: mapper 1 (encryption of `updated_at`) would rewrite the cursor";
    QTest::newRow("rename key")
        << R"j([{"type":"field-renaming","mapperConfiguration":{"originalFieldName":"id","newFieldName":"key"}}])j"
        << "stream `users`: mapper 1 (field-renaming of `id` to `key`) would rename the primary key";
    QTest::newRow("missing field")
        << R"j([{"type":"hashing","mapperConfiguration":{"targetField":"phone","method":"MD5"}}])j"
        << "stream `users`: mapper 1 (hashing of `phone`) names `phone`, which is not a field of the stream "
           "at that point (fields: id, email, status, ssn, updated_at)";
    QTest::newRow("name taken")
        << R"j([{"type":"field-renaming","mapperConfiguration":{"originalFieldName":"email","newFieldName":"status"}}])j"
        << "stream `users`: mapper 1 (field-renaming of `email` to `status`) would name its output `status`, "
           "which is already a field";
}

void TestStreamMapping::refusals() {
    QFETCH(QString, mappers);
    QFETCH(QString, message);
    QCOMPARE(QString::fromStdString(buildError(mappersOf(mappers.toUtf8().constData()))), message);
}

void TestStreamMapping::keyAndCursorCannotBeDeselected() {
    MappingConfig c;
    c.selectedFields = std::vector<std::string>{"email", "updated_at"};
    QCOMPARE(buildError(c),
             std::string("stream `users`: the primary key field `id` cannot be deselected: add it to "
                         "`selected_fields`"));
    c.selectedFields = std::vector<std::string>{"id", "email"};
    QCOMPARE(buildError(c), std::string("stream `users`: the cursor field `updated_at` cannot be deselected: "
                                        "add it to `selected_fields`"));
    c.selectedFields = std::vector<std::string>{"id", "updated_at", "phone"};
    QCOMPARE(buildError(c),
             std::string("stream `users`: `selected_fields` names `phone`, which is not a field "
                         "of the stream (fields: id, email, status, ssn, updated_at)"));
    // A full refresh without dedupe depends on neither: anything may go.
    c.selectedFields = std::vector<std::string>{"email"};
    QCOMPARE(buildError(c, {}), std::string("(built)"));
}

void TestStreamMapping::badConfigurations_data() {
    QTest::addColumn<QString>("mappers");
    QTest::addColumn<QString>("message");
    QTest::newRow("unknown type") << R"j([{"type":"masking","mapperConfiguration":{}}])j"
                                  << "`streams[0].mappers[0].type` is \"masking\": expected hashing, "
                                     "field-renaming, row-filtering or encryption";
    QTest::newRow("unknown method")
        << R"j([{"type":"hashing","mapperConfiguration":{"targetField":"email","method":"SHA-3"}}])j"
        << "`streams[0].mappers[0].mapperConfiguration.method` is \"SHA-3\": expected MD5, SHA-1, SHA-224, "
           "SHA-256, SHA-384 or SHA-512";
    QTest::newRow("missing field") << R"j([{"type":"hashing","mapperConfiguration":{"method":"MD5"}}])j"
                                   << "`streams[0].mappers[0].mapperConfiguration.targetField` is missing";
    QTest::newRow("short key")
        << R"j([{"type":"encryption","mapperConfiguration":{"targetField":"ssn","key":"abcd"}}])j"
        << "`streams[0].mappers[0].mapperConfiguration.key` must be an AES key in hex: 32, 48 or 64 hex "
           "digits (16, 24 or 32 bytes), found 4 characters";
    QTest::newRow("other mode")
        << QString::fromStdString(
               R"j([{"type":"encryption","mapperConfiguration":{"targetField":"ssn","mode":"GCM","key":")j" +
               kKey + R"j("}}])j")
        << "`streams[0].mappers[0].mapperConfiguration.mode` is \"GCM\": Sluice encrypts in CBC mode only";
    QTest::newRow("bad condition")
        << R"j([{"type":"row-filtering","mapperConfiguration":{"conditions":{"type":"LIKE"}}}])j"
        << "`streams[0].mappers[0].mapperConfiguration.conditions.type` is \"LIKE\": expected EQUAL or NOT";
}

void TestStreamMapping::badConfigurations() {
    QFETCH(QString, mappers);
    QFETCH(QString, message);
    QCOMPARE(QString::fromStdString(parseError(mappers.toUtf8().constData())), message);
}

void TestStreamMapping::connectionFileRefusesAndRoundTrips() {
    const std::string base =
        R"j({"name":"c","source":{"type":"file","config":{"path":"/tmp/u.csv"}},
            "destination":{"type":"sqlite","config":{"path":"/tmp/w.sqlite"}},
            "streams":[{"name":"users","sync_mode":"incremental","destination_sync_mode":"append_dedup",
                        "cursor_field":["updated_at"],"primary_key":[["id"]],)j";
    auto bad = parseConnectionJson(base + R"j("selected_fields":["email","updated_at"]}]})j", "c.json", "");
    QVERIFY(!bad);
    QCOMPARE(bad.error().message,
             std::string("c.json: stream `users`: the primary key field `id` cannot be deselected: add it to "
                         "`selected_fields`"));
    auto hashed = parseConnectionJson(
        base +
            R"j("mappers":[{"type":"hashing","mapperConfiguration":{"targetField":"id","method":"MD5","fieldNameSuffix":"_h"}}]}]})j",
        "c.json", "");
    QVERIFY(!hashed);
    QCOMPARE(hashed.error().message,
             std::string("c.json: stream `users`: mapper 1 (hashing of `id`) would rewrite the primary key"));

    auto ok = parseConnectionJson(
        base +
            R"j("selected_fields":["id","email","ssn","updated_at"],"mappers":[{"type":"encryption","mapperConfiguration":{"algorithm":"AES","targetField":"ssn","key":")j" +
            kKey + R"j(","mode":"CBC","padding":"PKCS5Padding","fieldNameSuffix":"_encrypted"}}]}]})j",
        "c.json", "");
    QVERIFY2(ok, ok ? "" : ok.error().message.c_str());
    const std::string shown = connectionToJson(*ok);
    QVERIFY(shown.find(kKey) == std::string::npos);
    QVERIFY(shown.find(R"j("key": "**********")j") != std::string::npos);
    auto again = parseConnectionJson(connectionToJson(*ok, true), "again", "");
    QVERIFY(again);
    QCOMPARE(again->streams[0].mapping.selectedFields.value(),
             (std::vector<std::string>{"id", "email", "ssn", "updated_at"}));
    QVERIFY(again->streams[0].mapping.mappers == ok->streams[0].mapping.mappers);
    QCOMPARE(again->streams[0].mapping.mappers[0].key, kKey);
}

QTEST_GUILESS_MAIN(TestStreamMapping)
#include "tst_stream_mapping.moc"
