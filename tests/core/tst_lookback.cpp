// Look back (issue 14, point 4): ISO-8601 durations, the bound a lookback gives from a saved cursor, what
// CursorFilter lets through with it, and the refusals of a connection file and of a catalog.
#include "catalog/lookback.h"
#include "config/connection_config.h"
#include "config/stream_resolution.h"
#include "sources/cursor_filter.h"

#include <QtTest>

using namespace sluice::core;

namespace {

Lookback duration(const char* text) {
    Lookback l;
    l.kind = Lookback::Kind::Duration;
    l.text = text;
    l.seconds = parseIsoDuration(text).value();
    return l;
}

Lookback number(double n, bool integral = true) {
    Lookback l;
    l.kind = Lookback::Kind::Number;
    l.number = n;
    l.integral = integral;
    return l;
}

QString boundText(const char* cursor, const char* lookback) {
    auto b = lookbackBound(Value::text(cursor), duration(lookback));
    return b ? QString::fromStdString(b->toDisplay()) : "error: " + QString::fromStdString(b.error().message);
}

QString connectionWith(const QByteArray& source, const QByteArray& stream) {
    auto c = parseConnectionJson(R"({"name": "c", "source": )" + source.toStdString() +
                                     R"(, "destination": {"type": "sqlite", "config": {"path": "w.sqlite"}},
                                  "streams": [)" +
                                     stream.toStdString() + "]}",
                                 "c.json", "/data");
    return c ? QStringLiteral("ok") : QString::fromStdString(c.error().message);
}

const QByteArray kFile = R"({"type": "file", "config": {"path": "e.jsonl"}})";

} // namespace

