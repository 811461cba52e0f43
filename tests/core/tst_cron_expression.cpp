#include "config/cron_expression.h"
#include "util/time_util.h"

#include <QDateTime>
#include <QtTest>

using namespace sluice::core;
using namespace std::chrono;

namespace {

// "2025-01-03T10:07" or with seconds, read as UTC.
CronExpression::TimePoint at(const QString& iso) {
    const QDateTime dt = QDateTime::fromString(iso + "Z", Qt::ISODate);
    Q_ASSERT(dt.isValid());
    return CronExpression::TimePoint{milliseconds{dt.toMSecsSinceEpoch()}};
}

// Minute-resolution ISO text, the form the rows expect; next() never returns seconds.
QString minuteIso(CronExpression::TimePoint t) {
    const std::string iso = isoUtc(t);
    return QString::fromStdString(iso.substr(0, 16)) + (iso.substr(16) == ":00.000Z" ? "" : " (not whole)");
}

} // namespace

class TestCronExpression : public QObject {
    Q_OBJECT
private slots:
    void next_data() {
        QTest::addColumn<QString>("expression");
        QTest::addColumn<QString>("after");
        QTest::addColumn<QString>("expected"); // empty: no next run
        // 2025-01-03 is a Friday.
        QTest::newRow("every 15 minutes") << "*/15 * * * *"
                                          << "2025-01-03T10:07"
                                          << "2025-01-03T10:15";
        QTest::newRow("strictly after a slot") << "*/15 * * * *"
                                               << "2025-01-03T10:15"
                                               << "2025-01-03T10:30";
        QTest::newRow("seconds into a slot") << "*/15 * * * *"
                                             << "2025-01-03T10:15:42"
                                             << "2025-01-03T10:30";
        QTest::newRow("just before a slot") << "*/15 * * * *"
                                            << "2025-01-03T10:14:59"
                                            << "2025-01-03T10:15";
        QTest::newRow("every minute") << "* * * * *"
                                      << "2025-01-03T10:07:30"
                                      << "2025-01-03T10:08";
        QTest::newRow("hour rollover") << "*/15 * * * *"
                                       << "2025-01-03T10:50"
                                       << "2025-01-03T11:00";
        QTest::newRow("weekdays from Friday") << "0 9 * * MON-FRI"
                                              << "2025-01-03T10:00"
                                              << "2025-01-06T09:00";
        QTest::newRow("weekdays by number") << "0 9 * * 1-5"
                                            << "2025-01-03T10:00"
                                            << "2025-01-06T09:00";
        QTest::newRow("weekdays same day") << "0 9 * * MON-FRI"
                                           << "2025-01-03T08:59"
                                           << "2025-01-03T09:00";
        QTest::newRow("names any case") << "0 9 * * mOn-fRi"
                                        << "2025-01-03T10:00"
                                        << "2025-01-06T09:00";
        QTest::newRow("new year") << "0 0 1 1 *"
                                  << "2025-01-01T00:00"
                                  << "2026-01-01T00:00";
        QTest::newRow("year rollover") << "0 22 * * *"
                                       << "2025-12-31T22:00"
                                       << "2026-01-01T22:00";
        QTest::newRow("last minute of year") << "59 23 31 12 *"
                                             << "2025-01-01T00:00"
                                             << "2025-12-31T23:59";
        QTest::newRow("month name") << "0 12 1 jul *"
                                    << "2025-01-03T10:00"
                                    << "2025-07-01T12:00";
        QTest::newRow("month list") << "30 6 15 MAR,oct *"
                                    << "2025-03-15T06:30"
                                    << "2025-10-15T06:30";
        QTest::newRow("month range numbers") << "0 0 1 4-6 *"
                                             << "2025-05-01T00:00"
                                             << "2025-06-01T00:00";
        QTest::newRow("next February") << "0 0 * FEB *"
                                       << "2025-03-01T00:00"
                                       << "2026-02-01T00:00";
        QTest::newRow("sunday name") << "0 0 * * sun"
                                     << "2025-01-03T10:00"
                                     << "2025-01-05T00:00";
        QTest::newRow("sunday 0") << "0 0 * * 0"
                                  << "2025-01-03T10:00"
                                  << "2025-01-05T00:00";
        QTest::newRow("sunday 7") << "0 0 * * 7"
                                  << "2025-01-03T10:00"
                                  << "2025-01-05T00:00";
        QTest::newRow("weekend 6-7") << "0 0 * * 6-7"
                                     << "2025-01-03T10:00"
                                     << "2025-01-04T00:00";
        QTest::newRow("fri to sun 5-7") << "0 0 * * 5-7"
                                        << "2025-01-04T01:00"
                                        << "2025-01-05T00:00";
        QTest::newRow("sat to sun by name and 7") << "0 0 * * SAT-7"
                                                  << "2025-01-04T01:00"
                                                  << "2025-01-05T00:00";
        QTest::newRow("dom or dow: friday first") << "0 0 13 * FRI"
                                                  << "2025-01-03T10:00"
                                                  << "2025-01-10T00:00";
        QTest::newRow("dom or dow: the 13th") << "0 0 13 * FRI"
                                              << "2025-01-10T00:00"
                                              << "2025-01-13T00:00";
        QTest::newRow("dom or dow: 1st or monday") << "0 0 1 * MON"
                                                   << "2025-01-03T10:00"
                                                   << "2025-01-06T00:00";
        QTest::newRow("dom star: and") << "0 0 */2 * MON"
                                       << "2025-01-03T10:00"
                                       << "2025-01-13T00:00";
        QTest::newRow("dow star: dom only") << "0 0 13 * *"
                                            << "2025-01-03T10:00"
                                            << "2025-01-13T00:00";
        QTest::newRow("leap day") << "0 0 29 2 *"
                                  << "2025-01-01T00:00"
                                  << "2028-02-29T00:00";
        QTest::newRow("leap day over 2100") << "0 0 29 2 *"
                                            << "2096-03-01T00:00"
                                            << "2104-02-29T00:00";
        QTest::newRow("31st skips short months") << "0 0 31 * *"
                                                 << "2025-01-31T00:00"
                                                 << "2025-03-31T00:00";
        QTest::newRow("monthly") << "15 14 1 * *"
                                 << "2025-01-01T14:15"
                                 << "2025-02-01T14:15";
        QTest::newRow("range with step") << "10-30/10 * * * *"
                                         << "2025-01-03T10:07"
                                         << "2025-01-03T10:10";
        QTest::newRow("range with step wraps hour") << "10-30/10 * * * *"
                                                    << "2025-01-03T10:30"
                                                    << "2025-01-03T11:10";
        QTest::newRow("start with step") << "0/20 * * * *"
                                         << "2025-01-03T10:45"
                                         << "2025-01-03T11:00";
        QTest::newRow("start with step mid") << "5/20 * * * *"
                                             << "2025-01-03T10:26"
                                             << "2025-01-03T10:45";
        QTest::newRow("step beyond range") << "*/60 * * * *"
                                           << "2025-01-03T10:07"
                                           << "2025-01-03T11:00";
        QTest::newRow("every 6 hours") << "0 */6 * * *"
                                       << "2025-01-03T10:07"
                                       << "2025-01-03T12:00";
        QTest::newRow("list") << "5,10,50 * * * *"
                              << "2025-01-03T10:10"
                              << "2025-01-03T10:50";
        QTest::newRow("list of ranges") << "0 1-2,22-23 * * *"
                                        << "2025-01-03T02:00"
                                        << "2025-01-03T22:00";
        QTest::newRow("extra whitespace") << "  0\t9   * *  MON-FRI "
                                          << "2025-01-03T10:00"
                                          << "2025-01-06T09:00";
        QTest::newRow("impossible feb 30") << "0 0 30 2 *"
                                           << "2025-01-01T00:00"
                                           << "";
        QTest::newRow("impossible apr 31") << "0 0 31 4 *"
                                           << "2025-01-01T00:00"
                                           << "";
        QTest::newRow("impossible short months") << "0 0 31 2,4,6,9,11 *"
                                                 << "2025-01-01T00:00"
                                                 << "";
        QTest::newRow("beyond time_point range") << "0 0 1 1 *"
                                                 << "2262-03-01T00:00"
                                                 << "";
    }

