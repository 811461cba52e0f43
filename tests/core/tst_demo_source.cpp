#include "recording_sink.h"
#include "sources/demo/demo_source.h"

#include <QElapsedTimer>
#include <QtTest>
#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

using namespace sluice::core;
using nlohmann::json;
using sluice::test::RecordingSink;

namespace {
std::unique_ptr<Source> demo(const json& config) {
    return makeDemoSource(config.dump());
}

StreamInfo discovered(Source& source, const std::string& name) {
    auto streams = source.discover();
    for (const auto& s : *streams)
        if (s.name == name)
            return s;
    qFatal("no stream %s", name.c_str());
    return {};
}

StreamReadSpec spec(Source& source, const std::string& name, SyncMode mode, std::string state = {}) {
    StreamReadSpec s;
    s.stream.stream = discovered(source, name);
    s.stream.mode = mode == SyncMode::Incremental
                        ? StreamMode{SyncMode::Incremental, DestinationSyncMode::AppendDedup}
                        : StreamMode{SyncMode::FullRefresh, DestinationSyncMode::OverwriteDedup};
    if (mode == SyncMode::Incremental)
        s.stream.cursorField = {"updated_at"};
    s.stream.primaryKey = {{"id"}};
    s.stateJson = std::move(state);
    return s;
}

ReadRequest request(Source& source, const std::string& name, SyncMode mode, std::string state = {},
                    int64_t checkpointInterval = 10000) {
    ReadRequest r;
    r.streams.push_back(spec(source, name, mode, std::move(state)));
    r.checkpointInterval = checkpointInterval;
    return r;
}

std::string serialize(const Row& row) {
    std::string out;
    for (const auto& v : row.values)
        out += v.toJson() + "|";
    return out;
}

std::vector<std::string> serialize(const std::vector<Row>& rows) {
    std::vector<std::string> out;
    for (const auto& r : rows)
        out.push_back(serialize(r));
    return out;
}

// One whole read of one stream, which must succeed.
RecordingSink readAll(Source& source, const std::string& name, SyncMode mode, const std::string& state = {}) {
    RecordingSink sink;
    const Status st = source.read(request(source, name, mode, state), sink);
    if (!st.ok())
        qFatal("read failed: %s", st.error().message.c_str());
    return sink;
}

// What an engine does with a flaky source: keeps what came before the last state, resumes from it.
struct Attempts {
    std::vector<Row> committed;
    int attempts = 0;
    std::string finalState;
};
Attempts readWithRetries(Source& source, const std::string& name, SyncMode mode, int64_t interval = 10000) {
    Attempts out;
    std::string state;
    while (out.attempts < 500) {
        ++out.attempts;
        RecordingSink sink;
        const Status st = source.read(request(source, name, mode, state, interval), sink);
        const auto states = sink.statesOf(0);
        if (!states.empty()) {
            auto& got = sink.rows[0];
            out.committed.insert(out.committed.end(), got.begin(), got.begin() + states.back().recordsBefore);
            state = states.back().json;
        }
        if (st.ok()) {
            out.finalState = state;
            return out;
        }
        if (st.error().kind != ErrorKind::Transient)
            qFatal("unexpected error: %s", st.error().message.c_str());
    }
    qFatal("no progress after 500 attempts");
    return out;
}

const Value& cell(const StreamInfo& info, const Row& row, const std::string& column) {
    return row.values.at(static_cast<size_t>(info.columnIndex(column)));
}
} // namespace

