#include "sources/file/file_source.h"
#include "sources/file/schema_inference.h"
#include "test_support.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using namespace sluice::core;

namespace {

QString rowText(const Row& row) {
    QStringList values;
    for (const auto& v : row.values)
        values << QString::fromStdString(v.toJson());
    QString text = values.join(", ");
    if (!row.changes.empty()) {
        QStringList fields;
        for (const auto& c : row.changes)
            fields << QStringList{QString::fromStdString(c.field), QString::fromStdString(c.change),
                                  QString::fromStdString(c.reason)}
                          .join(' ');
        text += " | " + fields.join("; ");
    }
    return text;
}

// Records everything a source says, in order; can fail a delivery like a cancelled job does.
class RecordingSink : public RecordSink {
public:
    QStringList events;
    QStringList rows;
    std::vector<std::string> states;
    std::vector<int> rowsAtState; // how many rows had arrived when each state came
    std::vector<int64_t> estimates;
    int failOnRecord = -1; // 0-based record whose delivery fails

    Status record(size_t stream, Row&& row) override {
        if (failOnRecord >= 0 && rows.size() == failOnRecord)
            return Error::cancelled("stopped by the test");
        events << QString("record %1: %2").arg(stream).arg(rowText(row));
        rows << rowText(row);
        return {};
    }
    Status state(size_t stream, const std::string& json) override {
        events << QString("state %1: %2").arg(stream).arg(QString::fromStdString(json));
        states.push_back(json);
        rowsAtState.push_back(int(rows.size()));
        return {};
    }
    void estimate(size_t, int64_t records) override { estimates.push_back(records); }
    Status streamComplete(size_t stream) override {
        events << QString("complete %1").arg(stream);
        return {};
    }
};

ResolvedStream resolved(const StreamInfo& info, SyncMode sync = SyncMode::FullRefresh,
                        const std::string& cursor = {}) {
    ResolvedStream r;
    r.stream = info;
    r.mode = StreamMode{sync, DestinationSyncMode::Append};
    if (!cursor.empty())
        r.cursorField = {cursor};
    return r;
}

std::unique_ptr<Source> sourceFor(const QString& path, const QString& format = "auto") {
    return makeFileSource(QString(R"({"path": "%1", "format": "%2"})").arg(path, format).toStdString());
}

std::vector<StreamInfo> discovered(Source& source) {
    auto streams = source.discover();
    if (!streams.ok())
        qFatal("discover failed: %s", streams.error().message.c_str());
    return *streams;
}

QString columnsText(const std::vector<Column>& columns) {
    QStringList out;
    for (const auto& c : columns)
        out << QString("%1:%2").arg(QString::fromStdString(c.name), toString(c.type));
    return out.join(' ');
}

QString errorText(const Status& s) {
    return s.ok() ? "ok" : QString::fromStdString(s.error().message);
}

void append(const QString& path, const QByteArray& content) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::Append));
    f.write(content);
}

// One stream read with a state; returns the sink.
struct ReadOutcome {
    Status status;
    RecordingSink sink;
};
void readOnce(Source& source, const ResolvedStream& stream, const std::string& state, int64_t interval,
              ReadOutcome& out) {
    ReadRequest request;
    request.streams.push_back({stream, state});
    request.checkpointInterval = interval;
    out.status = source.read(request, out.sink);
}

// A full refresh of a single file with columns chosen by the test (what a destination might expect).
void readWithColumns(const QString& path, std::vector<Column> columns, ReadOutcome& out) {
    StreamInfo info;
    info.name = std::string("s"); // not = "s": GCC 12 warns falsely (-Wrestrict) on that assignment
    info.columns = std::move(columns);
    readOnce(*sourceFor(path), resolved(info), "", 100, out);
}

} // namespace

class TestFileSource : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

    QString write(const QString& name, const QByteArray& content) {
        return sluice::test::writeFile(m_dir.filePath(name), content);
    }

