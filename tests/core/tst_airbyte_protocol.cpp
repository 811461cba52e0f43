#include "protocol/airbyte_message.h"
#include "protocol/record_decoder.h"

#include <QtTest>
#include <nlohmann/json.hpp>

using namespace sluice::core;
using namespace sluice::core::airbyte;
using nlohmann::json;

namespace {

Message parseOk(std::string_view line) {
    auto m = parseMessageLine(line);
    if (!m)
        qFatal("unexpected parse error: %s", m.error().message.c_str());
    return *m;
}

std::string parseError(std::string_view line) {
    auto m = parseMessageLine(line);
    return m ? std::string("(parsed)") : m.error().message;
}

std::vector<Column> userColumns() {
    return {{"id", ColumnType::Integer},
            {"name", ColumnType::String},
            {"score", ColumnType::Number},
            {"active", ColumnType::Boolean},
            {"meta", ColumnType::Json}};
}

} // namespace

class TestAirbyteProtocol : public QObject {
    Q_OBJECT
private slots:
    void parsesRecord() {
        auto m = parseOk(R"({"type":"RECORD","record":{"stream":"users","namespace":"crm",)"
                         R"("data":{"id":1,"name":"Ada"},"emitted_at":1700000000123}})");
        QVERIFY(m.type == MessageType::Record);
        QCOMPARE(m.record.stream, (StreamDescriptor{"users", "crm"}));
        QCOMPARE(json::parse(m.record.dataJson), json::parse(R"({"id":1,"name":"Ada"})"));
        QCOMPARE(m.record.emittedAt, int64_t(1700000000123));
        // The namespace is optional.
        QCOMPARE(parseOk(R"({"type":"RECORD","record":{"stream":"u","data":{}}})").record.stream.ns,
                 std::string());
    }

    void parsesStreamState() {
        const std::string state =
            R"({"type":"STREAM","stream":{"stream_descriptor":{"name":"users","namespace":"crm"},"stream_state":{"cursor":20}}})";
        auto m = parseOk(R"({"type":"STATE","state":)" + state + "}");
        QVERIFY(m.type == MessageType::State);
        QVERIFY(m.state.type == StateType::Stream);
        QCOMPARE(m.state.stream.stream, (StreamDescriptor{"users", "crm"}));
        QCOMPARE(m.state.stream.stateJson, std::string(R"({"cursor":20})"));
        // The whole state message is kept, to be passed back unchanged.
        QCOMPARE(json::parse(m.state.json), json::parse(state));
    }

    void parsesGlobalState() {
        auto m = parseOk(R"({"type":"STATE","state":{"type":"GLOBAL","global":{"shared_state":{"lsn":42},)"
                         R"("stream_states":[{"stream_descriptor":{"name":"a"},"stream_state":{"c":1}},)"
                         R"({"stream_descriptor":{"name":"b","namespace":"n"},"stream_state":{"c":2}}]}}})");
        QVERIFY(m.state.type == StateType::Global);
        QCOMPARE(m.state.sharedStateJson, std::string(R"({"lsn":42})"));
        QCOMPARE(m.state.streams.size(), size_t(2));
        QCOMPARE(m.state.streams[1].stream, (StreamDescriptor{"b", "n"}));
        QCOMPARE(m.state.streams[1].stateJson, std::string(R"({"c":2})"));
        // A GLOBAL state without shared_state is allowed: "null".
        auto g = parseOk(R"({"type":"STATE","state":{"type":"GLOBAL","global":{"stream_states":[]}}})");
        QCOMPARE(g.state.sharedStateJson, std::string("null"));
    }

    void parsesLegacyState() {
        auto m = parseOk(R"({"type":"STATE","state":{"data":{"users":7}}})");
        QVERIFY(m.state.type == StateType::Legacy);
        QCOMPARE(m.state.legacyDataJson, std::string(R"({"users":7})"));
        auto typed = parseOk(R"({"type":"STATE","state":{"type":"LEGACY","data":{"x":1}}})");
        QVERIFY(typed.state.type == StateType::Legacy);
    }

