// Odd JSON lines through both parsers of each reader (simdjson's fast path and the nlohmann path it hands
// over to, forced here with an integer beyond 64 bits): bytes that are not UTF-8 are stored with U+FFFD and a
// TRUNCATED / SOURCE_SERIALIZATION_ERROR change naming the column; nesting up to kMaxJsonDepth is read, one
// level more is refused with the same message on both paths, and 100,000 levels are refused, not a crash.
// (No raw string literals: moc's lexer loses the class after some of them.)
#include "protocol/airbyte_message.h"
#include "protocol/record_decoder.h"
#include "sources/file/file_row_reader.h"
#include "sources/file/schema_inference.h"
#include "test_support.h"
#include "util/json_text.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace sluice::core;

namespace {
const std::string kFffd = "\xEF\xBF\xBD";
const std::vector<Column> kColumns = {{"id", ColumnType::Integer},
                                      {"name", ColumnType::String},
                                      {"doc", ColumnType::Json},
                                      {"big", ColumnType::Number}};
// Forces the nlohmann path: simdjson refuses integers beyond 64 bits.
const std::string kSlow = ",\"big\":99999999999999999999999";

std::string nested(size_t depth) {
    return std::string(depth, '[') + "1" + std::string(depth, ']');
}

// Each test runs once per parser: `extra` is appended to the line's innermost object.
void bothPaths() {
    QTest::addColumn<std::string>("extra");
    QTest::newRow("simdjson") << std::string();
    QTest::newRow("nlohmann") << kSlow;
}

QStringList changesOf(const Row& row) {
    QStringList out;
    for (const auto& c : row.changes)
        out << QString::fromStdString(c.field + " " + c.change + " " + c.reason);
    return out;
}
} // namespace

class TestOddJsonLines : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

    Result<bool> readOne(const std::string& line, Row& row) {
        const QString path =
            sluice::test::writeFile(m_dir.filePath("odd.jsonl"), QByteArray::fromStdString(line + "\n"));
        auto reader = makeRowReader(FileFormat::Jsonl, kColumns);
        if (auto opened = reader->open(path.toStdString()); !opened)
            return opened.error();
        return reader->next(row);
    }

