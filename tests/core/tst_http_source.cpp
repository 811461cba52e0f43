// The http source against a real local HTTP server: discovery, the three paging styles, resumption,
// incremental.
#include "fake_http_api.h"

#include <QtTest>

using namespace sluice::core;
using namespace sluice::test;

class TestHttpSource : public QObject {
    Q_OBJECT
private slots:
    void discoversColumnsFromTheFirstPage() {
        FakeHttpServer server;
        server.setHandler([](const FakeRequest&) {
            // Raw text: the order of the fields is what discovery must follow.
            return FakeResponse{200, R"({"result": {"items": [
                {"id": 1, "name": "a", "score": 1, "active": true, "tags": ["x"], "mixed": 1, "nothing": null},
                {"id": 2, "name": "b", "score": 2.5, "active": false, "tags": {"a": 1}, "mixed": "x", "extra": 5}
            ]}})"};
        });
        auto src = httpSource({{"url", server.url("/v1/items/").toStdString()},
                               {"records_path", "result.items"},
                               {"paging", {{"type", "page"}}}});
        QVERIFY(src->check().ok());
        auto streams = src->discover();
        QVERIFY(streams.ok());
        QCOMPARE(streams->size(), size_t(1));
        const StreamInfo& s = streams->front();
        QCOMPARE(s.name, std::string("items"));
        QVERIFY(s.columns == (std::vector<Column>{{"id", ColumnType::Integer},
                                                  {"name", ColumnType::String},
                                                  {"score", ColumnType::Number},
                                                  {"active", ColumnType::Boolean},
                                                  {"tags", ColumnType::Json},
                                                  {"mixed", ColumnType::String},
                                                  {"nothing", ColumnType::String},
                                                  {"extra", ColumnType::Integer}}));
        QVERIFY(s.isResumable);
        QVERIFY(s.supports(SyncMode::Incremental));
        QCOMPARE(targets(server).front(), QStringLiteral("/v1/items/?page=1&per_page=100"));

        RecordingSink sink = readOrFail(*src, readRequest(*src));
        QCOMPARE(sink.rows[0][1].values[2].d, 2.5);
        QCOMPARE(sink.rows[0][0].values[2].kind, Value::Kind::Real); // 1 in a number column
        QCOMPARE(sink.rows[0][1].values[4].s, std::string(R"({"a":1})"));
        QCOMPARE(sink.rows[0][1].values[5].s, std::string("x"));
        QCOMPARE(sink.rows[0][0].values[5].s, std::string("1"));
    }

    void pageNumberPaging() {
        FakeHttpServer server;
        auto src = pagedSource(server, "/items?sort=id", FakeResponse::Framing::Chunked);
        const ReadRequest r = readRequest(*src);
        server.clearRequests();
        RecordingSink sink = readOrFail(*src, r);
        QCOMPARE(ids(sink.rows[0]), range(1, 25));
        QCOMPARE(sink.rows[0][24].values[1].s, std::string("item 25"));
        // The third page is short: the last one.
        QCOMPARE(targets(server), (std::vector<QString>{"/items?sort=id&page=1&per_page=10",
                                                        "/items?sort=id&page=2&per_page=10",
                                                        "/items?sort=id&page=3&per_page=10"}));
        QCOMPARE(states(sink), (std::vector<std::string>{R"({"page":2})", R"({"page":3})", "{}"}));
        QCOMPARE(sink.completed, std::vector<size_t>{0});
    }

    void offsetPaging() {
        FakeHttpServer server;
        const json all = items(20);
        server.setHandler([all](const FakeRequest& r) {
            return ok(slice(all, param(r, "skip"), param(r, "take")), FakeResponse::Framing::Close);
        });
        auto src =
            httpSource({{"url", server.url("/things").toStdString()},
                        {"page_size", 10},
                        {"paging", {{"type", "offset"}, {"offset_param", "skip"}, {"limit_param", "take"}}}});
        const ReadRequest r = readRequest(*src);
        server.clearRequests();
        RecordingSink sink = readOrFail(*src, r);
        QCOMPARE(ids(sink.rows[0]), range(1, 20));
        // Two full pages, then an empty one ends the stream.
        QCOMPARE(targets(server), (std::vector<QString>{"/things?skip=0&take=10", "/things?skip=10&take=10",
                                                        "/things?skip=20&take=10"}));
        QCOMPARE(states(sink), (std::vector<std::string>{R"({"offset":10})", R"({"offset":20})", "{}"}));
    }

    void tokenPaging_data() {
        QTest::addColumn<QString>("style");
        QTest::newRow("opaque token") << "token";
        QTest::newRow("next-page URL") << "url";
        QTest::newRow("host-relative next link") << "link";
    }

    void tokenPaging() {
        QFETCH(QString, style);
        FakeHttpServer server;
        const json all = items(25);
        const QString base = server.url("");
        server.setHandler([all, style, base](const FakeRequest& r) {
            const int64_t from = style == "token" ? param(r, "cursor") / 7 : param(r, "after");
            json page = slice(all, from, 10);
            json next = nullptr;
            if (from + 10 < static_cast<int64_t>(all.size())) {
                const std::string to = std::to_string(from + 10);
                next = style == "token" ? json(std::to_string((from + 10) * 7))
                       : style == "url" ? json(base.toStdString() + "/items?after=" + to)
                                        : json("/items?after=" + to);
            }
            return ok({{"items", page}, {"meta", {{"next", next}}}});
        });
        auto src = httpSource({{"url", server.url("/items").toStdString()},
                               {"records_path", "items"},
                               {"page_size", 10},
                               {"paging", {{"type", "token"}, {"token_path", "meta.next"}}}});
        const ReadRequest r = readRequest(*src);
        server.clearRequests();
        RecordingSink sink = readOrFail(*src, r);
        QCOMPARE(ids(sink.rows[0]), range(1, 25));
        const auto seen = targets(server);
        QCOMPARE(seen.size(), size_t(3));
        QCOMPARE(seen[0], QStringLiteral("/items"));
        QCOMPARE(seen[1],
                 style == "token" ? QStringLiteral("/items?cursor=70") : QStringLiteral("/items?after=10"));
        const auto st = states(sink);
        QCOMPARE(st.back(), std::string("{}"));
        QCOMPARE(json::parse(st[0])["token"].get<std::string>(), style == "token" ? std::string("70")
                                                                 : style == "url"
                                                                     ? base.toStdString() + "/items?after=10"
                                                                     : std::string("/items?after=10"));
    }

    void resumesFromPageStateWithoutLoss() {
        FakeHttpServer server;
        auto src = pagedSource(server, "/items", FakeResponse::Framing::ContentLength);
        RecordingSink failed;
        failed.failOnRecord = 15;
        QVERIFY(!src->read(readRequest(*src), failed).ok());
        std::string state;
        std::vector<Row> kept = failed.committed(0, state);
        QCOMPARE(state, std::string(R"({"page":2})"));
        QCOMPARE(kept.size(), size_t(10));

        const ReadRequest again = readRequest(*src, state);
        server.clearRequests();
        RecordingSink resumed = readOrFail(*src, again);
        QCOMPARE(targets(server)[0], QStringLiteral("/items?page=2&per_page=10"));
        QVERIFY(resumed.logs.at(0).find(R"(resumes at {"page":2})") != std::string::npos);
        kept.insert(kept.end(), resumed.rows[0].begin(), resumed.rows[0].end());
        QCOMPARE(ids(kept), range(1, 25));
        QCOMPARE(states(resumed).back(), std::string("{}"));

        RecordingSink fromThree = readOrFail(*src, readRequest(*src, R"({"page":3})"));
        QCOMPARE(ids(fromThree.rows[0]), range(21, 25));
    }

    void incrementalSendsTheCursorAndKeepsTies() {
        FakeHttpServer server;
        auto data = std::make_shared<json>(json::parse(R"([
            {"id": 1, "updated_at": "2024-01-01"}, {"id": 2, "updated_at": "2024-01-02"},
            {"id": 3, "updated_at": "2024-01-02"}])"));
        auto mutex = std::make_shared<QMutex>();
        server.setHandler([data, mutex](const FakeRequest& r) {
            QMutexLocker lock(mutex.get());
            const std::string since = QUrlQuery(r.url).queryItemValue("updated_since").toStdString();
            json out = json::array();
            for (const auto& item : *data)
                if (item["updated_at"].get<std::string>() >= since) // inclusive, as the spec asks of APIs
                    out.push_back(item);
            return ok(out);
        });
        auto src =
            httpSource({{"url", server.url("/changes").toStdString()}, {"cursor_param", "updated_since"}});
        RecordingSink first = readOrFail(*src, readRequest(*src, {}, true));
        QCOMPARE(ids(first.rows[0]), range(1, 3));
        const std::string state = states(first).back();
        QCOMPARE(json::parse(state)["cursor"].get<std::string>(), std::string("2024-01-02"));

        const ReadRequest second = readRequest(*src, state, true);
        server.clearRequests();
        RecordingSink unchanged = readOrFail(*src, second);
        QVERIFY(unchanged.rows[0].empty());
        QCOMPARE(targets(server).back(), QStringLiteral("/changes?updated_since=2024-01-02"));

        {
            QMutexLocker lock(mutex.get());
            data->push_back({{"id", 4}, {"updated_at", "2024-01-02"}});
            data->push_back({{"id", 5}, {"updated_at", "2024-01-03"}});
        }
        RecordingSink next = readOrFail(*src, readRequest(*src, state, true));
        QCOMPARE(ids(next.rows[0]), (std::vector<int64_t>{4, 5}));
        RecordingSink again = readOrFail(*src, readRequest(*src, states(next).back(), true));
        QVERIFY(again.rows[0].empty());
    }
};

QTEST_GUILESS_MAIN(TestHttpSource)
#include "tst_http_source.moc"