    void parsesLog() {
        auto m = parseOk(R"({"type":"LOG","log":{"level":"WARN","message":"slow down"}})");
        QVERIFY(m.type == MessageType::Log);
        QVERIFY(m.log.level == LogLevel::Warn);
        QCOMPARE(m.log.message, std::string("slow down"));
        QVERIFY(parseOk(R"({"type":"LOG","log":{"level":"FATAL","message":""}})").log.level ==
                LogLevel::Error);
        QVERIFY(parseOk(R"({"type":"LOG","log":{"level":"TRACE","message":""}})").log.level ==
                LogLevel::Debug);
    }

    void parsesTraces() {
        auto e =
            parseOk(R"({"type":"TRACE","trace":{"type":"ERROR","emitted_at":1,"error":{"message":"bad key",)"
                    R"("internal_message":"401","failure_type":"config_error","stack_trace":"..."}}})");
        QVERIFY(e.type == MessageType::Trace);
        QVERIFY(e.trace.type == TraceType::Error);
        QCOMPARE(e.trace.message, std::string("bad key"));
        QCOMPARE(e.trace.internalMessage, std::string("401"));
        QVERIFY(e.trace.isConfigError());
        auto sys =
            parseOk(R"({"type":"TRACE","trace":{"type":"ERROR","error":{"internal_message":"boom"}}})");
        QVERIFY(!sys.trace.isConfigError());
        QCOMPARE(sys.trace.message, std::string("boom")); // no message: the internal one says something

        auto st =
            parseOk(R"({"type":"TRACE","trace":{"type":"STREAM_STATUS","stream_status":)"
                    R"({"stream_descriptor":{"name":"users","namespace":"crm"},"status":"COMPLETE"}}})");
        QVERIFY(st.trace.type == TraceType::StreamStatus);
        QVERIFY(st.trace.status == StreamStatus::Complete);
        QCOMPARE(st.trace.stream, (StreamDescriptor{"users", "crm"}));
        for (auto [text, status] : {std::pair{"STARTED", StreamStatus::Started},
                                    {"RUNNING", StreamStatus::Running},
                                    {"INCOMPLETE", StreamStatus::Incomplete},
                                    {"WHATEVER", StreamStatus::Unknown}})
            QVERIFY(streamStatusFromString(text) == status);

        auto es = parseOk(R"({"type":"TRACE","trace":{"type":"ESTIMATE","estimate":)"
                          R"({"name":"users","type":"STREAM","row_estimate":1000,"byte_estimate":5000}}})");
        QVERIFY(es.trace.type == TraceType::Estimate);
        QVERIFY(es.trace.perStream);
        QCOMPARE(es.trace.rowEstimate, int64_t(1000));
        QCOMPARE(es.trace.byteEstimate, int64_t(5000));
        auto an = parseOk(R"({"type":"TRACE","trace":{"type":"ANALYTICS","analytics":{"type":"x"}}})");
        QVERIFY(an.trace.type == TraceType::Other);
    }

    void parsesCatalogSpecAndStatus() {
        auto c = parseOk(
            R"({"type":"CATALOG","catalog":{"streams":[{"name":"a","json_schema":{}},{"name":"b"}]}})");
        QVERIFY(c.type == MessageType::Catalog);
        QCOMPARE(c.catalogStreams.size(), size_t(2));
        QCOMPARE(json::parse(c.catalogStreams[1])["name"], json("b"));

        auto s = parseOk(R"({"type":"SPEC","spec":{"connectionSpecification":{"type":"object"}}})");
        QVERIFY(s.type == MessageType::Spec);
        QCOMPARE(s.specJson, std::string(R"({"type":"object"})"));

        auto ok = parseOk(R"({"type":"CONNECTION_STATUS","connectionStatus":{"status":"SUCCEEDED"}})");
        QVERIFY(ok.type == MessageType::ConnectionStatus);
        QVERIFY(ok.connectionStatus.succeeded);
        auto failed =
            parseOk(R"({"type":"CONNECTION_STATUS","connectionStatus":{"status":"FAILED","message":"no"}})");
        QVERIFY(!failed.connectionStatus.succeeded);
        QCOMPARE(failed.connectionStatus.message, std::string("no"));
    }