private slots:
    void infersCsvTypes() {
        const QString path = write("types/t.csv", "id,price,active,name,mixed,blank,sparse,flags\n"
                                                  "1,2,true,Ann,1,,7,TRUE\n"
                                                  "2,2.5,false,Bob,x,,,false\n"
                                                  "-3,1e3,true,12,2,,9,True\n");
        auto columns = inferCsvColumns(path.toStdString());
        QVERIFY(columns.ok());
        QCOMPARE(columnsText(*columns), "id:integer price:number active:boolean name:string mixed:string "
                                        "blank:string sparse:integer flags:boolean");
    }

    void infersJsonlTypes() {
        const QString path = write(
            "types/t.jsonl",
            R"({"id": 1, "score": 1, "tags": ["a"], "meta": {"k": 1}, "name": "x", "flag": true, "odd": {"a": 1}, "n": null})"
            "\n\n"
            R"({"late": false, "id": 2, "score": 2.5, "odd": "text", "n": null, "meta": {"k": [2]}})"
            "\n");
        auto columns = inferJsonlColumns(path.toStdString());
        QVERIFY(columns.ok());
        const QString expected = "id:integer score:number tags:json meta:json name:string flag:boolean "
                                 "odd:string n:string late:boolean";
        QCOMPARE(columnsText(*columns), expected);
        // Same data, same answer: a discovery that reordered columns would look like a schema change.
        for (int i = 0; i < 3; ++i)
            QCOMPARE(columnsText(*inferJsonlColumns(path.toStdString())), expected);
    }

    void inferenceLooksAtTheFirstRecordsOnly() {
        const QString path = write("types/limit.csv", "v\n1\n2\nx\n");
        QCOMPARE(columnsText(*inferCsvColumns(path.toStdString(), 2)), "v:integer");
        QCOMPARE(columnsText(*inferCsvColumns(path.toStdString(), 3)), "v:string");
    }

    void discoversAFolder() {
        write("folder/b.jsonl", "{\"x\": 1}\n");
        write("folder/a.csv", "id,name\n1,a\n");
        write("folder/c.NDJSON", "{\"y\": \"s\"}\n");
        write("folder/notes.txt", "not data\n");
        write("folder/.~lock.csv", "x\n");
        auto source = sourceFor(m_dir.filePath("folder"));
        QCOMPARE(errorText(source->check()), "ok");
        const auto streams = discovered(*source);
        QCOMPARE(streams.size(), size_t(3));
        QCOMPARE(streams[0].name, std::string("a"));
        QCOMPARE(columnsText(streams[0].columns), "id:integer name:string");
        QCOMPARE(streams[1].name, std::string("b"));
        QCOMPARE(columnsText(streams[1].columns), "x:integer");
        QCOMPARE(streams[2].name, std::string("c"));
        for (const auto& s : streams) {
            QVERIFY(s.ns.empty());
            QVERIFY(s.supports(SyncMode::FullRefresh) && s.supports(SyncMode::Incremental));
            QVERIFY(!s.sourceDefinedCursor);
            QVERIFY(s.defaultCursorField.empty());
            QVERIFY(s.sourceDefinedPrimaryKey.empty());
            QVERIFY(s.isResumable);
        }

        // Two streams in one read, each with its own index, final state and completion.
        ReadRequest request;
        request.streams = {{resolved(streams[1]), ""}, {resolved(streams[0]), ""}};
        RecordingSink sink;
        QCOMPARE(errorText(source->read(request, sink)), "ok");
        QCOMPARE(sink.events, (QStringList{"record 0: 1", "state 0: {}", "complete 0", "record 1: 1, \"a\"",
                                           "state 1: {}", "complete 1"}));
    }

    void formatIsForcedOrByExtension() {
        const QString path = write("forced/data.txt", "{\"a\": true}\n");
        const auto streams = discovered(*sourceFor(path, "jsonl"));
        QCOMPARE(streams.size(), size_t(1));
        QCOMPARE(streams[0].name, std::string("data"));
        QCOMPARE(columnsText(streams[0].columns), "a:boolean");
        QCOMPARE(errorText(sourceFor(path)->check()),
                 "file source: cannot tell the format of " + path +
                     " from its extension (.csv, .jsonl or .ndjson); set `format` to csv or jsonl");
    }

    void checkSaysWhatIsWrong() {
        const QString missing = m_dir.filePath("x/y.csv");
        QCOMPARE(errorText(sourceFor(missing)->check()), "file source: " + missing + " does not exist");
        QDir().mkpath(m_dir.filePath("empty"));
        write("empty/readme.md", "no data");
        QCOMPARE(errorText(sourceFor(m_dir.filePath("empty"))->check()),
                 "file source: " + m_dir.filePath("empty") + " contains no .csv, .jsonl or .ndjson file");
        QCOMPARE(errorText(sourceFor(missing, "xml")->check()),
                 "file source: `format` is \"xml\"; use auto, csv or jsonl");
        write("clash/a.csv", "x\n1\n");
        write("clash/a.jsonl", "{}\n");
        QCOMPARE(errorText(sourceFor(m_dir.filePath("clash"))->check()),
                 "file source: " + m_dir.filePath("clash/a.csv") + " and " + m_dir.filePath("clash/a.jsonl") +
                     " would both be stream `a`; rename one of them");
    }

    void jsonlErrorsNameFileAndLine_data() {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("expected");
        QTest::newRow("array") << QByteArray("{\"a\": 1}\n[1, 2]\n")
                               << ":2: expected a JSON object, found an array";
        QTest::newRow("number") << QByteArray("\n\n7\n") << ":3: expected a JSON object, found a number";
        QTest::newRow("broken")
            << QByteArray("{\"a\": 1}\n\n{\"a\": tru}\n")
            << ":3: not valid JSON at column 10: syntax error while parsing value - invalid "
               "literal; last read: '\"a\": tru}'";
    }

    void jsonlErrorsNameFileAndLine() {
        QFETCH(QByteArray, content);
        QFETCH(QString, expected);
        const QString path = write("bad.jsonl", content);
        auto streams = sourceFor(path)->discover();
        QVERIFY(!streams.ok());
        QCOMPARE(QString::fromStdString(streams.error().message), path + expected);
        QVERIFY(streams.error().kind == ErrorKind::Transient);
    }

    void fullRefreshCheckpointsEveryNRecords() {
        const QString path = write("fr/people.csv", "id,name\n1,a\n2,b\n3,c\n4,d\n5,e\n");
        auto source = sourceFor(path);
        const auto streams = discovered(*source);
        ReadOutcome out;
        readOnce(*source, resolved(streams[0]), "", 2, out);
        QCOMPARE(errorText(out.status), "ok");
        QCOMPARE(out.sink.events, (QStringList{
                                      "record 0: 1, \"a\"",
                                      "record 0: 2, \"b\"",
                                      R"(state 0: {"position":{"offset":16,"line":4}})",
                                      "record 0: 3, \"c\"",
                                      "record 0: 4, \"d\"",
                                      R"(state 0: {"position":{"offset":24,"line":6}})",
                                      "record 0: 5, \"e\"",
                                      "state 0: {}",
                                      "complete 0",
                                  }));
    }

    void mapsFieldsToTheStreamColumnsByName() {
        const QString path = write("map/m.csv", "id,name,extra\n1,a,z\n2\n");
        ReadOutcome out;
        readWithColumns(
            path, {{"name", ColumnType::String}, {"id", ColumnType::Integer}, {"gone", ColumnType::String}},
            out);
        QCOMPARE(errorText(out.status), "ok");
        QCOMPARE(out.sink.rows, (QStringList{"\"a\", 1, null", "null, 2, null"}));
    }

    void resumesAfterAFailure_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<bool>("incremental");
        QTest::addColumn<int>("interval");
        QTest::addColumn<int>("failOnRecord");
        for (const char* file : {"resume/r.csv", "resume/r.jsonl"})
            for (bool incremental : {false, true})
                for (auto [interval, fail] : {std::pair{3, 7}, {3, 6}, {1, 5}, {5, 2}, {4, 22}}) {
                    const QString name = QString("%1 %2 every %3, fail at %4")
                                             .arg(file, incremental ? "incremental" : "full")
                                             .arg(interval)
                                             .arg(fail);
                    QTest::newRow(qPrintable(name)) << file << incremental << interval << fail;
                }
    }

    void resumesAfterAFailure() {
        QFETCH(QString, file);
        QFETCH(bool, incremental);
        QFETCH(int, interval);
        QFETCH(int, failOnRecord);
        QByteArray csv = "n,text,at\n", jsonl;
        for (int i = 1; i <= 23; ++i) {
            // Line breaks inside values make lines and records differ, as in real exports.
            csv += QByteArray::number(i) + ",\"line " + QByteArray::number(i) + "\nsecond\"," +
                   QByteArray::number(i / 2) + "\r\n";
            jsonl += R"({"n": )" + QByteArray::number(i) + R"(, "at": )" + QByteArray::number(i / 2) + "}\n";
        }
        const QString path = write(file, file.endsWith(".csv") ? csv : jsonl);
        auto source = sourceFor(path);
        const auto streams = discovered(*source);
        const auto stream = resolved(streams[0], incremental ? SyncMode::Incremental : SyncMode::FullRefresh,
                                     incremental ? "at" : "");
        ReadOutcome all;
        readOnce(*source, stream, "", interval, all);
        QCOMPARE(all.sink.rows.size(), 23);

        ReadOutcome failed;
        failed.sink.failOnRecord = failOnRecord;
        readOnce(*source, stream, "", interval, failed);
        QVERIFY(failed.status.error().kind == ErrorKind::Cancelled);
        QCOMPARE(errorText(failed.status), "stopped by the test");
        QCOMPARE(failed.sink.rows.size(), failOnRecord);
        const int covered = failed.sink.states.empty() ? 0 : failed.sink.rowsAtState.back();
        QCOMPARE(covered, failOnRecord / interval * interval);

        ReadOutcome resumed;
        readOnce(*source, stream, failed.sink.states.empty() ? "" : failed.sink.states.back(), interval,
                 resumed);
        QCOMPARE(errorText(resumed.status), "ok");
        QCOMPARE(failed.sink.rows.mid(0, covered) + resumed.sink.rows, all.sink.rows);
        QCOMPARE(resumed.sink.events.last(), "complete 0");
    }

    void incrementalLouisXvi_data() {
        QTest::addColumn<bool>("trailingNewline");
        QTest::newRow("file ends with a newline") << true;
        QTest::newRow("file ends without one") << false;
    }

    void incrementalLouisXvi() {
        QFETCH(bool, trailingNewline);
        const QString path = write(trailingNewline ? "louis/a.jsonl" : "louis/b.jsonl",
                                   R"({"name": "Louis XVI", "deceased": false, "updated_at": 1754})"
                                   "\n"
                                   R"({"name": "Marie Antoinette", "deceased": false, "updated_at": 1755})"
                                   "\n"
                                   R"({"name": "Louis XVII", "deceased": false, "updated_at": 1785})" +
                                       QByteArray(trailingNewline ? "\n" : ""));
        auto source = sourceFor(path);
        const auto streams = discovered(*source);
        QCOMPARE(columnsText(streams[0].columns), "name:string deceased:boolean updated_at:integer");
        const auto stream = resolved(streams[0], SyncMode::Incremental, "updated_at");

        ReadOutcome first;
        readOnce(*source, stream, "", 10000, first);
        QCOMPARE(errorText(first.status), "ok");
        QCOMPARE(first.sink.rows,
                 (QStringList{R"("Louis XVI", false, 1754)", R"("Marie Antoinette", false, 1755)",
                              R"("Louis XVII", false, 1785)"}));

        append(path, QByteArray(trailingNewline ? "" : "\n") +
                         R"({"name": "Louis XVI", "deceased": true, "updated_at": 1793})"
                         "\n"
                         R"({"name": "Marie Antoinette", "deceased": true, "updated_at": 1793})"
                         "\n");
        ReadOutcome second;
        readOnce(*source, stream, first.sink.states.back(), 10000, second);
        QCOMPARE(errorText(second.status), "ok");
        QCOMPARE(second.sink.rows,
                 (QStringList{R"("Louis XVI", true, 1793)", R"("Marie Antoinette", true, 1793)"}));

        ReadOutcome third;
        readOnce(*source, stream, second.sink.states.back(), 10000, third);
        QCOMPARE(errorText(third.status), "ok");
        QCOMPARE(third.sink.rows, QStringList{});
        QCOMPARE(third.sink.events.last(), "complete 0");

        // A new record at the saved maximum is a tie, not a duplicate: it must arrive, and only it.
        append(path, R"({"name": "Louis XVII", "deceased": true, "updated_at": 1793})"
                     "\n");
        ReadOutcome fourth;
        readOnce(*source, stream, third.sink.states.back(), 10000, fourth);
        QCOMPARE(errorText(fourth.status), "ok");
        QCOMPARE(fourth.sink.rows, QStringList{R"("Louis XVII", true, 1793)"});
    }

    void csvValueThatDoesNotFitIsNulled() {
        // The odd value comes after the records discovery looks at, as in a real file.
        QByteArray csv = "id,qty\n";
        for (int i = 1; i <= int(kInferenceRecords) + 2; ++i)
            csv += QByteArray::number(i) + "," + QByteArray::number(i * 10) + "\n";
        csv += "10003,abc\n10004,\n";
        auto source = sourceFor(write("cast/c.csv", csv));
        const auto streams = discovered(*source);
        QCOMPARE(columnsText(streams[0].columns), "id:integer qty:integer");
        ReadOutcome out;
        readOnce(*source, resolved(streams[0]), "", 10000, out);
        QCOMPARE(errorText(out.status), "ok");
        QCOMPARE(out.sink.rows.size(), 10004);
        QCOMPARE(out.sink.rows[10001], "10002, 100020");
        QCOMPARE(out.sink.rows[10002], "10003, null | qty NULLED DESTINATION_TYPECAST_ERROR");
        QCOMPARE(out.sink.rows[10003], "10004, null"); // empty is NULL, not a typecast error
    }

    void jsonValueThatDoesNotFitIsNulled() {
        const QString path = write("cast/j.jsonl", R"({"id": "12", "flag": true, "extra": 1})"
                                                   "\n"
                                                   R"({"id": "x", "flag": 3, "doc": {"a": [1]}})"
                                                   "\n");
        ReadOutcome out;
        readWithColumns(
            path, {{"id", ColumnType::Integer}, {"flag", ColumnType::Boolean}, {"doc", ColumnType::Json}},
            out);
        QCOMPARE(errorText(out.status), "ok");
        QCOMPARE(
            out.sink.rows,
            (QStringList{"12, true, null", R"(null, null, {"a":[1]} | id NULLED DESTINATION_TYPECAST_ERROR; )"
                                           R"(flag NULLED DESTINATION_TYPECAST_ERROR)"}));
    }

    void csvErrorStopsTheRead() {
        const QString path = write("err/e.csv", "a,b\n1,2\n1,2,3\n");
        auto source = sourceFor(path);
        const auto streams = discovered(*sourceFor(write("err/ok.csv", "a,b\n1,2\n")));
        ReadOutcome out;
        readOnce(*source, resolved(streams[0]), "", 100, out);
        QCOMPARE(errorText(out.status), path + ":3: row has 3 fields, the header has 2");
        QVERIFY(out.status.error().kind == ErrorKind::Transient);
        QCOMPARE(out.sink.rows, QStringList{"1, 2"});
    }

    void estimatesFromTheFileSize() {
        QByteArray csv = "id\n";
        for (int i = 1000; i < 3000; ++i) // equal lengths make the estimate exact
            csv += QByteArray::number(i) + "\n";
        auto source = sourceFor(write("estimate/e.csv", csv));
        ReadOutcome out;
        readOnce(*source, resolved(discovered(*source)[0]), "", 10000, out);
        QCOMPARE(out.sink.rows.size(), 2000);
        QCOMPARE(out.sink.estimates, std::vector<int64_t>{2000});
    }

    void missingFileDuringReadIsTransient() {
        const QString path = write("gone/g.csv", "a\n1\n");
        auto source = sourceFor(path);
        const auto streams = discovered(*source);
        QVERIFY(QFile::remove(path));
        ReadOutcome out;
        readOnce(*source, resolved(streams[0]), "", 100, out);
        QCOMPARE(errorText(out.status), "file source: cannot read " + path + ": No such file or directory");
        QVERIFY(out.status.error().kind == ErrorKind::Transient);
    }
};

QTEST_GUILESS_MAIN(TestFileSource)
#include "tst_file_source.moc"
