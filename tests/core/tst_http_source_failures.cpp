// The http source when things go wrong: retries, giving up, secrets in headers, bad configurations, timeouts.
#include "fake_http_api.h"
#include "util/logging.h"

#include <QElapsedTimer>
#include <QtTest>
#include <atomic>

using namespace sluice::core;
using namespace sluice::test;

class TestHttpSourceFailures : public QObject {
    Q_OBJECT
private slots:
    void retriesAfter429HonouringRetryAfter() {
        FakeHttpServer server;
        auto calls = std::make_shared<std::atomic<int>>(0);
        const auto api = pagedApi(items(5), FakeResponse::Framing::ContentLength);
        server.setHandler(api);
        // A 10 ms backoff of its own: only Retry-After can explain a wait of a second.
        HttpSource src(parseHttpConfig(
            json{{"url", server.url("/items").toStdString()}, {"records_path", "data"}}.dump()));
        src.setRetryPolicy({5, 10, 60000});
        ReadRequest r = readRequest(src);
        server.setHandler([calls, api](const FakeRequest& req) {
            if (++*calls == 1)
                return FakeResponse{429, "slow down", {{"Retry-After", "1"}}};
            return api(req);
        });
        QElapsedTimer timer;
        timer.start();
        RecordingSink sink = readOrFail(src, r);
        QVERIFY2(timer.elapsed() >= 950, qPrintable(QString::number(timer.elapsed())));
        QCOMPARE(ids(sink.rows[0]), range(1, 5));
        QCOMPARE(calls->load(), 2);
        QCOMPARE(sink.logs.size(), size_t(1));
        QVERIFY(sink.logs[0].find("HTTP 429 Too Many Requests; trying again in 1.0 s (try 2 of 5)") !=
                std::string::npos);
    }

    void retriesAfter500() {
        FakeHttpServer server;
        auto calls = std::make_shared<std::atomic<int>>(0);
        const auto api = pagedApi(items(3), FakeResponse::Framing::Chunked);
        server.setHandler(api);
        auto src = httpSource({{"url", server.url("/items").toStdString()}, {"records_path", "data"}});
        ReadRequest r = readRequest(*src);
        server.setHandler([calls, api](const FakeRequest& req) {
            if (++*calls == 1)
                return FakeResponse{500, "oops"};
            return api(req);
        });
        RecordingSink sink = readOrFail(*src, r);
        QCOMPARE(ids(sink.rows[0]), range(1, 3));
        QCOMPARE(calls->load(), 2);
    }

    void givesUpAfterFiveTries() {
        FakeHttpServer server;
        server.setHandler(pagedApi(items(3), FakeResponse::Framing::ContentLength));
        auto src = httpSource({{"url", server.url("/items").toStdString()}, {"records_path", "data"}});
        ReadRequest r = readRequest(*src);
        server.setHandler([](const FakeRequest&) {
            return FakeResponse{503, "down", {{"Retry-After", "0"}}};
        });
        server.clearRequests();
        RecordingSink sink;
        const Status st = src->read(r, sink);
        QCOMPARE(st.error().kind, ErrorKind::Transient);
        QCOMPARE(st.error().message, "http source: GET " + server.url("/items").toStdString() +
                                         " failed with HTTP 503 Service Unavailable; gave up after 5 tries");
        QCOMPARE(server.requests().size(), size_t(5));
        QVERIFY(sink.rows[0].empty());

        server.setHandler([](const FakeRequest&) { return FakeResponse{404, "no such API"}; });
        server.clearRequests();
        const Status missing = src->read(r, sink);
        QCOMPARE(missing.error().kind, ErrorKind::Config);
        QVERIFY(missing.error().message.find("HTTP 404 Not Found; check `url`: no such API") !=
                std::string::npos);
        QCOMPARE(server.requests().size(), size_t(1)); // not retried
    }

