// The airbyte source against a real connector: spec, check, discover, and how a read maps onto the sink.
#include "airbyte_test_support.h"

#include <QElapsedTimer>

using namespace sluice::test;

class TestAirbyteSource : public QObject {
    Q_OBJECT

private slots:
    void specReturnsConnectionSpecification() {
        AirbyteSource source(sourceConfig(json::object()));
        auto spec = source.spec();
        QVERIFY2(spec.ok(), spec.ok() ? "" : spec.error().message.c_str());
        QVERIFY(json::parse(*spec)["properties"].contains("api_key"));
    }

    void checkSucceedsAndFails() {
        QVERIFY(AirbyteSource(sourceConfig(json::object())).check().ok());
        auto failed = AirbyteSource(sourceConfig({{"check_error", "the API key is wrong"}})).check();
        QVERIFY(!failed.ok());
        QCOMPARE(failed.error().kind, ErrorKind::Config);
        QCOMPARE(failed.error().message, std::string("the API key is wrong"));
        // A crash says how it ended and shows the end of stderr.
        auto crashed = AirbyteSource(sourceConfig({{"check_crash", true}})).check();
        QVERIFY(!crashed.ok());
        QVERIFY2(crashed.error().message.find("exited with code 2") != std::string::npos,
                 crashed.error().message.c_str());
        QVERIFY(crashed.error().message.find("RuntimeError: boom in check") != std::string::npos);
    }

    void discoverMapsCatalogAndKeepsConfigPrivate() {
        QTemporaryDir dump;
        AirbyteSource source(sourceConfig({{"dump_dir", dump.path().toStdString()}, {"api_key", "s3cret"}}));
        auto streams = source.discover();
        QVERIFY2(streams.ok(), streams.ok() ? "" : streams.error().message.c_str());
        QCOMPARE(streams->size(), size_t(2));
        const StreamInfo& users = (*streams)[0];
        QCOMPARE(users.name, std::string("users"));
        QVERIFY(users.sourceDefinedCursor);
        QCOMPARE(users.defaultCursorField, FieldPath{"id"});
        QCOMPARE(users.sourceDefinedPrimaryKey, std::vector<FieldPath>{FieldPath{"id"}});
        QCOMPARE(users.columns[users.columnIndex("score")].type, ColumnType::Number);
        QCOMPARE(users.columns[users.columnIndex("meta")].type, ColumnType::Json);
        const json info = dumped(dump, "discover");
        QCOMPARE(info["config_dir_mode"], json("0o700"));
        QCOMPARE(info["config_file_mode"], json("0o600"));
        // The private folder is gone afterwards.
        const std::string configPath = info["argv"][2].get<std::string>();
        QVERIFY(!QFile::exists(QString::fromStdString(configPath)));
    }

    void readsRecordsStatesAndCompletion() {
        QTemporaryDir dump;
        RecordingSink sink;
        auto s = readAll({{"checkpoint_every", 4}, {"dump_dir", dump.path().toStdString()}}, sink);
        QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
        QCOMPARE(sink.records.size(), size_t(20));
        QCOMPARE(sink.ids(0), range(1, 10));
        QCOMPARE(sink.ids(1), range(1, 10));
        QCOMPARE(sink.completed, (std::vector<size_t>{0, 1}));
        QCOMPARE(sink.estimates[0], int64_t(10));
        // States at 4, 8 and the end, per stream, exactly as the connector wrote stream_state.
        QCOMPARE(sink.states.size(), size_t(6));
        QCOMPARE(sink.lastState(0), std::string(R"({"cursor":10})"));
        QVERIFY(sink.globals.empty());
        QVERIFY(sink.logged(LogLevel::Info, "read 20 records"));
        // Values follow the discovered columns; the field the schema does not have is dropped.
        AirbyteSource probe(sourceConfig(json::object()));
        const StreamInfo users = (*probe.discover())[0];
        const Row& third = sink.records[2].row;
        QCOMPARE(third.values.size(), users.columns.size());
        QVERIFY(third.values[users.columnIndex("id")] == Value::integer(3));
        QVERIFY(third.values[users.columnIndex("name")] == Value::text("users-3"));
        QVERIFY(third.values[users.columnIndex("score")] == Value::real(4.5));
        QVERIFY(third.values[users.columnIndex("active")] == Value::boolean(false));
        QCOMPARE(third.values[users.columnIndex("meta")].s, std::string(R"({"n":3,"tags":["a","b"]})"));
        QVERIFY(third.changes.empty());
        // The connector got a configured catalog and no state file on a first read.
        const json read = dumped(dump, "read");
        QVERIFY(!read.contains("state"));
        const json catalog = json::parse(read["catalog"].get<std::string>());
        QCOMPARE(catalog["streams"][0]["sync_mode"], json("incremental"));
        QCOMPARE(catalog["streams"][0]["cursor_field"], json::parse(R"(["id"])"));
    }