private slots:
    void jsonlBytesThatAreNotUtf8AreReplaced_data() { bothPaths(); }

    void jsonlBytesThatAreNotUtf8AreReplaced() {
        QFETCH(std::string, extra);
        Row row;
        auto got = readOne(
            "{\"id\":\"x\",\"name\":\"caf\xE9\",\"doc\":{\"k\":[\"\xFF\"]},\"other\":\"\xFE\"" + extra + "}",
            row);
        QVERIFY2(got.ok() && *got, got.ok() ? "no row" : got.error().message.c_str());
        QCOMPARE(row.values[1].s, "caf" + kFffd);
        QCOMPARE(row.values[2].s, "{\"k\":[\"" + kFffd + "\"]}");
        // `id` is NULLED (not a number): its change stays the only one; `other` is no column.
        QCOMPARE(changesOf(row), (QStringList{"id NULLED DESTINATION_TYPECAST_ERROR",
                                              "name TRUNCATED SOURCE_SERIALIZATION_ERROR",
                                              "doc TRUNCATED SOURCE_SERIALIZATION_ERROR"}));
    }

    void jsonlDiscoveryRepairsKeys() {
        const QString path = sluice::test::writeFile(
            m_dir.filePath("keys.jsonl"), "{\"id\":1,\"n\xE4me\":\"x\"}\n{\"id\":2,\"v\":\"\xFF\"}\n");
        auto columns = inferJsonlColumns(path.toStdString());
        QVERIFY2(columns.ok(), columns.ok() ? "" : columns.error().message.c_str());
        QCOMPARE(*columns, (std::vector<Column>{{"id", ColumnType::Integer},
                                                {"n" + kFffd + "me", ColumnType::String},
                                                {"v", ColumnType::String}}));
    }

    void jsonlDepthLimit_data() { bothPaths(); }

    void jsonlDepthLimit() {
        QFETCH(std::string, extra);
        Row row;
        // The record is one level: `doc` holds kMaxJsonDepth - 1 more.
        auto deepest = readOne("{\"id\":1,\"doc\":" + nested(kMaxJsonDepth - 1) + extra + "}", row);
        QVERIFY2(deepest.ok() && *deepest, deepest.ok() ? "no row" : deepest.error().message.c_str());
        QCOMPARE(row.values[2].s, nested(kMaxJsonDepth - 1));
        for (size_t depth : {kMaxJsonDepth, size_t(100000)}) {
            auto refused = readOne("{\"id\":1,\"doc\":" + nested(depth) + extra + "}", row);
            QVERIFY(!refused.ok());
            QCOMPARE(refused.error().message,
                     m_dir.filePath("odd.jsonl").toStdString() +
                         ":1: the record is nested deeper than 1000 levels (Sluice's limit for JSON)");
        }
    }

    void recordBytesThatAreNotUtf8AreReplaced_data() { bothPaths(); }

    void recordBytesThatAreNotUtf8AreReplaced() {
        QFETCH(std::string, extra);
        airbyte::RecordDecoder d({{"users", "", kColumns}});
        airbyte::DecodedLine out;
        d.decode("{\"type\":\"RECORD\",\"record\":{\"stream\":\"users\",\"emitted_at\":1,\"data\":{\"id\":7,"
                 "\"name\":\"\xFF\xFEok\",\"doc\":[\"\xC0\"]" +
                     extra + "}}}",
                 out);
        QCOMPARE(int(out.kind), int(airbyte::DecodedLine::Kind::Record));
        QCOMPARE(out.row.values[0].i, int64_t(7));
        QCOMPARE(out.row.values[1].s, kFffd + kFffd + "ok");
        QCOMPARE(out.row.values[2].s, "[\"" + kFffd + "\"]");
        QCOMPARE(changesOf(out.row), (QStringList{"name TRUNCATED SOURCE_SERIALIZATION_ERROR",
                                                  "doc TRUNCATED SOURCE_SERIALIZATION_ERROR"}));
    }

    void recordDepthLimit_data() { bothPaths(); }

    void recordDepthLimit() {
        QFETCH(std::string, extra);
        airbyte::RecordDecoder d({{"users", "", kColumns}});
        airbyte::DecodedLine out;
        // Message, record and data are three levels of the line.
        const auto line = [&](size_t docDepth) {
            return "{\"type\":\"RECORD\",\"record\":{\"stream\":\"users\",\"data\":{\"id\":1,\"doc\":" +
                   nested(docDepth) + extra + "}}}";
        };
        d.decode(line(kMaxJsonDepth - 3), out);
        QCOMPARE(int(out.kind), int(airbyte::DecodedLine::Kind::Record));
        QCOMPARE(out.row.values[2].s, nested(kMaxJsonDepth - 3));
        for (size_t depth : {kMaxJsonDepth - 2, size_t(100000)}) {
            d.decode(line(depth), out);
            QCOMPARE(int(out.kind), int(airbyte::DecodedLine::Kind::TooDeep));
            QCOMPARE(out.error, std::string("is nested deeper than 1000 levels (Sluice's limit for JSON)"));
        }
    }

    void controlMessages() {
        // A catalog with a name that is not UTF-8 still arrives; one nested too deep is an error, not a
        // crash.
        auto catalog = airbyte::parseMessageLine(
            "{\"type\":\"CATALOG\",\"catalog\":{\"streams\":[{\"name\":\"t\xFF\",\"json_schema\":{}}]}}");
        QVERIFY(catalog.ok());
        QCOMPARE(catalog->catalogStreams.size(), size_t(1));
        QVERIFY(catalog->catalogStreams[0].find("\"t" + kFffd + "\"") != std::string::npos);
        auto deep = airbyte::parseMessageLine("{\"type\":\"LOG\",\"log\":" + nested(100000) + "}");
        QVERIFY(!deep.ok());
        QCOMPARE(deep.error().message,
                 std::string("a line nested deeper than 1000 levels (Sluice's limit for JSON)"));
    }
};

QTEST_GUILESS_MAIN(TestOddJsonLines)
#include "tst_odd_json_lines.moc"