    void unknownTypesAreNotErrors() {
        auto m = parseOk(R"({"type":"DESTINATION_CATALOG","destination_catalog":{}})");
        QVERIFY(m.type == MessageType::Unknown);
        QCOMPARE(m.typeName, std::string("DESTINATION_CATALOG"));
        // A control message Sluice does not act on is not an error either.
        auto other = parseOk(R"({"type":"CONTROL","control":{"type":"SOMETHING_NEW"}})");
        QVERIFY(other.type == MessageType::Control);
        QVERIFY(other.control.connectorConfigJson.empty());
    }

    void parsesConnectorConfigControl() {
        auto m = parseOk(R"({"type":"CONTROL","control":{"type":"CONNECTOR_CONFIG","emitted_at":1.5,)"
                         R"("connectorConfig":{"config":{"api_token":"t2","n":1}}}})");
        QVERIFY(m.type == MessageType::Control);
        QCOMPARE(m.control.type, std::string("CONNECTOR_CONFIG"));
        QCOMPARE(m.control.connectorConfigJson, std::string(R"({"api_token":"t2","n":1})"));
        QCOMPARE(parseError(R"({"type":"CONTROL","control":{"type":"CONNECTOR_CONFIG"}})"),
                 std::string("malformed CONTROL message: CONNECTOR_CONFIG without a `connectorConfig.config` "
                             "object"));
    }

    void rejectsMalformedLines() {
        for (const char* line : {"", "   ", "hello world", "{\"type\":\"RECORD\"", "{'type':'LOG'}"})
            QVERIFY2(parseError(line).rfind("not JSON", 0) == 0, line);
        const std::pair<const char*, const char*> cases[] = {
            {"[1,2]", "not a JSON object"},
            {"{}", "no `type`"},
            {R"({"type":5})", "no `type`"},
            {R"({"type":"RECORD"})", "no `record` object"},
            {R"({"type":"RECORD","record":{"data":{}}})", "no `record.stream`"},
            {R"({"type":"RECORD","record":{"stream":"a","data":[1]}})", "`record.data` is not an object"},
            {R"({"type":"STATE","state":{"type":"STREAM","stream":{}}})", "stream_descriptor.name"},
            {R"({"type":"STATE","state":{"type":"GLOBAL"}})", "without a `global` object"},
            {R"({"type":"STATE","state":{"type":"WEIRD"}})", "unknown state type `WEIRD`"},
            {R"({"type":"TRACE","trace":{"type":"STREAM_STATUS","stream_status":{}}})",
             "stream_descriptor.name"},
            {R"({"type":"CATALOG","catalog":{"streams":{}}})", "is not an array"},
            {R"({"type":"SPEC","spec":{}})", "connectionSpecification"},
            {R"({"type":"CONNECTION_STATUS","connectionStatus":{"status":"MAYBE"}})", "neither SUCCEEDED"},
        };
        for (const auto& [line, expected] : cases) {
            const std::string err = parseError(line);
            QVERIFY2(err.find(expected) != std::string::npos, (std::string(line) + " -> " + err).c_str());
        }
    }

    void writesStreamStateFile() {
        auto file =
            stateFileJson({{{"users", ""}, R"({"cursor":20})"}, {{"orders", "shop"}, R"({"cursor":3})"}});
        QVERIFY(file.ok());
        QCOMPARE(json::parse(*file), json::parse(R"([
            {"type":"STREAM","stream":{"stream_descriptor":{"name":"users"},"stream_state":{"cursor":20}}},
            {"type":"STREAM","stream":{"stream_descriptor":{"name":"orders","namespace":"shop"},
             "stream_state":{"cursor":3}}}])"));
        QCOMPARE(*stateFileJson({}), std::string("[]"));
        auto bad = stateFileJson({{{"users", ""}, "{not json"}});
        QVERIFY(!bad.ok());
        QVERIFY(bad.error().message.find("`users`") != std::string::npos);
    }