    void next() {
        QFETCH(QString, expression);
        QFETCH(QString, after);
        QFETCH(QString, expected);
        auto cron = CronExpression::parse(expression.toStdString());
        QVERIFY2(cron.ok(), cron.ok() ? "" : cron.error().message.c_str());
        const auto next = cron->next(at(after));
        QCOMPARE(next ? minuteIso(*next) : QString(), expected);
        if (next)
            QVERIFY(cron->matches(*next));
    }

    void parseErrors_data() {
        QTest::addColumn<QString>("expression");
        QTest::addColumn<QString>("problem"); // the exact message after `cron expression "<expression>": `
        const auto row = [](const char* name, const char* expression, const QString& problem) {
            QTest::newRow(name) << expression << problem;
        };
        const QString fields = "expected 5 fields (minute hour day-of-month month day-of-week), found ";
        row("four fields", "* * * *", fields + "4");
        row("six fields", "0 * * * * *", fields + "6");
        row("empty", "", fields + "0");
        row("macro", "@daily", fields + "1");
        row("minute range", "60 * * * *", "minute field: 60 is out of range 0-59");
        row("hour range", "0 24 * * *", "hour field: 24 is out of range 0-23");
        row("dom zero", "0 0 0 * *", "day-of-month field: 0 is out of range 1-31");
        row("month 13", "0 0 * 13 *", "month field: 13 is out of range 1-12");
        row("dow 8", "0 0 * * 8", "day-of-week field: 8 is out of range 0-7");
        row("range end", "0 0 * * 1-9", "day-of-week field: 9 is out of range 0-7");
        row("huge number", "99999999999 * * * *", "minute field: 99999999999 is out of range 0-59");
        row("step 0", "*/0 * * * *", "minute field: step must be at least 1");
        row("range step 0", "0 1-5/0 * * *", "hour field: step must be at least 1");
        row("step not a number", "*/x * * * *", R"(minute field: step "x" in "*/x" is not a number)");
        row("empty step", "0 0/ * * *", R"(hour field: step "" in "0/" is not a number)");
        row("bad day name", "0 0 * * FUNDAY",
            R"(day-of-week field: "FUNDAY" is not a number or a day name (SUN-SAT))");
        row("long month name", "0 0 1 JANUARY *",
            R"(month field: "JANUARY" is not a number or a month name (JAN-DEC))");
        row("month name as day", "0 0 * * JAN",
            R"(day-of-week field: "JAN" is not a number or a day name (SUN-SAT))");
        row("name in minute", "MON * * * *", R"(minute field: "MON" is not a number)");
        row("decimal", "1.5 * * * *", R"(minute field: "1.5" is not a number)");
        row("backwards range", "0 0 * * SAT-SUN",
            R"(day-of-week field: range "SAT-SUN" runs backwards (its start is after its end))");
        row("empty list item", "1,,2 * * * *", R"(minute field: empty item in the list "1,,2")");
        row("trailing comma", "0 0 1, * *", R"(day-of-month field: empty item in the list "1,")");
        row("open range", "5- * * * *", R"(minute field: missing a value in "5-")");
        row("negative", "-5 * * * *", R"(minute field: missing a value in "-5")");
        row("star in range", "*-5 * * * *", R"(minute field: "*" is not a number)");
    }

