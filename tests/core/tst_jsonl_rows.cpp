// The JSONL reader's simdjson fast path against its reference: every line read into a row must equal what
// nlohmann's object, jsonToValue and coerceTo make of it, whichever path took the line, and a reused row
// (the sink hands spent rows back) must carry nothing over from the line before. (No raw string literals in
// this file: moc's lexer loses the class after some of them.)
#include "sources/file/file_row_reader.h"
#include "sources/file/jsonl_reader.h"
#include "sources/file/schema_inference.h"
#include "test_support.h"

#include <QTemporaryDir>
#include <QtTest>
#include <nlohmann/json.hpp>

using namespace sluice::core;

namespace {

const std::vector<Column> kColumns = {{"id", ColumnType::Integer}, {"name", ColumnType::String},
                                      {"n", ColumnType::Number},   {"b", ColumnType::Boolean},
                                      {"o", ColumnType::Json},     {"big", ColumnType::Integer}};

// What the reader must produce for a line: the reference rules, straight from nlohmann's object.
Row expectedRow(const std::string& line) {
    Row row;
    row.values.assign(kColumns.size(), Value{});
    const auto object = nlohmann::ordered_json::parse(line);
    for (const auto& [key, value] : object.items()) {
        for (size_t c = 0; c < kColumns.size(); ++c) {
            if (kColumns[c].name != key)
                continue;
            Value v = jsonToValue(value);
            if (coerceTo(kColumns[c].type, v)) {
                row.values[c] = std::move(v);
            } else {
                row.values[c] = Value{};
                row.changes.push_back(FieldChange{kColumns[c].name});
            }
            break;
        }
    }
    return row;
}

QString describe(const Row& row) {
    QStringList parts;
    for (const Value& v : row.values)
        parts << QString::number(int(v.kind)) + ":" + QString::fromStdString(v.toJson());
    QStringList changes;
    for (const auto& c : row.changes)
        changes << QString::fromStdString(c.field);
    return parts.join(' ') + " changes[" + changes.join(',') + "]";
}

} // namespace

class TestJsonlRows : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

private slots:
    void rowsMatchTheReference() {
        const std::vector<std::string> lines = {
            "{\"id\":1,\"name\":\"plain\",\"n\":1.5,\"b\":true,\"o\":{\"x\":1},\"big\":5}",
            "{\"id\":2,\"name\":\"esc "
            "\\u00e9\\\"\\n\",\"n\":2,\"b\":false,\"o\":{\"x\":[1,2.0,\"\\u0001\",{\"k\":\"v\",\"k\":\"w\"}]}"
            "}",
            "{\"name\":null,\"id\":3}",
            "{\"id\":\"4\",\"name\":12,\"n\":\"7.5\",\"b\":\"true\",\"o\":[1e2,-0.0],\"big\":"
            "12345678901234567890}",
            "{\"id\":\"x\",\"name\":true,\"n\":true,\"b\":0,\"o\":\"str\",\"big\":99999999999999999999999}",
            "{\"id\":6,\"id\":\"bad\",\"n\":\"bad\",\"n\":3}",
            "{\"id\":\"bad\",\"id\":7,\"b\":\"nope\",\"extra\":[1,{\"a\":[true,null]}]}",
            "  {\"id\":8 ,\"name\":\"\\ud83d\\ude00\", \"n\": -1e-3 }  ",
            "{\"id\":9223372036854775807,\"n\":9223372036854775808,\"big\":-9223372036854775808}",
            "{}",
        };
        QByteArray content;
        for (const auto& l : lines)
            content += QByteArray::fromStdString(l) + "\n";
        const QString path = sluice::test::writeFile(m_dir.filePath("rows.jsonl"), content);
        auto reader = makeRowReader(FileFormat::Jsonl, kColumns);
        QVERIFY(reader->open(path.toStdString()).ok());
        Row row; // reused across lines, as the sink's recycled rows are
        for (const auto& line : lines) {
            auto got = reader->next(row);
            QVERIFY(got.ok() && *got);
            QCOMPARE(describe(row), describe(expectedRow(line)));
        }
        auto end = reader->next(row);
        QVERIFY(end.ok() && !*end);
    }

    void invalidLinesKeepTheirMessages() {
        const QString path = sluice::test::writeFile(
            m_dir.filePath("bad.jsonl"), "{\"id\":1}\n{\"id\":2,\"extra\":[tru]}\n{\"id\":3} x\n");
        auto reader = makeRowReader(FileFormat::Jsonl, kColumns);
        QVERIFY(reader->open(path.toStdString()).ok());
        Row row;
        QVERIFY(reader->next(row).ok());
        auto bad = reader->next(row);
        QVERIFY(!bad.ok());
        QVERIFY2(
            QString::fromStdString(bad.error().message).contains("bad.jsonl:2: not valid JSON at column"),
            bad.error().message.c_str());
    }

    void discoveryMatchesTheReference() {
        // Repeated keys count once, with their last value, in the place of their first appearance.
        const QString path = sluice::test::writeFile(
            m_dir.filePath("kinds.jsonl"),
            "{\"a\":1,\"b\":\"x\",\"a\":\"s\"}\n{\"c\":[1],\"b\":2,\"d\":12345678901234567890}\n"
            "{\"e\":1e5,\"f\":null,\"g\":99999999999999999999999,\"h\":true}\n");
        auto columns = inferJsonlColumns(path.toStdString());
        QVERIFY(columns.ok());
        QStringList got;
        for (const auto& c : *columns)
            got << QString::fromStdString(c.name) + ":" + toString(c.type);
        QCOMPARE(got, (QStringList{"a:string", "b:string", "c:json", "d:number", "e:number", "f:string",
                                   "g:number", "h:boolean"}));
    }
};

QTEST_GUILESS_MAIN(TestJsonlRows)
#include "tst_jsonl_rows.moc"