class TestLookback : public QObject {
    Q_OBJECT
private slots:
    void durations_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("seconds");
        QTest::newRow("days") << "P3D" << qint64(3 * 86400);
        QTest::newRow("hours") << "PT12H" << qint64(12 * 3600);
        QTest::newRow("minutes") << "PT30M" << qint64(1800);
        QTest::newRow("seconds") << "PT45S" << qint64(45);
        QTest::newRow("day and a half") << "P1DT12H" << qint64(36 * 3600);
        QTest::newRow("weeks") << "P2W" << qint64(14 * 86400);
        QTest::newRow("all time units") << "PT1H2M3S" << qint64(3723);
        QTest::newRow("zero") << "PT0S" << qint64(0);
    }
    void durations() {
        QFETCH(QString, text);
        QFETCH(qint64, seconds);
        auto d = parseIsoDuration(text.toStdString());
        QVERIFY2(d.ok(), d.ok() ? "" : d.error().message.c_str());
        QCOMPARE(d.value(), seconds);
    }

    void badDurations_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("message");
        const QString help =
            " is not an ISO-8601 duration (expected an ISO-8601 duration such as P3D, PT12H, "
            "PT30M, P1DT12H or P2W)";
        QTest::newRow("no P") << "3D"
                              << "`3D`" + help;
        QTest::newRow("hours without T") << "P3H"
                                         << "`P3H`" + help;
        QTest::newRow("no number") << "PD"
                                   << "`PD`" + help;
        QTest::newRow("T alone") << "P1DT"
                                 << "`P1DT`" + help;
        QTest::newRow("out of order") << "PT5M1H"
                                      << "`PT5M1H`" + help;
        QTest::newRow("fraction") << "PT1.5S"
                                  << "`PT1.5S`" + help;
        QTest::newRow("months") << "P1M"
                                << "`P1M`: years and months have no fixed length; give the lookback "
                                   "in days or weeks (for example P30D)";
    }
    void badDurations() {
        QFETCH(QString, text);
        QFETCH(QString, message);
        auto d = parseIsoDuration(text.toStdString());
        QVERIFY(!d.ok());
        QCOMPARE(QString::fromStdString(d.error().message), message);
    }

    void timeBounds_data() {
        QTest::addColumn<QString>("cursor");
        QTest::addColumn<QString>("lookback");
        QTest::addColumn<QString>("bound");
        QTest::newRow("date") << "2024-03-02"
                              << "P3D"
                              << "2024-02-28";
        QTest::newRow("date over a leap day") << "2024-03-01"
                                              << "P1D"
                                              << "2024-02-29";
        QTest::newRow("date, part of a day rounds down") << "2024-03-02"
                                                         << "PT1H"
                                                         << "2024-03-01";
        QTest::newRow("date, weeks over a year") << "2024-01-03"
                                                 << "P1W"
                                                 << "2023-12-27";
        QTest::newRow("timestamp Z") << "2024-03-02T06:00:00Z"
                                     << "P1DT12H"
                                     << "2024-02-29T18:00:00Z";
        QTest::newRow("timestamp offset") << "2024-03-02T06:00:00+02:00"
                                          << "PT7H"
                                          << "2024-03-01T23:00:00+02:00";
        QTest::newRow("timestamp millis") << "2024-03-02T06:00:00.250Z"
                                          << "PT30S"
                                          << "2024-03-02T05:59:30.250Z";
        QTest::newRow("timestamp without zone") << "2024-03-02 00:10:00"
                                                << "PT15M"
                                                << "2024-03-01 23:55:00";
        QTest::newRow("minutes only") << "2024-03-02T00:10"
                                      << "PT30S"
                                      << "2024-03-02T00:09";
        QTest::newRow("postgres timestamptz") << "2024-03-02 06:00:00+00"
                                              << "P2D"
                                              << "2024-02-29 06:00:00+00";
    }
    void timeBounds() {
        QFETCH(QString, cursor);
        QFETCH(QString, lookback);
        QFETCH(QString, bound);
        QCOMPARE(boundText(cursor.toUtf8().constData(), lookback.toUtf8().constData()), bound);
    }

    void numberBounds() {
        auto i = lookbackBound(Value::integer(5000), number(1000));
        QCOMPARE(i->kind, Value::Kind::Int);
        QCOMPARE(i->i, int64_t(4000));
        auto r = lookbackBound(Value::real(10.5), number(1000));
        QCOMPARE(r->kind, Value::Kind::Real);
        QCOMPARE(r->d, -989.5);
        auto f = lookbackBound(Value::integer(10), number(2.5, false));
        QCOMPARE(f->kind, Value::Kind::Real);
        QCOMPARE(f->d, 7.5);
    }

    void boundRefusals() {
        QCOMPARE(
            boundText("A-17", "P3D"),
            QStringLiteral("error: lookback `P3D` needs a date or timestamp cursor, but the saved cursor "
                           "\"A-17\" is neither (expected e.g. 2024-05-01 or 2024-05-01T12:00:00Z)"));
        auto onNumber = lookbackBound(Value::integer(7), duration("P3D"));
        QCOMPARE(QString::fromStdString(onNumber.error().message),
                 QStringLiteral("lookback `P3D` is a duration, but the saved cursor 7 is a number; give the "
                                "lookback as a number (for example 1000)"));
        auto onText = lookbackBound(Value::text("2024-01-01"), number(10));
        QCOMPARE(
            QString::fromStdString(onText.error().message),
            QStringLiteral("a number lookback needs a numeric cursor, but the saved cursor is "
                           "\"2024-01-01\"; use an ISO-8601 duration such as P3D for dates and timestamps"));
    }

    // Saved cursor 2024-01-05 with two records at it; a P2D lookback reads from 2024-01-03: what the state
    // alone would skip passes as re-read, what it would pass anyway is new, the state keeps its meaning.
    void filterWithLookback() {
        CursorFilter first("");
        QVERIFY(first.offer(Value::text("2024-01-05"), 1));
        QVERIFY(first.offer(Value::text("2024-01-05"), 2));
        const std::string state = first.finalState();

        StreamReadSpec spec;
        spec.stream.stream.name = "events";
        spec.stream.lookback = duration("P2D");
        spec.stateJson = state;
        CursorFilter f(spec);
        QVERIFY(f.problem().empty());
        QCOMPARE(f.lowerBound()->s, std::string("2024-01-03"));
        QVERIFY(!f.offer(Value::text("2024-01-02"), 10)); // before the lookback
        QVERIFY(f.offer(Value::text("2024-01-03"), 11));
        QVERIFY(f.lastWasReread());
        QVERIFY(f.offer(Value::text("2024-01-05"), 1)); // delivered before, at the saved cursor
        QVERIFY(f.lastWasReread());
        QVERIFY(f.offer(Value::text("2024-01-05"), 3)); // a new tie
        QVERIFY(!f.lastWasReread());
        QVERIFY(f.offer(Value::text("2024-01-06"), 4));
        QVERIFY(!f.lastWasReread());
        QCOMPARE(f.finalState(), std::string(R"({"boundary":["0000000000000004"],"cursor":"2024-01-06"})"));

        // A checkpoint keeps the saved cursor, not the lowered one: a resumed attempt has the same bound.
        const std::string mid = f.checkpoint(R"({"line": 3})");
        spec.stateJson = mid;
        QCOMPARE(CursorFilter(spec).lowerBound()->s, std::string("2024-01-03"));

        spec.stateJson = R"({"cursor": "A-17", "boundary": []})";
        QCOMPARE(
            QString::fromStdString(CursorFilter(spec).problem()),
            QStringLiteral("stream `events`: lookback `P2D` needs a date or timestamp cursor, but the saved "
                           "cursor \"A-17\" is neither (expected e.g. 2024-05-01 or 2024-05-01T12:00:00Z)"));
    }

    void timeAwareComparison() {
        QCOMPARE(
            compareCursors(Value::text("2024-01-02T00:00:00.000000Z"), Value::text("2024-01-02T00:00:00Z")),
            0);
        QCOMPARE(
            compareCursors(Value::text("2024-01-02T01:00:00+02:00"), Value::text("2024-01-01T23:30:00Z")),
            -1);
        QCOMPARE(compareCursors(Value::text("2024-01-02"), Value::text("2024-01-01T23:59:59.5")), 1);
        QCOMPARE(compareCursors(Value::text("2024-01-02T00:00:00.25"), Value::text("2024-01-02T00:00:00.3")),
                 -1);
        QCOMPARE(compareCursors(Value::text("b"), Value::text("a")), 1); // not times: as text
        QCOMPARE(compareCursors(Value::integer(3), Value::real(3.5)), -1);
    }

    void filterWithBackfillRange() {
        StreamReadSpec spec;
        spec.stateJson = R"({"cursor": 50, "boundary": []})";
        spec.backfill = CursorRange{Value::integer(10), Value::integer(20)};
        CursorFilter f(spec);
        QCOMPARE(f.lowerBound()->i, int64_t(10));
        QVERIFY(f.resumePosition().empty());
        QVERIFY(!f.offer(Value::integer(9), 1));
        QVERIFY(f.offer(Value::integer(10), 2));
        QVERIFY(f.offer(Value::integer(20), 3));
        QVERIFY(!f.offer(Value::integer(21), 4));
        QVERIFY(!f.offer(Value::null(), 5));
    }

    void connectionFile() {
        QCOMPARE(connectionWith(kFile, R"({"name": "e", "sync_mode": "incremental", "cursor_field": ["t"],
                                           "lookback": "P1DT12H"})"),
                 QStringLiteral("ok"));
        QCOMPARE(
            connectionWith(kFile, R"({"name": "e", "sync_mode": "full_refresh", "lookback": "P3D"})"),
            QStringLiteral("c.json: stream `e`: lookback applies to incremental streams only, but the stream "
                           "is Full refresh | Overwrite (remove `lookback` or make the stream incremental)"));
        QCOMPARE(
            connectionWith(kFile, R"({"name": "e", "sync_mode": "incremental", "lookback": "3 days"})"),
            QStringLiteral("c.json: stream `e`: lookback `3 days` is not an ISO-8601 duration (expected an "
                           "ISO-8601 duration such as P3D, PT12H, PT30M, P1DT12H or P2W)"));
        QCOMPARE(
            connectionWith(kFile, R"({"name": "e", "sync_mode": "incremental", "lookback": -5})"),
            QStringLiteral("c.json: stream `e`: `lookback` must be an ISO-8601 duration (such as \"P3D\") or "
                           "a number that is not negative (such as 1000), found -5"));
        QCOMPARE(connectionWith(R"({"type": "airbyte", "config": {"command": ["x"], "config": {}}})",
                                R"({"name": "e", "sync_mode": "incremental", "lookback": 100})"),
                 QStringLiteral("c.json: stream `e`: lookback is not available for Airbyte connectors: their "
                                "state belongs to the connector, and Sluice cannot move it back (remove "
                                "`lookback`)"));
    }

    void roundTrip() {
        auto c =
            parseConnectionJson(R"({"name": "c", "source": {"type": "file", "config": {"path": "e.jsonl"}},
            "destination": {"type": "sqlite", "config": {"path": "w.sqlite"}},
            "streams": [{"name": "a", "sync_mode": "incremental", "lookback": "P2W"},
                        {"name": "b", "sync_mode": "incremental", "lookback": 1000},
                        {"name": "c", "sync_mode": "incremental", "lookback": 0.5},
                        {"name": "d", "sync_mode": "incremental"}]})",
                                "c.json", "/data");
        QVERIFY(c.ok());
        auto again = parseConnectionJson(connectionToJson(c.value(), true), "again", "");
        QVERIFY2(again.ok(), again.ok() ? "" : again.error().message.c_str());
        QCOMPARE(again->streams[0].lookback, c->streams[0].lookback);
        QCOMPARE(again->streams[0].lookback->seconds, int64_t(14 * 86400));
        QCOMPARE(again->streams[1].lookback->describe(), std::string("1000"));
        QCOMPARE(again->streams[2].lookback->number, 0.5);
        QVERIFY(!again->streams[3].lookback);
        QVERIFY(QString::fromStdString(connectionToJson(c.value())).contains(R"("lookback": "P2W")"));
    }

    void catalogTypes() {
        StreamInfo info;
        info.name = "e";
        info.columns = {{"id", ColumnType::Integer}, {"t", ColumnType::String}, {"on", ColumnType::Boolean}};
        ConfiguredStreamConfig s;
        s.name = "e";
        s.mode = {SyncMode::Incremental, DestinationSyncMode::Append};
        auto problem = [&](const char* cursor, Lookback l) {
            s.cursorField = {cursor};
            s.lookback = l;
            auto r = resolveStream(info, s);
            return r ? QStringLiteral("ok") : QString::fromStdString(r.error().message);
        };
        QCOMPARE(problem("t", duration("P3D")), QStringLiteral("ok"));
        QCOMPARE(problem("id", number(1000)), QStringLiteral("ok"));
        QCOMPARE(
            problem("id", duration("P3D")),
            QStringLiteral("stream `e`: lookback `P3D` is a duration, but cursor `id` is numeric; give the "
                           "lookback as a number (for example 1000)"));
        QCOMPARE(
            problem("t", number(1000)),
            QStringLiteral("stream `e`: lookback 1000 is a number, but cursor `t` is not numeric; use an "
                           "ISO-8601 duration such as P3D for a date or timestamp cursor"));
        QCOMPARE(problem("on", number(1)),
                 QStringLiteral("stream `e`: lookback 1 is a number, but cursor `on` is "
                                "not numeric"));
    }
};

QTEST_GUILESS_MAIN(TestLookback)
#include "tst_lookback.moc"
