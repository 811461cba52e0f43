// The mapper editor's sample and preview: the first records of one stream straight from its source (a CSV
// file, a connector that would go on for ever), typed as a sync types them, and what the stream's mapping
// makes of them, with the refusal a sync would give for a mapper on the key.
#include "config/connection_config.h"
#include "engine/mapping_preview.h"
#include "engine/stream_choice.h"
#include "test_support.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QtTest>

using namespace sluice;

namespace {
core::ConnectionConfig parse(const QString& json, const QString& dir) {
    auto c = core::parseConnectionJson(json.toStdString(), "test", dir.toStdString());
    if (!c)
        qFatal("%s", c.error().message.c_str());
    c->id = 7;
    return *c;
}

core::StreamRow rowOf(const core::ConnectionConfig& c, const core::RecordSample& sample) {
    auto info = core::streamFromJson(sample.schemaJson.toStdString());
    return core::streamRowOf(*info, true, c.streams.front());
}
} // namespace

class TestRecordSample : public QObject {
    Q_OBJECT
private slots:
    void csvSampleAndPreview() {
        QTemporaryDir dir;
        QByteArray csv = "id,email,status\n";
        for (int i = 1; i <= 50; ++i)
            csv += QByteArray::number(i) + ",u" + QByteArray::number(i) + "@example.com," +
                   (i % 3 ? "active" : "gone") + "\n";
        test::writeFile(dir.filePath("users.csv"), csv);
        const auto c = parse(QStringLiteral(R"({"name": "f",
            "source": {"type": "file", "config": {"path": "users.csv", "format": "csv"}},
            "destination": {"type": "sqlite", "config": {"path": "w.sqlite"}},
            "streams": [{"name": "users", "sync_mode": "incremental", "destination_sync_mode": "append_dedup",
                         "cursor_field": ["id"], "primary_key": [["id"]]}]})"),
                             dir.path());
        const core::RecordSample sample = core::readRecordSample(c, "users", 20);
        QVERIFY2(sample.error.isEmpty(), qPrintable(sample.error));
        QCOMPARE(sample.count, 20);
        QCOMPARE(sample.columns, (QStringList{"id", "email", "status"}));
        QVERIFY(!QFile::exists(dir.filePath("w.sqlite"))); // nothing is written

        const core::StreamRow row = rowOf(c, sample);
        const auto plain = core::previewMapping(sample, row, {});
        QVERIFY2(plain.error.isEmpty(), qPrintable(plain.error));
        QCOMPARE(plain.before.rows.size(), 20);
        QCOMPARE(plain.after.rows[2], (QStringList{"3", "u3@example.com", "gone"}));

        const auto mapped = core::previewMapping(sample, row, QStringLiteral(R"({"mappers": [
            {"type": "hashing", "mapperConfiguration": {"targetField": "email", "method": "SHA-256"}},
            {"type": "row-filtering", "mapperConfiguration": {"conditions": {"type": "EQUAL",
              "fieldName": "status", "comparisonValue": "active"}}}]})"));
        QVERIFY2(mapped.error.isEmpty(), qPrintable(mapped.error));
        QCOMPARE(mapped.after.columns, (QStringList{"id", "email_hashed", "status"}));
        QCOMPARE(mapped.dropped, 6); // 3, 6, ..., 18
        QCOMPARE(mapped.after.rows.size(), 14);
        QCOMPARE(mapped.after.rows[2][0], QString("4"));
        QCOMPARE(mapped.after.rows[2][1],
                 QString(QCryptographicHash::hash("u4@example.com", QCryptographicHash::Sha256).toHex()));
        QCOMPARE(mapped.kept.mid(0, 4), (QVector<bool>{true, true, false, true}));

        const auto refused = core::previewMapping(sample, row, QStringLiteral(R"({"mappers": [
            {"type": "hashing", "mapperConfiguration": {"targetField": "id", "method": "MD5"}}]})"));
        QVERIFY2(refused.error.contains("mapper 1 (hashing of `id`)"), qPrintable(refused.error));
        QVERIFY(refused.after.rows.isEmpty());
    }

    void connectorStopsAfterTheSample() {
        QTemporaryDir dir;
        const QString pidFile = dir.filePath("read.pid");
        // A connector that would send 25 records and then hang: the sample needs 20 and ends it.
        const auto c = parse(QStringLiteral(R"({"name": "a",
            "source": {"type": "airbyte", "config": {"command": ["%1"], "config": {
              "streams": [{"name": "users", "count": 1000}], "sleep_after": 25, "pid_file": "%2"}}},
            "destination": {"type": "sqlite", "config": {"path": "w.sqlite"}},
            "streams": [{"name": "users", "sync_mode": "full_refresh", "destination_sync_mode": "overwrite"}]})")
                                 .arg(test::dataPath("connectors/fake_source.py"), pidFile),
                             dir.path());
        QElapsedTimer t;
        t.start();
        const core::RecordSample sample = core::readRecordSample(c, "users", 20);
        QVERIFY2(sample.error.isEmpty(), qPrintable(sample.error));
        QVERIFY2(t.elapsed() < 30000, "the sample waited for the connector");
        QCOMPARE(sample.count, 20);
        const auto preview = core::previewMapping(sample, rowOf(c, sample), {});
        QCOMPARE(preview.before.rows.last()[preview.before.columns.indexOf("name")], QString("users-20"));
        const qint64 pid = test::pidInFile(pidFile);
        QVERIFY(pid > 0);
        QTRY_VERIFY_WITH_TIMEOUT(test::processGone(pid), 15000);

        const core::RecordSample missing = core::readRecordSample(c, "nope", 20);
        QCOMPARE(missing.error, QString("the connection has no stream `nope`"));
    }
};

QTEST_GUILESS_MAIN(TestRecordSample)
#include "tst_record_sample.moc"
