#include "sources/file/csv_reader.h"
#include "test_support.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace sluice::core;

namespace {
// One record as "LINE@OFFSET:f1|f2", line breaks spelled out so a failure shows where they were.
QString describe(const CsvRecord& r) {
    QStringList fields;
    for (auto f : r.fields)
        fields << QString::fromUtf8(f.data(), qsizetype(f.size())).replace("\r", "\\r").replace("\n", "\\n");
    return QString("%1@%2:%3").arg(r.line).arg(r.offset).arg(fields.join('|'));
}

// The header and every record, or "error: ..." where reading stopped.
QStringList readAll(const QString& path, size_t bufferSize) {
    CsvReader reader(bufferSize);
    auto opened = reader.open(path.toStdString());
    if (!opened.ok())
        return {"error: " + QString::fromStdString(opened.error().message)};
    QStringList out;
    QStringList header;
    for (const auto& h : reader.header())
        header << QString::fromStdString(h);
    out << "header:" + header.join('|');
    for (;;) {
        auto got = reader.next();
        if (!got.ok())
            return out << "error: " + QString::fromStdString(got.error().message);
        if (!*got)
            return out;
        out << describe(reader.record());
    }
}

// Small buffers put record and refill boundaries everywhere, including inside quotes and CRLFs.
const size_t kBufferSizes[] = {16, 17, 19, 23, 64, size_t(1) << 20};
} // namespace

class TestCsvReader : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

    QString write(const QByteArray& content) {
        return sluice::test::writeFile(m_dir.filePath("t.csv"), content);
    }

