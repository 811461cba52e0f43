// The reader a diff runs on a second thread: every row once and in order, whatever the chunk size; a
// reader's error or exception arrives after the rows read before it; a taker that stops early is not kept
// waiting for a reader with a million rows left.
#include "destinations/row_prefetch.h"

#include <QtTest>
#include <atomic>
#include <stdexcept>

using namespace sluice::core;

namespace {
// Rows 0..count-1 as one integer each, then `end` (no error: the end of the rows).
NextRow counting(int64_t count, std::optional<Error> end = std::nullopt, bool throwAtEnd = false,
                 std::atomic<int64_t>* read = nullptr) {
    return [=, i = int64_t{0}](std::vector<Value>& row) mutable -> Result<bool> {
        if (i == count) {
            if (throwAtEnd)
                throw std::runtime_error("the disk went away");
            if (end)
                return *end;
            return false;
        }
        row.assign(1, Value::text("row " + std::to_string(i)));
        ++i;
        if (read)
            ++*read;
        return true;
    };
}

QStringList takeAll(RowPrefetch& p, QString* error = nullptr) {
    QStringList out;
    std::vector<Value> row;
    while (true) {
        auto r = p.next(row);
        if (!r) {
            if (error)
                *error = QString::fromStdString(r.error().message);
            return out;
        }
        if (!r.value())
            return out;
        out << QString::fromStdString(row[0].toDisplay());
    }
}

QStringList expected(int64_t count) {
    QStringList out;
    for (int64_t i = 0; i < count; ++i)
        out << QString("row %1").arg(i);
    return out;
}
} // namespace

class TestRowPrefetch : public QObject {
    Q_OBJECT
private slots:
    void everyRowInOrder_data() {
        QTest::addColumn<int>("rows");
        QTest::addColumn<int>("chunkRows");
        QTest::newRow("none") << 0 << 4;
        QTest::newRow("fewer than a chunk") << 3 << 4;
        QTest::newRow("exactly one chunk") << 4 << 4;
        QTest::newRow("many chunks, last one short") << 10'001 << 7;
        QTest::newRow("one row per chunk") << 50 << 1;
    }
    void everyRowInOrder() {
        QFETCH(int, rows);
        QFETCH(int, chunkRows);
        RowPrefetch p(counting(rows), static_cast<size_t>(chunkRows), 2);
        QString error;
        QCOMPARE(takeAll(p, &error), expected(rows));
        QVERIFY(error.isEmpty());
        std::vector<Value> row;
        QCOMPARE(p.next(row).value(), false); // and it stays at the end
    }

    void errorComesAfterTheRowsBeforeIt() {
        RowPrefetch p(counting(10, Error::transient("database is locked")), 4, 2);
        QString error;
        QCOMPARE(takeAll(p, &error), expected(10));
        QCOMPARE(error, QString("database is locked"));
    }

    void exceptionBecomesAnError() {
        RowPrefetch p(counting(5, std::nullopt, true), 4, 2);
        QString error;
        QCOMPARE(takeAll(p, &error), expected(5));
        QVERIFY2(error.contains("the disk went away") && error.contains("reading rows ahead"),
                 qPrintable(error));
    }

    void stoppingEarlyDoesNotReadEverything() {
        std::atomic<int64_t> read{0};
        {
            RowPrefetch p(counting(100'000'000, std::nullopt, false, &read), 64, 2);
            std::vector<Value> row;
            QVERIFY(p.next(row).value());
            QCOMPARE(QString::fromStdString(row[0].toDisplay()), QString("row 0"));
        }
        // At most the chunks it may hold ahead, the one it is filling, and the one handed out.
        QVERIFY2(read.load() <= 64 * 4, qPrintable(QString::number(read.load())));
    }
};

QTEST_GUILESS_MAIN(TestRowPrefetch)
#include "tst_row_prefetch.moc"
