// Sluice's one UTF-8 rule (util/utf8.h) and the JSON scans built on it (util/json_text.h): what counts as
// well-formed, how ill-formed bytes are replaced (one U+FFFD per maximal subpart, Unicode §3.9), which field
// of a JSON line held them, and how deep JSON may nest.
#include "util/json_text.h"
#include "util/utf8.h"

#include <QtTest>

using namespace sluice::core;

namespace {
const std::string kFffd = "\xEF\xBF\xBD";

std::string fffd(int n) {
    std::string out;
    for (int i = 0; i < n; ++i)
        out += kFffd;
    return out;
}

std::string nested(size_t depth, const std::string& inner = "1") {
    return std::string(depth, '[') + inner + std::string(depth, ']');
}
} // namespace

class TestUtf8 : public QObject {
    Q_OBJECT
private slots:
    void wellFormed_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<bool>("valid");
        QTest::newRow("empty") << QByteArray() << true;
        QTest::newRow("ASCII, longer than a word") << QByteArray("hello, wide world") << true;
        // NUL is U+0000, a character: whether it may be stored is PostgreSQL's rule, not UTF-8's.
        QTest::newRow("NUL") << QByteArray("a\0b", 3) << true;
        QTest::newRow("two, three, four bytes") << QByteArray("\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80") << true;
        QTest::newRow("U+10FFFF") << QByteArray("\xF4\x8F\xBF\xBF") << true;
        QTest::newRow("Latin-1") << QByteArray("caf\xE9") << false;
        QTest::newRow("lone continuation") << QByteArray("\x80") << false;
        QTest::newRow("overlong two bytes") << QByteArray("\xC0\xAF") << false;
        QTest::newRow("overlong three bytes") << QByteArray("\xE0\x80\xAF") << false;
        QTest::newRow("overlong four bytes") << QByteArray("\xF0\x80\x80\xAF") << false;
        QTest::newRow("surrogate") << QByteArray("\xED\xA0\x80") << false;
        QTest::newRow("above U+10FFFF") << QByteArray("\xF4\x90\x80\x80") << false;
        QTest::newRow("F5 lead") << QByteArray("\xF5\x80\x80\x80") << false;
        QTest::newRow("cut short at the end") << QByteArray("ab\xE2\x82") << false;
        QTest::newRow("bad byte after eight ASCII") << QByteArray("abcdefgh\xFF") << false;
    }

    void wellFormed() {
        QFETCH(QByteArray, bytes);
        QFETCH(bool, valid);
        QCOMPARE(isValidUtf8(std::string_view(bytes.constData(), size_t(bytes.size()))), valid);
    }

    void repairReplacesEachMaximalSubpart_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QByteArray>("repaired");
        const QByteArray r = QByteArray::fromStdString(kFffd);
        // Unicode 15, table 3-8: "a", a cut F1 80 80, a cut E1 80, a lone C2, "b", 80, "c", 80, BF, "d".
        QTest::newRow("Unicode's example")
            << QByteArray("\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64")
            << "a" + r + r + r + "b" + r + "c" + r + r + "d";
        QTest::newRow("Latin-1") << QByteArray("caf\xE9 cr\xE8me") << "caf" + r + " cr" + r + "me";
        QTest::newRow("overlong: no subpart") << QByteArray("\xC0\xAF") << r + r;
        QTest::newRow("E0 80 is not a start") << QByteArray("\xE0\x80\xAF") << r + r + r;
        QTest::newRow("surrogate") << QByteArray("\xED\xA0\x80") << r + r + r;
        QTest::newRow("above U+10FFFF") << QByteArray("\xF4\x90\x80\x80") << r + r + r + r;
        QTest::newRow("cut at the end") << QByteArray("x\xF0\x9F\x98") << "x" + r;
        QTest::newRow("valid text around")
            << QByteArray("\xC3\xA9\xFF\xE2\x82\xAC") << "\xC3\xA9" + r + "\xE2\x82\xAC";
        QTest::newRow("U+FFFD itself stays") << r + QByteArray("\xFF") << r + r;
    }

    void repairReplacesEachMaximalSubpart() {
        QFETCH(QByteArray, bytes);
        QFETCH(QByteArray, repaired);
        std::string text = bytes.toStdString();
        std::vector<size_t> at;
        QVERIFY(repairUtf8(text, &at));
        QCOMPARE(QByteArray::fromStdString(text), repaired);
        QVERIFY(isValidUtf8(text));
        // Every offset points at a U+FFFD of the result.
        for (size_t offset : at)
            QCOMPARE(text.substr(offset, 3), kFffd);
        QCOMPARE(QByteArray::fromStdString(toValidUtf8(bytes.toStdString())), repaired);
    }

    void repairLeavesWellFormedTextAlone() {
        std::string text = "na\xC3\xAFve \xF0\x9F\x98\x80";
        const std::string before = text;
        std::vector<size_t> at;
        QVERIFY(!repairUtf8(text, &at));
        QCOMPARE(text, before);
        QVERIFY(at.empty());
    }

    void nestingDepth() {
        QCOMPARE(jsonNestingDepth("1"), size_t(0));
        QCOMPARE(jsonNestingDepth("{\"a\": [1, {\"b\": []}]}"), size_t(4));
        QCOMPARE(jsonNestingDepth("{\"a\": \"[[[[{{{{\", \"b\": \"\\\"[[\"}"), size_t(1)); // in strings
        QCOMPARE(jsonNestingDepth("]]]][[["), size_t(3)); // not JSON: still counted
        QCOMPARE(jsonNestingDepth(nested(kMaxJsonDepth)), kMaxJsonDepth);
        QVERIFY(!jsonTooDeep(nested(kMaxJsonDepth)));
        QVERIFY(jsonTooDeep(nested(kMaxJsonDepth + 1)));
        // The scan stops at the limit: a line of 100,000 levels costs what 1001 do.
        QCOMPARE(jsonNestingDepth(nested(100000), 10), size_t(11));
    }

    void repairedJsonNamesTheFields() {
        // Keys of the top-level object whose key or value held an odd byte, once each, in order.
        const std::string line = "{\"id\": 1, \"name\": \"caf\xE9\", \"tags\": [\"ok\", {\"x\": \"\xFF\"}], "
                                 "\"n\xE4me\": 2, \"name\": \"\xFE\"}";
        auto repaired = repairJsonUtf8(line);
        QVERIFY(repaired);
        QVERIFY(isValidUtf8(repaired->text));
        QCOMPARE(repaired->fields, (std::vector<std::string>{"name", "tags", "n" + kFffd + "me"}));
        QVERIFY(!repairJsonUtf8("{\"id\": 1}"));
    }

    void repairedJsonFollowsAPath() {
        // An Airbyte RECORD: only the members of record.data are fields; escapes in keys are unescaped.
        const std::string line = "{\"type\":\"RECORD\",\"record\":{\"stream\":\"u\xFF\",\"data\":"
                                 "{\"id\":9,\"na\\u006de\":\"\xFF\xFE\",\"deep\":{\"x\":[\"\xC0\"]}},"
                                 "\"emitted_at\":1}}";
        auto repaired = repairJsonUtf8(line, {"record", "data"});
        QVERIFY(repaired);
        QCOMPARE(repaired->fields, (std::vector<std::string>{"name", "deep"}));
        QVERIFY(repaired->text.find("\"stream\":\"u" + kFffd + "\"") != std::string::npos);
        QVERIFY(repaired->text.find("\"na\\u006de\":\"" + fffd(2) + "\"") != std::string::npos);
    }

    void oddBytesOutsideStringsAreInNoField() {
        auto repaired = repairJsonUtf8("{\"a\": 1\xFF}");
        QVERIFY(repaired);
        QVERIFY(repaired->fields.empty());
    }
};

QTEST_GUILESS_MAIN(TestUtf8)
#include "tst_utf8.moc"