private slots:
    void records_data() {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QStringList>("expected");
        QTest::newRow("plain") << QByteArray("a,b,c\n1,2,3\n4,5,6\n")
                               << QStringList{"header:a|b|c", "2@6:1|2|3", "3@12:4|5|6"};
        QTest::newRow("no trailing newline")
            << QByteArray("a,b\n1,2") << QStringList{"header:a|b", "2@4:1|2"};
        QTest::newRow("crlf") << QByteArray("a,b\r\n1,2\r\n3,4\r\n")
                              << QStringList{"header:a|b", "2@5:1|2", "3@10:3|4"};
        QTest::newRow("bom") << QByteArray("\xEF\xBB\xBFid,name\n1,x\n")
                             << QStringList{"header:id|name", "2@11:1|x"};
        QTest::newRow("comma in quotes")
            << QByteArray("a,b\n\"x,y\",z\n") << QStringList{"header:a|b", "2@4:x,y|z"};
        QTest::newRow("doubled quotes")
            << QByteArray("a\n\"say \"\"hi\"\"\"\n") << QStringList{"header:a", "2@2:say \"hi\""};
        QTest::newRow("newline in quotes") << QByteArray("a,b\n\"l1\nl2\",z\n3,4\n")
                                           << QStringList{"header:a|b", "2@4:l1\\nl2|z", "4@14:3|4"};
        QTest::newRow("crlf in quotes")
            << QByteArray("a\r\n\"x\r\ny\"\r\n") << QStringList{"header:a", "2@3:x\\r\\ny"};
        QTest::newRow("quoted fields, crlf") << QByteArray("a,b\r\n\"x\",\"y\"\r\n1,2\r\n")
                                             << QStringList{"header:a|b", "2@5:x|y", "3@14:1|2"};
        QTest::newRow("quoted and plain fields mixed")
            << QByteArray("a,b,c,d\n1,\"x, y\",z,\"w\"\n") << QStringList{"header:a|b|c|d", "2@8:1|x, y|z|w"};
        QTest::newRow("quoted field before an empty last one")
            << QByteArray("a,b\n\"x\",\n") << QStringList{"header:a|b", "2@4:x|"};
        QTest::newRow("doubled quotes after a plain quoted field")
            << QByteArray("a,b\n\"x\",\"y\"\"z\"\n") << QStringList{"header:a|b", "2@4:x|y\"z"};
        QTest::newRow("quoted last field at eof")
            << QByteArray("a\n\"x\"") << QStringList{"header:a", "2@2:x"};
        QTest::newRow("fewer fields") << QByteArray("a,b,c\n1\n") << QStringList{"header:a|b|c", "2@6:1"};
        QTest::newRow("empty fields") << QByteArray("a,b,c\n,,\n") << QStringList{"header:a|b|c", "2@6:||"};
        QTest::newRow("quoted empty") << QByteArray("a,b\n\"\",x\n") << QStringList{"header:a|b", "2@4:|x"};
        QTest::newRow("blank lines skipped")
            << QByteArray("a\n1\n\n2\r\n\n") << QStringList{"header:a", "2@2:1", "4@5:2"};
        QTest::newRow("quote inside unquoted field")
            << QByteArray("a,b\n5\" disk,x\n") << QStringList{"header:a|b", "2@4:5\" disk|x"};
        QTest::newRow("blank and repeated header names")
            << QByteArray("a,,a\n1,2,3\n") << QStringList{"header:a|column_2|a_2", "2@5:1|2|3"};
        QTest::newRow("header only") << QByteArray("a,b\n") << QStringList{"header:a|b"};
        const QByteArray longValue(100, 'v');
        QTest::newRow("field longer than the buffer")
            << QByteArray("a,b\n\"" + longValue + "\"\"\"," + longValue + "\n1,2\n")
            << QStringList{"header:a|b", "2@4:" + QString(longValue) + "\"|" + QString(longValue),
                           "3@210:1|2"};
    }

    void records() {
        QFETCH(QByteArray, content);
        QFETCH(QStringList, expected);
        const QString path = write(content);
        for (size_t size : kBufferSizes)
            QCOMPARE(readAll(path, size), expected);
    }

    void errors_data() {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("expected");
        QTest::newRow("more fields than the header")
            << QByteArray("a,b\n1,2\n1,2,3\n") << "t.csv:3: row has 3 fields, the header has 2";
        QTest::newRow("unterminated quote") << QByteArray("a,b\n1,2\n\"open,3\n4,5\n")
                                            << "t.csv:3: the quoted field opened on this line is never "
                                               "closed (the file ends before its closing "
                                               "quote)";
        QTest::newRow("text after closing quote") << QByteArray("a,b\n1,2\n\"x\"y,2\n")
                                                  << "t.csv:3: field 1 has text after its closing quote; a "
                                                     "quote inside a quoted field must be written "
                                                     "twice (\"\")";
        QTest::newRow("empty file") << QByteArray("")
                                    << "t.csv: the file is empty; a CSV file needs a header row";
    }

    void errors() {
        QFETCH(QByteArray, content);
        QFETCH(QString, expected);
        const QString path = write(content);
        for (size_t size : kBufferSizes) {
            const QStringList got = readAll(path, size);
            QVERIFY(!got.isEmpty());
            QCOMPARE(got.last(), "error: " + m_dir.path() + "/" + expected);
        }
    }

    void missingFile() {
        const QString path = m_dir.filePath("nope.csv");
        QCOMPARE(readAll(path, 64),
                 QStringList{"error: file source: cannot read " + path + ": No such file or directory"});
    }

    void rawBytesExcludeTheTerminator() {
        const QString path = write("a,b\r\n\"x,\"\"y\"\"\",z\r\nlast,1");
        CsvReader reader(16);
        QVERIFY(reader.open(path.toStdString()).ok());
        QVERIFY(*reader.next());
        QCOMPARE(std::string(reader.record().raw), std::string("\"x,\"\"y\"\"\",z"));
        QVERIFY(*reader.next());
        QCOMPARE(std::string(reader.record().raw), std::string("last,1"));
    }

    void seekResumesAtARecord() {
        const QString path = write("id,text\n1,\"a\nb\"\n2,x\n3,y\n");
        CsvReader first;
        QVERIFY(first.open(path.toStdString()).ok());
        QVERIFY(*first.next());
        const int64_t offset = first.nextOffset(), line = first.nextLine();
        QCOMPARE(offset, int64_t(16));
        QCOMPARE(line, int64_t(4));

        CsvReader resumed(16);
        QVERIFY(resumed.open(path.toStdString()).ok());
        QVERIFY(resumed.seek(offset, line).ok());
        QStringList rest;
        while (*resumed.next())
            rest << describe(resumed.record());
        QCOMPARE(rest, (QStringList{"4@16:2|x", "5@20:3|y"}));
    }
};

QTEST_GUILESS_MAIN(TestCsvReader)
#include "tst_csv_reader.moc"