class TestDemoSource : public QObject {
    Q_OBJECT
private slots:
    void discoversThreeStreams() {
        auto source = demo(json::object());
        QVERIFY(source->check().ok());
        auto streams = source->discover();
        QVERIFY(streams.ok());
        QCOMPARE(streams->size(), size_t(3));
        QCOMPARE((*streams)[0].name, std::string("users"));
        QCOMPARE((*streams)[1].name, std::string("products"));
        QCOMPARE((*streams)[2].name, std::string("purchases"));
        const std::vector<Column> users = {{"id", ColumnType::Integer},
                                           {"name", ColumnType::String},
                                           {"email", ColumnType::String},
                                           {"age", ColumnType::Integer},
                                           {"address", ColumnType::Json},
                                           {"tags", ColumnType::Json},
                                           {"is_active", ColumnType::Boolean},
                                           {"score", ColumnType::Number},
                                           {"created_at", ColumnType::String},
                                           {"updated_at", ColumnType::String},
                                           {"_ab_cdc_deleted_at", ColumnType::String}};
        QVERIFY((*streams)[0].columns == users);
        std::vector<std::string> purchaseColumns;
        for (const auto& c : (*streams)[2].columns)
            purchaseColumns.push_back(c.name);
        QCOMPARE(purchaseColumns,
                 (std::vector<std::string>{"id", "user_id", "product_id", "quantity", "total", "status",
                                           "purchased_at", "updated_at", "_ab_cdc_deleted_at"}));
        QCOMPARE((*streams)[1].columnIndex("attributes"), 5);
        for (const auto& s : *streams) {
            QVERIFY(s.sourceDefinedCursor);
            QCOMPARE(s.defaultCursorField, FieldPath{"updated_at"});
            QCOMPARE(s.sourceDefinedPrimaryKey, std::vector<FieldPath>{FieldPath{"id"}});
            QVERIFY(s.isResumable);
            QVERIFY(s.supports(SyncMode::FullRefresh) && s.supports(SyncMode::Incremental));
            QCOMPARE(s.columns.back().name, std::string("_ab_cdc_deleted_at"));
        }
    }

    void checkValidatesKnobs() {
        QVERIFY(demo({{"count", 0}, {"churn", 1.0}, {"fail_probability", 0.0}})->check().ok());
        const Status churn = demo({{"churn", 1.5}})->check();
        QVERIFY(!churn.ok());
        QCOMPARE(churn.error().kind, ErrorKind::Config);
        QVERIFY(churn.error().message.find("churn") != std::string::npos);
        QVERIFY(!demo({{"count", -1}})->check().ok());
        QVERIFY(!demo({{"page_size", 0}})->check().ok());
        QVERIFY(!demo({{"count", "many"}})->check().ok());
        QVERIFY(!makeDemoSource("[1]")->check().ok());
        RecordingSink sink;
        auto bad = demo({{"count", -1}});
        QVERIFY(!bad->read(ReadRequest{}, sink).ok());
    }

    void sameSeedSameRecords() {
        for (const char* name : {"users", "products", "purchases"}) {
            auto a = demo({{"count", 300}, {"seed", 7}});
            auto b = demo({{"count", 300}, {"seed", 7}, {"page_size", 17}});
            auto c = demo({{"count", 300}, {"seed", 8}});
            const auto ra = serialize(readAll(*a, name, SyncMode::FullRefresh).rows[0]);
            QCOMPARE(ra, serialize(readAll(*b, name, SyncMode::FullRefresh).rows[0]));
            const auto rc = serialize(readAll(*c, name, SyncMode::FullRefresh).rows[0]);
            QCOMPARE(rc.size(), ra.size());
            QVERIFY(ra != rc);
            // Timestamps come from the seed, never from the clock: the same across runs.
            QVERIFY(ra.front().find("\"202") != std::string::npos);
        }
    }

    void countIsRespected() {
        auto source = demo({{"count", 37}, {"page_size", 5}});
        for (const char* name : {"users", "products", "purchases"}) {
            auto sink = readAll(*source, name, SyncMode::FullRefresh);
            QCOMPARE(sink.rows[0].size(), size_t(37));
            QCOMPARE(sink.estimates[0], int64_t(37));
            for (size_t i = 0; i < 37; ++i)
                QCOMPARE(sink.rows[0][i].values[0].i, int64_t(i + 1));
            QCOMPARE(sink.completed, std::vector<size_t>{0});
        }
        auto empty = demo({{"count", 0}});
        auto sink = readAll(*empty, "users", SyncMode::Incremental);
        QVERIFY(sink.rows[0].empty());
        QCOMPARE(sink.states.size(), size_t(1));
        QCOMPARE(sink.completed.size(), size_t(1));
    }

