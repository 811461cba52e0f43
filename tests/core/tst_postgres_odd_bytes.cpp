// The postgres source on a SQL_ASCII database, where text and names may be any bytes: a table and a column
// whose names are not UTF-8 are discovered with U+FFFD and still read by their real names; text that is not
// UTF-8 arrives repaired with a TRUNCATED / SOURCE_SERIALIZATION_ERROR change; a cursor of such text ends in
// a state that is valid JSON, and reading from that state delivers nothing twice.
#include "pg_server.h"
#include "sources/postgres/postgres_source.h"
#include "util/utf8.h"

#include <QtTest>
#include <nlohmann/json.hpp>

using namespace sluice::core;
using sluice::test::PgServer;

namespace {
const std::string kFffd = "\xEF\xBF\xBD";

class Sink : public RecordSink {
public:
    std::vector<Row> rows;
    std::vector<std::string> states;
    Status record(size_t, Row&& row) override {
        rows.push_back(std::move(row));
        return {};
    }
    Status state(size_t, const std::string& stateJson) override {
        states.push_back(stateJson);
        return {};
    }
    Status streamComplete(size_t) override { return {}; }
};
} // namespace

class TestPostgresOddBytes : public QObject {
    Q_OBJECT
    PgServer m_pg;

    StreamInfo theStream() {
        auto streams = makePostgresSource(m_pg.configJson("public"))->discover();
        if (!streams || streams->size() != 1)
            qFatal("discover: %s", streams ? "not one stream" : streams.error().message.c_str());
        return streams->front();
    }

    Sink read(const std::string& state) {
        StreamReadSpec spec;
        spec.stream.stream = theStream();
        spec.stream.mode = {SyncMode::Incremental, DestinationSyncMode::Append};
        spec.stream.cursorField = {"updated"};
        spec.stateJson = state;
        ReadRequest request;
        request.streams.push_back(spec);
        Sink sink;
        auto st = makePostgresSource(m_pg.configJson("public"))->read(request, sink);
        if (!st)
            qFatal("read: %s", st.error().message.c_str());
        return sink;
    }

private slots:
    void initTestCase() {
        const QString err = m_pg.start(QStringLiteral("odd"), QStringLiteral("SQL_ASCII"));
        QVERIFY2(err.isEmpty(), qPrintable(err));
        // The client speaks UTF-8, so the odd names are made on the server from bytes; E'\351' is the byte
        // E9.
        QVERIFY(m_pg.exec(
            "DO $$ BEGIN EXECUTE format('CREATE TABLE %I (id int PRIMARY KEY, %I text, updated "
            "text)', convert_from('\\x74ff'::bytea, 'SQL_ASCII'), convert_from('\\x6ee46d65'::bytea, "
            "'SQL_ASCII')); EXECUTE format('INSERT INTO %I VALUES (1, ''plain'', ''2024-01-01''), "
            "(2, E''caf\\351'', E''2024-01-02\\377'')', convert_from('\\x74ff'::bytea, 'SQL_ASCII')); "
            "END $$"));
    }

    void namesAreShownRepaired() {
        const StreamInfo s = theStream();
        QCOMPARE(s.name, "t" + kFffd);
        QCOMPARE(s.columns, (std::vector<Column>{{"id", ColumnType::Integer},
                                                 {"n" + kFffd + "me", ColumnType::String},
                                                 {"updated", ColumnType::String}}));
    }

    void textIsRepairedAndTheCursorAdvances() {
        Sink first = read("");
        QCOMPARE(first.rows.size(), size_t(2));
        QCOMPARE(first.rows[0].values[1].s, std::string("plain"));
        QVERIFY(first.rows[0].changes.empty());
        QCOMPARE(first.rows[1].values[1].s, "caf" + kFffd);
        QCOMPARE(first.rows[1].values[2].s, "2024-01-02" + kFffd);
        QCOMPARE(first.rows[1].changes.size(), size_t(2));
        QCOMPARE(first.rows[1].changes[0].field, "n" + kFffd + "me");
        QCOMPARE(first.rows[1].changes[0].change, std::string("TRUNCATED"));
        QCOMPARE(first.rows[1].changes[0].reason, std::string("SOURCE_SERIALIZATION_ERROR"));
        QCOMPARE(first.rows[1].changes[1].field, std::string("updated"));

        const std::string state = first.states.back();
        QVERIFY(isValidUtf8(state));
        QCOMPARE(nlohmann::json::parse(state)["cursor"].get<std::string>(), "2024-01-02" + kFffd);
        // The saved maximum compares with the server's bytes: the row at it is not delivered again.
        Sink again = read(state);
        QCOMPARE(again.rows.size(), size_t(0));
    }
};

QTEST_GUILESS_MAIN(TestPostgresOddBytes)
#include "tst_postgres_odd_bytes.moc"