    void headerValuesAreSecret() {
        const std::string token = "s3cr3t-t0ken-4711";
        FakeHttpServer server;
        server.setHandler([token](const FakeRequest& r) {
            const auto auth = r.headers.find("authorization");
            if (auth == r.headers.end() || auth->second.toStdString() != "Bearer " + token)
                return FakeResponse{401, "missing credentials"};
            if (QUrlQuery(r.url).hasQueryItem("fail"))
                return FakeResponse{403, "forbidden for " + auth->second}; // a server echoing the credentials
            return ok(json::array({{{"id", 1}}}));
        });
        std::vector<std::string> logLines;
        QMutex logMutex;
        setLogListener([&](const std::string&, int, const std::string& line) {
            QMutexLocker lock(&logMutex);
            logLines.push_back(line);
        });
        const json headers = {{"Authorization", "Bearer " + token}, {"X-Api-Key", "k3y-k3y-k3y"}};
        auto src = httpSource({{"url", server.url("/items").toStdString()}, {"headers", headers}});
        const ReadRequest r = readRequest(*src);
        RecordingSink sink = readOrFail(*src, r);
        QCOMPARE(ids(sink.rows[0]), (std::vector<int64_t>{1}));
        QCOMPARE(server.requests().back().headers.at("x-api-key"), QByteArray("k3y-k3y-k3y"));

        std::vector<std::string> texts = sink.logs;
        auto failing = httpSource({{"url", server.url("/items?fail=1").toStdString()}, {"headers", headers}});
        const Status echoed = failing->check();
        QCOMPARE(echoed.error().kind, ErrorKind::Config);
        texts.push_back(echoed.error().message);
        server.setHandler([](const FakeRequest&) { return FakeResponse{503, "", {{"Retry-After", "0"}}}; });
        RecordingSink down;
        const Status gaveUp = src->read(r, down);
        QCOMPARE(gaveUp.error().kind, ErrorKind::Transient);
        texts.push_back(gaveUp.error().message);
        texts.push_back(src->check().error().message);
        texts.insert(texts.end(), down.logs.begin(), down.logs.end());
        {
            QMutexLocker lock(&logMutex);
            texts.insert(texts.end(), logLines.begin(), logLines.end());
        }
        setLogListener(nullptr);
        QVERIFY(texts.size() >= 3);
        for (const auto& t : texts) {
            QVERIFY2(t.find(token) == std::string::npos, t.c_str());
            QVERIFY2(t.find("k3y-k3y-k3y") == std::string::npos, t.c_str());
        }
        QCOMPARE(redactSecrets("token " + token), std::string("token **********"));
        QCOMPARE(redactSecrets("key k3y-k3y-k3y"), std::string("key **********"));
    }

    void configErrorsSayWhatToFix() {
        const auto ftp = httpSource({{"url", "ftp://x/y"}})->discover();
        QCOMPARE(ftp.error().kind, ErrorKind::Config);
        QVERIFY(ftp.error().message.find("is not an http:// or https:// URL") != std::string::npos);
        const Status auth =
            httpSource({{"url", "http://x/y"}, {"auth", {{"type", "oauth2"}, {"token_url", "http://x/t"}}}})
                ->check();
        QCOMPARE(auth.error().message,
                 std::string("http source: `auth.type` \"oauth2\" needs `auth.client_id` (client "
                             "credentials, or set `auth.refresh_token`)"));
        QVERIFY(httpSource(json::object())->check().error().message.find("`url`") != std::string::npos);
        const Status paging = httpSource({{"url", "http://x/y"}, {"paging", {{"type", "cursor"}}}})->check();
        QVERIFY(paging.error().message.find("`paging.type`") != std::string::npos);

        FakeHttpServer server;
        server.setHandler([](const FakeRequest&) { return ok({{"data", {{"not", "an array"}}}}); });
        const Status path =
            httpSource({{"url", server.url("/x").toStdString()}, {"records_path", "data"}})->check();
        QCOMPARE(path.error().kind, ErrorKind::Config);
        QVERIFY(path.error().message.find("is an object, not an array of records") != std::string::npos);
    }

    void silentServerTimesOut() {
        FakeHttpServer server;
        server.setHandler([](const FakeRequest&) {
            FakeResponse r;
            r.silent = true;
            return r;
        });
        HttpSource src(
            parseHttpConfig(json{{"url", server.url("/slow").toStdString()}, {"timeout_seconds", 1}}.dump()));
        src.setRetryPolicy({1, 10, 100});
        ReadRequest r;
        StreamReadSpec spec;
        spec.stream.stream.name = "slow";
        r.streams.push_back(spec);
        RecordingSink sink;
        QElapsedTimer timer;
        timer.start();
        const Status st = src.read(r, sink);
        QCOMPARE(st.error().kind, ErrorKind::Transient);
        QVERIFY2(st.error().message.find("no complete response within 1 s (`timeout_seconds`)") !=
                     std::string::npos,
                 st.error().message.c_str());
        QVERIFY(timer.elapsed() < 5000);
    }
};

QTEST_GUILESS_MAIN(TestHttpSourceFailures)
#include "tst_http_source_failures.moc"