    void readsSeveralStreamsAndFollowsRequestedColumns() {
        auto source = demo({{"count", 20}});
        ReadRequest r = request(*source, "products", SyncMode::FullRefresh);
        r.streams.push_back(spec(*source, "users", SyncMode::Incremental));
        r.streams[1].stream.stream.columns = {
            {"email", ColumnType::String}, {"id", ColumnType::Integer}, {"gone", ColumnType::String}};
        RecordingSink sink;
        QVERIFY(source->read(r, sink).ok());
        QCOMPARE(sink.rows[0].size(), size_t(20));
        QCOMPARE(sink.rows[1].size(), size_t(20));
        QCOMPARE(sink.rows[1][3].values.size(), size_t(3));
        QCOMPARE(sink.rows[1][3].values[1].i, int64_t(4));
        QVERIFY(sink.rows[1][3].values[0].s.find('@') != std::string::npos);
        QVERIFY(sink.rows[1][3].values[2].isNull());
        QCOMPARE(sink.completed, (std::vector<size_t>{0, 1}));

        r.streams[0].stream.stream.name = "orders";
        RecordingSink sink2;
        const Status st = source->read(r, sink2);
        QVERIFY(!st.ok());
        QCOMPARE(st.error().kind, ErrorKind::Config);
    }

    void statesFollowEveryPage() {
        auto source = demo({{"count", 25}, {"page_size", 10}});
        auto sink = readAll(*source, "users", SyncMode::FullRefresh);
        QCOMPARE(sink.states.size(), size_t(3));
        QCOMPARE(json::parse(sink.states[0].json), json({{"version", 0}, {"page", 1}}));
        QCOMPARE(sink.states[0].recordsBefore, size_t(10));
        QCOMPARE(json::parse(sink.states[1].json), json({{"version", 0}, {"page", 2}}));
        QCOMPARE(sink.states[1].recordsBefore, size_t(20));
        // The final state names the next version (see DemoSource).
        QCOMPARE(json::parse(sink.states[2].json), json({{"version", 1}}));
        QCOMPARE(sink.states[2].recordsBefore, size_t(25));

        // Also every checkpointInterval records, inside a page.
        RecordingSink often;
        QVERIFY(source->read(request(*source, "users", SyncMode::FullRefresh, {}, 4), often).ok());
        std::vector<size_t> at;
        for (const auto& s : often.states)
            at.push_back(s.recordsBefore);
        QCOMPARE(at, (std::vector<size_t>{4, 8, 10, 14, 18, 20, 24, 25}));
        QCOMPARE(json::parse(often.states[3].json), json({{"version", 0}, {"page", 1}, {"offset", 4}}));
    }

    void resumesFromPageStateWithoutLoss_data() {
        QTest::addColumn<bool>("incremental");
        QTest::addColumn<int>("interval");
        QTest::newRow("full refresh") << false << 10000;
        QTest::newRow("full refresh, mid-page states") << false << 7;
        QTest::newRow("incremental") << true << 10000;
        QTest::newRow("incremental, mid-page states") << true << 7;
    }
    void resumesFromPageStateWithoutLoss() {
        QFETCH(bool, incremental);
        QFETCH(int, interval);
        const SyncMode mode = incremental ? SyncMode::Incremental : SyncMode::FullRefresh;
        auto source = demo({{"count", 95}, {"page_size", 10}, {"seed", 3}});
        const auto whole = serialize(readAll(*source, "purchases", mode).rows[0]);

        RecordingSink failing;
        failing.failOnRecord = 57;
        const Status st = source->read(request(*source, "purchases", mode, {}, interval), failing);
        QVERIFY(!st.ok());
        QCOMPARE(st.error().message, std::string("destination: disk full"));
        QVERIFY(failing.completed.empty());
        const auto last = failing.states.back();
        QVERIFY(last.recordsBefore <= 56 && last.recordsBefore >= 50);

        RecordingSink resumed;
        QVERIFY(source->read(request(*source, "purchases", mode, last.json, interval), resumed).ok());
        QCOMPARE(resumed.estimates[0], int64_t(95 - last.recordsBefore));
        std::vector<Row> got(failing.rows[0].begin(), failing.rows[0].begin() + last.recordsBefore);
        for (auto& r : resumed.rows[0])
            got.push_back(std::move(r));
        QCOMPARE(serialize(got), whole);
    }