    void valueThatDoesNotFitBecomesNullWithChange() {
        RecordingSink sink;
        QVERIFY(readAll({{"bad_value", true}, {"streams", {{{"name", "users"}, {"count", 2}}}}}, sink).ok());
        QCOMPARE(sink.records.size(), size_t(2));
        QCOMPARE(sink.records[0].row.changes.size(), size_t(1));
        QCOMPARE(sink.records[0].row.changes[0].field, std::string("score"));
        QVERIFY(sink.records[1].row.changes.empty());
    }

    void failsMidStreamThenResumesFromCheckpoint() {
        const json base{{"streams", {{{"name", "users"}, {"count", 50}}}}, {"checkpoint_every", 10}};
        json failing = base;
        failing["fail_after"] = 25;
        RecordingSink first;
        auto s = readAll(failing, first);
        QVERIFY(!s.ok());
        QCOMPARE(s.error().kind, ErrorKind::Transient);
        QVERIFY2(s.error().message.find("connector exited with code 1") == 0, s.error().message.c_str());
        QVERIFY(s.error().message.find("failing on purpose after 25 records") != std::string::npos);
        QCOMPARE(first.ids(0), range(1, 25));
        QVERIFY(first.completed.empty()); // a failed connector completes nothing
        const std::string checkpoint = first.lastState(0);
        QCOMPARE(checkpoint, std::string(R"({"cursor":20})"));

        QTemporaryDir dump;
        json resumed = base;
        resumed["dump_dir"] = dump.path().toStdString();
        RecordingSink second;
        s = readAll(resumed, second, [&](ReadRequest& r) { r.streams[0].stateJson = checkpoint; });
        QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
        QCOMPARE(second.ids(0), range(21, 50)); // continues after the checkpoint: nothing lost
        QCOMPARE(second.completed, std::vector<size_t>{0});
        const json stateFile = json::parse(dumped(dump, "read")["state"].get<std::string>());
        QCOMPARE(stateFile, json::parse(R"([{"type":"STREAM","stream":{"stream_descriptor":{"name":"users"},
                                                 "stream_state":{"cursor":20}}}])"));
    }

    void globalStateRoundTrips() {
        const json base{{"streams", {{{"name", "a"}, {"count", 12}}, {{"name", "b"}, {"count", 12}}}},
                        {"checkpoint_every", 5},
                        {"state_mode", "global"}};
        json failing = base;
        failing["fail_after"] = 15; // all of a, then 3 of b
        RecordingSink first;
        QVERIFY(!readAll(failing, first).ok());
        QVERIFY(!first.globals.empty());
        QCOMPARE(first.globals.back(), std::string(R"({"emitted_before":12})"));
        QCOMPARE(first.lastState(0), std::string(R"({"cursor":12})"));
        QCOMPARE(first.lastState(1), std::string(R"({"cursor":0})"));

        QTemporaryDir dump;
        json resumed = base;
        resumed["dump_dir"] = dump.path().toStdString();
        RecordingSink second;
        auto s = readAll(resumed, second, [&](ReadRequest& r) {
            r.globalStateJson = first.globals.back();
            r.streams[0].stateJson = first.lastState(0);
            r.streams[1].stateJson = first.lastState(1);
        });
        QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
        QVERIFY(second.ids(0).empty());
        QCOMPARE(second.ids(1), range(1, 12));
        const json stateFile = json::parse(dumped(dump, "read")["state"].get<std::string>());
        QCOMPARE(stateFile.size(), size_t(1));
        QCOMPARE(stateFile[0]["type"], json("GLOBAL"));
        QCOMPARE(stateFile[0]["global"]["shared_state"], json::parse(R"({"emitted_before":12})"));
        QCOMPARE(stateFile[0]["global"]["stream_states"].size(), size_t(2));
    }

    // Seen: a LEGACY state came back as a GLOBAL state, so older connectors read everything again.
    void legacyStateRoundTripsAsItsDataObject() {
        const json base{{"state_mode", "legacy"},
                        {"stream_status", false},
                        {"streams", {{{"name", "users"}, {"count", 3}}, {{"name", "orders"}, {"count", 4}}}}};
        RecordingSink first;
        QVERIFY(readAll(base, first).ok());
        QVERIFY(first.states.empty());
        QVERIFY(first.globals.empty());
        QCOMPARE(first.legacy.back(), std::string(R"({"orders":4,"users":3})"));

        QTemporaryDir dump;
        json again = base;
        again["dump_dir"] = dump.path().toStdString();
        RecordingSink second;
        auto s = readAll(again, second, [&](ReadRequest& r) {
            r.globalStateJson = first.legacy.back();
            r.globalStateIsLegacy = true;
            r.streams[1].fromStart = true; // `orders` is refreshed: its entry stays out of the state
        });
        QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
        QCOMPARE(dumped(dump, "read")["state"].get<std::string>(), std::string(R"({"users":3})"));
        QVERIFY(second.ids(0).empty());
        QCOMPARE(second.ids(1), range(1, 4));
        // Nothing new in `users`, yet the stream completes: the legacy state covered it.
        QCOMPARE(second.completed, (std::vector<size_t>{0, 1}));
    }

    void lineThatIsNotJsonIsLoggedNotFatal() {
        RecordingSink sink;
        QVERIFY(readAll({{"garbage_line", true}}, sink).ok());
        QVERIFY(
            sink.logged(LogLevel::Warn, "connector printed a line that is not JSON: Starting fake source"));
        QCOMPARE(sink.records.size(), size_t(20));
    }

    void traceErrorsFailTheRead() {
        RecordingSink sink;
        auto s =
            readAll({{"trace_error", {{"failure_type", "config_error"}, {"message", "bad token"}}}}, sink);
        QVERIFY(!s.ok());
        QCOMPARE(s.error().kind, ErrorKind::Config);
        QCOMPARE(s.error().message, std::string("bad token"));
        RecordingSink other;
        s = readAll({{"trace_error", {{"failure_type", "system_error"}, {"message", "API down"}}}}, other);
        QCOMPARE(s.error().kind, ErrorKind::Transient);
        QCOMPARE(s.error().message, std::string("API down"));
    }

    void recordForUndeclaredStreamFails() {
        RecordingSink sink;
        auto s = readAll({{"undeclared_record", true}}, sink);
        QVERIFY(!s.ok());
        QCOMPARE(s.error().kind, ErrorKind::Transient);
        QCOMPARE(
            s.error().message,
            std::string(
                "connector emitted a record for stream `ghost`, which is not in the configured catalog"));
    }

    void exitZeroCompletesStreamsWithoutStatus() {
        RecordingSink sink;
        QVERIFY(readAll({{"stream_status", false}}, sink).ok());
        QCOMPARE(sink.completed, (std::vector<size_t>{0, 1}));
        RecordingSink failed;
        auto s = readAll({{"stream_status", false}, {"exit_code", 3}}, failed);
        QVERIFY(!s.ok());
        QVERIFY2(s.error().message.find("connector exited with code 3") == 0, s.error().message.c_str());
        QVERIFY(failed.completed.empty());
    }

    void namespacedStreams() {
        RecordingSink sink;
        QVERIFY(readAll({{"streams",
                          {{{"name", "users"}, {"namespace", "crm"}, {"count", 3}},
                           {{"name", "users"}, {"namespace", "hr"}, {"count", 2}}}}},
                        sink)
                    .ok());
        QCOMPARE(sink.ids(0), range(1, 3));
        QCOMPARE(sink.ids(1), range(1, 2));
        QCOMPARE(sink.completed, (std::vector<size_t>{0, 1}));
    }
};

QTEST_GUILESS_MAIN(TestAirbyteSource)
#include "tst_airbyte_source.moc"