    void writesGlobalStateFile() {
        auto file = stateFileJson({{{"users", ""}, R"({"cursor":5})"}}, R"({"lsn":42})");
        QVERIFY(file.ok());
        QCOMPARE(json::parse(*file), json::parse(R"([{"type":"GLOBAL","global":{"shared_state":{"lsn":42},
            "stream_states":[{"stream_descriptor":{"name":"users"},"stream_state":{"cursor":5}}]}}])"));
    }

    void stateMessagesRoundTrip() {
        const std::string a =
            R"({"type":"STREAM","stream":{"stream_descriptor":{"name":"a"},"stream_state":{"x":1}}})";
        const std::string b = R"({"type":"GLOBAL","global":{"shared_state":{"l":2},"stream_states":[]}})";
        const auto ma = parseOk(R"({"type":"STATE","state":)" + a + "}");
        const auto mb = parseOk(R"({"type":"STATE","state":)" + b + "}");
        const std::string file = stateFileFromMessages({ma.state.json, mb.state.json});
        QCOMPARE(json::parse(file), json::array({json::parse(a), json::parse(b)}));
        QCOMPARE(stateFileFromMessages({}), std::string("[]"));
    }

    void writesConfiguredCatalog() {
        ResolvedStream r;
        r.stream.name = "users";
        r.stream.ns = "crm";
        r.stream.columns = userColumns();
        r.stream.sourceDefinedPrimaryKey = {{"id"}};
        r.mode = {SyncMode::Incremental, DestinationSyncMode::AppendDedup};
        r.cursorField = {"id"};
        r.primaryKey = {{"id"}};
        ResolvedStream full = r;
        full.stream.name = "orders";
        full.mode = {SyncMode::FullRefresh, DestinationSyncMode::Overwrite};
        full.cursorField.clear();
        full.primaryKey.clear(); // the mode needs none: the source-defined key is passed anyway
        const json c = json::parse(configuredCatalogJson({r, full}));
        QCOMPARE(c["streams"].size(), size_t(2));
        const json& s0 = c["streams"][0];
        QCOMPARE(s0["sync_mode"], json("incremental"));
        QCOMPARE(s0["destination_sync_mode"], json("append_dedup"));
        QCOMPARE(s0["cursor_field"], json::parse(R"(["id"])"));
        QCOMPARE(s0["primary_key"], json::parse(R"([["id"]])"));
        QCOMPARE(s0["generation_id"], json(0));
        QCOMPARE(s0["minimum_generation_id"], json(0));
        QCOMPARE(s0["sync_id"], json(0));
        QCOMPARE(s0["stream"]["name"], json("users"));
        QCOMPARE(s0["stream"]["namespace"], json("crm"));
        QCOMPARE(s0["stream"]["json_schema"]["properties"]["id"]["type"],
                 json::parse(R"(["null","integer"])"));
        const json& s1 = c["streams"][1];
        QCOMPARE(s1["sync_mode"], json("full_refresh"));
        QCOMPARE(s1["destination_sync_mode"], json("overwrite"));
        QCOMPARE(s1["cursor_field"], json::array());
        QCOMPARE(s1["primary_key"], json::parse(R"([["id"]])"));
    }

    void decodesRecordIntoColumns() {
        RecordDecoder d({{"users", "", userColumns()}});
        DecodedLine out;
        d.decode(R"({"type":"RECORD","record":{"stream":"users","emitted_at":1,"data":)"
                 R"({"meta":{"a":[1,2]},"extra":"dropped","name":"Ad\u00e9","id":"12","active":true}}})",
                 out);
        QVERIFY(out.kind == DecodedLine::Kind::Record);
        QCOMPARE(out.stream, size_t(0));
        const auto& v = out.row.values;
        QCOMPARE(v.size(), size_t(5));
        QVERIFY(v[0] == Value::integer(12)); // "12" coerced into the integer column
        QVERIFY(v[1] == Value::text("Adé"));
        QVERIFY(v[2].isNull()); // missing
        QVERIFY(v[3] == Value::boolean(true));
        QCOMPARE(v[4].kind, Value::Kind::Json);
        QCOMPARE(v[4].s, std::string(R"({"a":[1,2]})"));
        QVERIFY(out.row.changes.empty());
    }

    void valueThatDoesNotFitIsNulled() {
        RecordDecoder d({{"users", "", userColumns()}});
        DecodedLine out;
        d.decode(R"({"type":"RECORD","record":{"stream":"users","data":{"id":1,"score":"abc","name":42}}})",
                 out);
        QVERIFY(out.kind == DecodedLine::Kind::Record);
        QVERIFY(out.row.values[2].isNull());
        QCOMPARE(out.row.changes.size(), size_t(1));
        QCOMPARE(out.row.changes[0].field, std::string("score"));
        QCOMPARE(out.row.changes[0].change, std::string("NULLED"));
        QVERIFY(out.row.values[1] == Value::text("42")); // a number fits a string column as its text
    }

    void reusedRowCarriesNothingOver() {
        // The engine hands spent rows back for their buffers: a decoded row keeps none of the last values.
        RecordDecoder d({{"users", "", userColumns()}});
        DecodedLine out;
        d.decode(R"({"type":"RECORD","record":{"stream":"users","data":)"
                 R"({"id":1,"name":"a long enough name","score":"abc","active":true,"meta":[1]}}})",
                 out);
        QCOMPARE(out.row.changes.size(), size_t(1));
        d.decode(R"({"type":"RECORD","record":{"stream":"users","data":{"name":"b","id":2}}})", out);
        QVERIFY(out.kind == DecodedLine::Kind::Record);
        QVERIFY(out.row.values[0] == Value::integer(2));
        QVERIFY(out.row.values[1] == Value::text("b"));
        for (size_t i = 2; i < out.row.values.size(); ++i)
            QVERIFY(out.row.values[i].isNull() && out.row.values[i].s.empty());
        QVERIFY(out.row.changes.empty());
    }

    void integersBeyond64BitsTakeTheSlowPath() {
        RecordDecoder d({{"users", "", userColumns()}});
        DecodedLine out;
        d.decode(
            R"({"type":"RECORD","record":{"stream":"users","data":{"id":7,"score":123456789012345678901234567890}}})",
            out);
        QVERIFY(out.kind == DecodedLine::Kind::Record);
        QVERIFY(out.row.values[0] == Value::integer(7));
        QCOMPARE(out.row.values[2].kind, Value::Kind::Real);
        QVERIFY(out.row.values[2].d > 1.2e29);
    }

    void matchesStreamsByNameAndNamespace() {
        RecordDecoder d(
            {{"users", "crm", userColumns()}, {"users", "hr", userColumns()}, {"orders", "", {}}});
        QCOMPARE(d.streamIndex("users", "hr"), 1);
        QCOMPARE(d.streamIndex("users", ""), -1);     // ambiguous without a namespace
        QCOMPARE(d.streamIndex("orders", "shop"), 2); // the catalog has no namespace for it: unambiguous
        QCOMPARE(d.streamIndex("ghost", ""), -1);
        DecodedLine out;
        d.decode(R"({"type":"RECORD","record":{"stream":"users","namespace":"hr","data":{"id":1}}})", out);
        QVERIFY(out.kind == DecodedLine::Kind::Record);
        QCOMPARE(out.stream, size_t(1));
        d.decode(R"({"type":"RECORD","record":{"stream":"ghost","data":{"id":1}}})", out);
        QVERIFY(out.kind == DecodedLine::Kind::UndeclaredRecord);
        QCOMPARE(out.message.record.stream.name, std::string("ghost"));
    }

    void decodesOtherLines() {
        RecordDecoder d({{"users", "", userColumns()}});
        DecodedLine out;
        d.decode(R"({"type":"LOG","log":{"level":"INFO","message":"hi"}})", out);
        QVERIFY(out.kind == DecodedLine::Kind::Message);
        QVERIFY(out.message.type == MessageType::Log);
        d.decode("Starting connector...", out);
        QVERIFY(out.kind == DecodedLine::Kind::NotJson);
        d.decode(R"({"type":"RECORD","record":{"stream":"users","data":"x"}})", out);
        QVERIFY(out.kind == DecodedLine::Kind::Malformed);
        QVERIFY(out.error.find("record.data") != std::string::npos);
        d.decode(R"({"record":{"stream":"users","data":{}},"type":"RECORD"})", out); // any key order
        QVERIFY(out.kind == DecodedLine::Kind::Record);
    }
};

QTEST_GUILESS_MAIN(TestAirbyteProtocol)
#include "tst_airbyte_protocol.moc"