    void failsAfterRecordsWithExactMessage() {
        auto source = demo({{"count", 100}, {"page_size", 10}, {"fail_after_records", 25}});
        RecordingSink sink;
        const Status st = source->read(request(*source, "users", SyncMode::FullRefresh), sink);
        QVERIFY(!st.ok());
        QCOMPARE(st.error().kind, ErrorKind::Transient);
        QCOMPARE(st.error().message, std::string("demo source: simulated failure after 25 records"));
        QCOMPARE(sink.rows[0].size(), size_t(25));
        QCOMPARE(sink.states.back().recordsBefore, size_t(20));

        // Each attempt resumes from the last state and makes progress; nothing is lost.
        auto plain = demo({{"count", 100}, {"page_size", 10}});
        const auto whole = serialize(readAll(*plain, "users", SyncMode::FullRefresh).rows[0]);
        const auto run = readWithRetries(*source, "users", SyncMode::FullRefresh);
        QCOMPARE(run.attempts, 5);
        QCOMPARE(serialize(run.committed), whole);
    }

    void flakyPagesAreReproducibleAndRetriesProgress() {
        auto source = demo({{"count", 200}, {"page_size", 10}, {"fail_probability", 0.5}, {"seed", 11}});
        auto plain = demo({{"count", 200}, {"page_size", 10}, {"seed", 11}});
        for (SyncMode mode : {SyncMode::FullRefresh, SyncMode::Incremental}) {
            const auto whole = serialize(readAll(*plain, "products", mode).rows[0]);
            const auto first = readWithRetries(*source, "products", mode);
            QVERIFY(first.attempts > 1);
            QCOMPARE(serialize(first.committed), whole);
            const auto second = readWithRetries(*source, "products", mode);
            QCOMPARE(second.attempts, first.attempts);
        }
        RecordingSink sink;
        auto always = demo({{"count", 20}, {"page_size", 10}, {"fail_probability", 1.0}});
        const Status st = always->read(request(*always, "users", SyncMode::FullRefresh), sink);
        QCOMPARE(st.error().kind, ErrorKind::Transient);
        QVERIFY(st.error().message.find("simulated failure on page 0") != std::string::npos);
        QCOMPARE(json::parse(sink.states.back().json), json({{"version", 0}, {"page", 0}, {"failures", 1}}));
    }

    void incrementalWithoutChurnDeliversNothingNew() {
        auto source = demo({{"count", 100}, {"page_size", 30}});
        auto first = readAll(*source, "users", SyncMode::Incremental);
        QCOMPARE(first.rows[0].size(), size_t(100));
        const json finalState = json::parse(first.states.back().json);
        QCOMPARE(finalState["version"], json(1));
        QVERIFY(finalState.contains("cursor"));
        QCOMPARE(finalState["cursor"].get<std::string>(), first.rows[0].back().values[9].s);

        auto second = readAll(*source, "users", SyncMode::Incremental, first.states.back().json);
        QCOMPARE(second.rows[0].size(), size_t(0));
        QCOMPARE(json::parse(second.states.back().json)["version"], json(2));
        QCOMPARE(second.completed.size(), size_t(1));
        auto third = readAll(*source, "users", SyncMode::Incremental, second.states.back().json);
        QCOMPARE(third.rows[0].size(), size_t(0));
    }