    void parseErrors() {
        QFETCH(QString, expression);
        QFETCH(QString, problem);
        auto cron = CronExpression::parse(expression.toStdString());
        QVERIFY(!cron.ok());
        QVERIFY(cron.error().kind == ErrorKind::Invalid);
        QCOMPARE(QString::fromStdString(cron.error().message),
                 "cron expression \"" + expression + "\": " + problem);
    }

    void namesTheExpressionExactly() {
        // The example of the brief, whole, so that a change of the prefix is noticed here too.
        auto cron = CronExpression::parse("*/0 * * * *");
        QVERIFY(!cron.ok());
        QCOMPARE(cron.error().message,
                 std::string("cron expression \"*/0 * * * *\": minute field: step must be at least 1"));
    }

    void keepsText() {
        auto cron = CronExpression::parse("*/15 * * * *");
        QVERIFY(cron.ok());
        QCOMPARE(cron->text(), std::string("*/15 * * * *"));
    }

    void matches() {
        auto cron = CronExpression::parse("0 9 * * MON-FRI");
        QVERIFY(cron.ok());
        QVERIFY(cron->matches(at("2025-01-03T09:00:59"))); // minute resolution: seconds do not matter
        QVERIFY(!cron->matches(at("2025-01-03T09:01")));
        QVERIFY(!cron->matches(at("2025-01-04T09:00"))); // Saturday
        QVERIFY(cron->matches(at("2025-01-06T09:00")));
    }

    void nextIsRepeatable() {
        // Following next() from each result walks the slots in order, never repeating one.
        auto cron = CronExpression::parse("0 */8 * * *");
        QVERIFY(cron.ok());
        QStringList seen;
        auto t = at("2025-01-03T07:59");
        for (int i = 0; i < 4; ++i) {
            auto n = cron->next(t);
            QVERIFY(n);
            seen << minuteIso(*n);
            t = *n;
        }
        QCOMPARE(seen, QStringList(
                           {"2025-01-03T08:00", "2025-01-03T16:00", "2025-01-04T00:00", "2025-01-04T08:00"}));
    }
};

QTEST_GUILESS_MAIN(TestCronExpression)
#include "tst_cron_expression.moc"