    void incrementalDeliversExactlyTheChurn() {
        for (const char* name : {"users", "products", "purchases"}) {
            auto source = demo({{"count", 1000}, {"churn", 0.1}, {"page_size", 64}, {"seed", 5}});
            const StreamInfo info = discovered(*source, name);
            auto first = readAll(*source, name, SyncMode::Incremental);
            QCOMPARE(first.rows[0].size(), size_t(1000));
            std::string maxCursor;
            for (const auto& r : first.rows[0])
                maxCursor = std::max(maxCursor, cell(info, r, "updated_at").s);

            auto second = readAll(*source, name, SyncMode::Incremental, first.states.back().json);
            const auto& delta = second.rows[0];

            // Expected: the records of version 1 that differ from version 0, as full refreshes show them.
            const auto v0 = serialize(readAll(*source, name, SyncMode::FullRefresh).rows[0]);
            const auto v1 =
                serialize(readAll(*source, name, SyncMode::FullRefresh, R"({"version":1})").rows[0]);
            QCOMPARE(v1.size(), size_t(1050));
            std::vector<std::string> expected;
            std::set<std::string> old(v0.begin(), v0.end());
            for (const auto& r : v1)
                if (!old.count(r))
                    expected.push_back(r);
            auto got = serialize(delta);
            std::sort(got.begin(), got.end());
            std::sort(expected.begin(), expected.end());
            QCOMPARE(got, expected);

            size_t added = 0, deleted = 0;
            std::string previous;
            for (const auto& r : delta) {
                const std::string& updated = cell(info, r, "updated_at").s;
                QVERIFY(updated > maxCursor);
                QVERIFY(updated >= previous);
                previous = updated;
                added += cell(info, r, "id").i > 1000;
                const Value& gone = cell(info, r, "_ab_cdc_deleted_at");
                if (!gone.isNull()) {
                    ++deleted;
                    QCOMPARE(gone.s, updated);
                }
            }
            QCOMPARE(added, size_t(50));
            QVERIFY2(deleted > 0 && deleted < 50, std::to_string(deleted).c_str());
            QVERIFY2(delta.size() > 100 && delta.size() < 220, std::to_string(delta.size()).c_str());

            // Version 1's final state leads to version 2: new changes only, deleted ids stay tombstones.
            auto third = readAll(*source, name, SyncMode::Incremental, second.states.back().json);
            QVERIFY(third.rows[0].size() > 50);
            for (const auto& r : third.rows[0])
                QVERIFY(cell(info, r, "updated_at").s > previous);
        }
    }

    void nestedJsonAndNullsArePresent() {
        auto source = demo({{"count", 300}, {"churn", 0.2}});
        auto users = readAll(*source, "users", SyncMode::FullRefresh, R"({"version":2})");
        std::set<std::string> kinds;
        size_t nullAges = 0;
        for (const auto& r : users.rows[0]) {
            nullAges += r.values[3].isNull();
            const json address = json::parse(r.values[4].s);
            QVERIFY(address.is_object() && address.contains("city") && address.contains("zip"));
            QVERIFY(json::parse(r.values[5].s).is_array());
            QCOMPARE(r.values[6].kind, Value::Kind::Bool);
            QCOMPARE(r.values[7].kind, Value::Kind::Real);
            for (const auto& item : address)
                kinds.insert(item.type_name());
        }
        QVERIFY(nullAges > 0 && nullAges < 100);
        QVERIFY(kinds.count("null") && kinds.count("string")); // {"unit": null} in some addresses
        auto products = readAll(*source, "products", SyncMode::FullRefresh);
        const json attributes = json::parse(products.rows[0][0].values[5].s);
        QVERIFY(attributes["dimensions"].is_object());
        QVERIFY(attributes["dimensions"]["w"].is_number_integer());
        QVERIFY(attributes.contains("warranty_years"));
        // Every JSON type appears in a users row: string, integer, number, boolean, object, array, null.
        std::set<std::string> types;
        for (const auto& r : users.rows[0])
            for (const auto& v : r.values)
                types.insert(json::parse(v.toJson()).type_name());
        for (const char* t : {"string", "number", "boolean", "object", "array", "null"})
            QVERIFY2(types.count(t), t);
    }

    void sleepsPerPage() {
        auto source = demo({{"count", 30}, {"page_size", 10}, {"delay_ms", 40}});
        QElapsedTimer timer;
        timer.start();
        auto sink = readAll(*source, "users", SyncMode::FullRefresh);
        QVERIFY(timer.elapsed() >= 120);
        QCOMPARE(sink.rows[0].size(), size_t(30));
    }

    void generatesAMillionUsersQuickly() {
        auto source = demo({{"count", 1000000}, {"page_size", 5000}});
        RecordingSink sink;
        sink.keepRows = false;
        QElapsedTimer timer;
        timer.start();
        QVERIFY(source->read(request(*source, "users", SyncMode::FullRefresh), sink).ok());
        const qint64 ms = timer.elapsed();
        qInfo("1,000,000 users in %lld ms", ms);
        QCOMPARE(sink.seen, int64_t(1000000));
        QVERIFY2(ms < 10000, std::to_string(ms).c_str());
    }
};

QTEST_GUILESS_MAIN(TestDemoSource)
#include "tst_demo_source.moc"
