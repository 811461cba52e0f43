// The http source on libcurl against a local HTTPS API (tests/support/https_api_server.py): certificates,
// the four paging styles, injected faults retried inside the attempt, a page failing for good and the read
// resuming after it, authentication as configured, OAuth2 token exchange, incremental reads, throughput.
#include "fake_http_api.h"
#include "https_api.h"
#include "test_support.h"
#include "util/logging.h"

#include <QElapsedTimer>
#include <QUrl>
#include <QtTest>

using namespace sluice::core;
using namespace sluice::test;

namespace {
json pagedConfig(const HttpsApi& api, const std::string& target) {
    return {{"url", api.url(target)},
            {"records_path", "data"},
            {"page_size", 10},
            {"paging", {{"type", "page"}}},
            {"ca_certificate", api.caFile().toStdString()}};
}

// A source with a 10 ms backoff of its own, so only Retry-After or a timeout can make a read slow.
std::unique_ptr<HttpSource> quickSource(const json& config) {
    auto src = std::make_unique<HttpSource>(parseHttpConfig(config.dump()), config.dump());
    src->setRetryPolicy({5, 10, 5000});
    return src;
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// OAuth2 with a refresh token; each access token is good for two requests: the third is refused and a new
// token is fetched with the refresh token the server rotated.
json refreshTokenConfig(const HttpsApi& api) {
    json config = pagedConfig(api, "/oauth/items");
    config["auth"] = {
        {"type", "oauth2"}, {"token_url", api.url("/oauth/token?uses=2")}, {"refresh_token", "rt-0"}};
    return config;
}

std::vector<HttpsApi::Request> gets(const HttpsApi& api) {
    std::vector<HttpsApi::Request> out;
    for (auto& r : api.requests())
        if (r.method == "GET")
            out.push_back(r);
    return out;
}
} // namespace

class TestHttpsSource : public QObject {
    Q_OBJECT
private slots:
    void readsHttpsTrustingTheGivenCa() {
        HttpsApi api;
        auto src = httpSource(pagedConfig(api, "/items"));
        SLUICE_VERIFY_OK(src->check());
        const ReadRequest r = readRequest(*src);
        RecordingSink sink = readOrFail(*src, r);
        QCOMPARE(ids(sink.rows[0]), range(1, 25));
        QCOMPARE(sink.rows[0][24].values[1].s, std::string("item 25"));
        QCOMPARE(states(sink), (std::vector<std::string>{R"({"page":2})", R"({"page":3})", "{}"}));
        QVERIFY(sink.logs.empty());
    }

    void untrustedCertificateIsAClearErrorNamingTheHost() {
        HttpsApi api;
        json config = pagedConfig(api, "/items");
        config.erase("ca_certificate");
        auto src = httpSource(config);
        const Status st = src->check();
        QCOMPARE(st.error().kind, ErrorKind::Config);
        QVERIFY2(contains(st.error().message, "the TLS certificate of 127.0.0.1 is not trusted"),
                 st.error().message.c_str());
        QVERIFY2(contains(st.error().message, "set `ca_certificate` to its PEM file"),
                 st.error().message.c_str());
        QCOMPARE(api.requests().size(), size_t(0)); // never talked to an unverified server

        config["ca_certificate"] = api.caFile().toStdString() + ".missing";
        const Status missing = httpSource(config)->check();
        QCOMPARE(missing.error().kind, ErrorKind::Config);
        QVERIFY(contains(missing.error().message,
                         "`ca_certificate` " + api.caFile().toStdString() + ".missing cannot be read"));
    }

    void insecureSkipsTheCheckWithAWarning() {
        HttpsApi api;
        json config = pagedConfig(api, "/items");
        config.erase("ca_certificate");
        config["insecure"] = true;
        auto src = httpSource(config);
        RecordingSink sink = readOrFail(*src, readRequest(*src));
        QCOMPARE(ids(sink.rows[0]), range(1, 25));
        QCOMPARE(sink.logs.size(), size_t(1));
        QVERIFY(
            contains(sink.logs[0], "`insecure` is true: the TLS certificate of 127.0.0.1 is not checked"));
    }

    void pagingStyles_data() {
        QTest::addColumn<QString>("style");
        QTest::newRow("page number") << "page";
        QTest::newRow("offset") << "offset";
        QTest::newRow("next token in the body") << "cursor";
        QTest::newRow("Link header") << "link";
    }

    void pagingStyles() {
        QFETCH(QString, style);
        HttpsApi api;
        json config = pagedConfig(api, style == "page" ? "/items" : "/" + style.toStdString());
        if (style == "page")
            config["paging"] = {{"type", "page"}};
        else if (style == "offset")
            config["paging"] = {{"type", "offset"}};
        else if (style == "cursor")
            config["paging"] = {{"type", "token"}, {"token_path", "next"}, {"size_param", "limit"}};
        else
            config["paging"] = {{"type", "link"}, {"size_param", "per_page"}};
        auto src = httpSource(config);
        const ReadRequest r = readRequest(*src);
        api.clearRequests();
        RecordingSink sink = readOrFail(*src, r);
        QCOMPARE(ids(sink.rows[0]), range(1, 25));
        const auto seen = gets(api);
        QCOMPARE(seen.size(), size_t(3)); // the last page is short, or has no next token or link
        if (style == "link") {
            QCOMPARE(seen[0].target, std::string("/link?per_page=10"));
            QCOMPARE(seen[1].target, std::string("/link?per_page=10&page=2"));
            QCOMPARE(states(sink)[0], std::string(R"({"token":"/link?per_page=10&page=2"})"));
        }
        if (style == "cursor")
            QCOMPARE(seen[2].target, std::string("/cursor?cursor=c20&limit=10"));
        QCOMPARE(states(sink).back(), std::string("{}"));
    }

    void faultsAreRetriedInsideTheAttempt_data() {
        QTest::addColumn<QString>("faults");
        QTest::addColumn<QString>("expected"); // in the warning of the retry
        QTest::newRow("HTTP 500") << "500@2"
                                  << "failed with HTTP 500 Internal Server Error";
        QTest::newRow("HTTP 503 with Retry-After") << "503@2"
                                                   << "HTTP 503 Service Unavailable; trying again in 1.0 s";
        QTest::newRow("HTTP 429 with Retry-After") << "429@3"
                                                   << "HTTP 429 Too Many Requests; trying again in 1.0 s";
        QTest::newRow("connection dropped mid-body") << "cut@2"
                                                     << "GET ";
        QTest::newRow("body cut short, clean close") << "cutclose@2"
                                                     << "is not JSON";
        QTest::newRow("slow page") << "slow@2"
                                   << "no complete response within 1 s (`timeout_seconds`)";
        // libcurl itself asks again once when a reused connection closes unanswered.
        QTest::newRow("reset before the answer") << "reset@3x2"
                                                 << "GET ";
        QTest::newRow("all at once") << "500@1,cut@2,429@2,slow@3,cutclose@3"
                                     << "trying again";
    }

    void faultsAreRetriedInsideTheAttempt() {
        QFETCH(QString, faults);
        QFETCH(QString, expected);
        HttpsApi api;
        json config = pagedConfig(api, "/items?faults=" + faults.toStdString() + "&slow_seconds=3");
        config["timeout_seconds"] = 1;
        auto src = quickSource(config);
        const ReadRequest r = readRequest(*src);
        QElapsedTimer timer;
        timer.start();
        RecordingSink sink = readOrFail(*src, r);
        // The destination gets exactly the source's rows: none lost, none twice.
        QCOMPARE(ids(sink.rows[0]), range(1, 25));
        QCOMPARE(states(sink), (std::vector<std::string>{R"({"page":2})", R"({"page":3})", "{}"}));
        QVERIFY(!sink.logs.empty());
        QVERIFY2(contains(sink.logs[0], expected.toStdString()), sink.logs[0].c_str());
        QVERIFY2(contains(sink.logs[0], "(try 2 of 5)"), sink.logs[0].c_str());
        if (faults.startsWith("503") || faults.startsWith("429"))
            QVERIFY2(timer.elapsed() >= 950, qPrintable(QString::number(timer.elapsed())));
    }

    void aPageFailingForGoodFailsTheAttemptAndTheNextResumes() {
        HttpsApi api;
        json config = pagedConfig(api, "/items?faults=500@3x5");
        config["auth"] = {{"type", "api_key"}, {"name", "key"}, {"value", "qk-7f3e9a1b"}, {"in", "query"}};
        auto src = quickSource(config);
        const ReadRequest r = readRequest(*src);
        RecordingSink failed;
        const Status st = src->read(r, failed);
        QCOMPARE(st.error().kind, ErrorKind::Transient);
        // The API key travels in the query but never into a message.
        const std::string page3 = api.url("/items?faults=500@3x5&page=3&per_page=10");
        QCOMPARE(st.error().message,
                 "http source: GET " + page3 +
                     " failed with HTTP 500 Internal Server Error; gave up after 5 tries");
        std::string state;
        std::vector<Row> kept = failed.committed(0, state);
        QCOMPARE(state, std::string(R"({"page":3})"));
        QCOMPARE(ids(kept), range(1, 20));

        RecordingSink resumed = readOrFail(*src, readRequest(*src, state));
        QCOMPARE(ids(resumed.rows[0]), range(21, 25));
        kept.insert(kept.end(), resumed.rows[0].begin(), resumed.rows[0].end());
        QCOMPARE(ids(kept), range(1, 25));
        for (const auto& line : failed.logs)
            QVERIFY2(!contains(line, "qk-7f3e9a1b"), line.c_str());
    }

    void authenticatesAsConfigured_data() {
        QTest::addColumn<QByteArray>("auth");
        QTest::addColumn<QString>("header");
        QTest::addColumn<QString>("value");
        QTest::newRow("bearer") << QByteArray(R"({"type": "bearer", "token": "tok-123-abc"})")
                                << "authorization"
                                << "Bearer tok-123-abc";
        // base64("ann:pa55-w0rd")
        QTest::newRow("basic") << QByteArray(
                                      R"({"type": "basic", "username": "ann", "password": "pa55-w0rd"})")
                               << "authorization"
                               << "Basic YW5uOnBhNTUtdzByZA==";
        QTest::newRow("API key header")
            << QByteArray(R"({"type": "api_key", "name": "X-Api-Key", "value": "k-99"})") << "x-api-key"
            << "k-99";
        QTest::newRow("API key query")
            << QByteArray(R"({"type": "api_key", "name": "api_key", "value": "k 9/9", "in": "query"})") << ""
            << "api_key=k%209%2F9";
    }

    void authenticatesAsConfigured() {
        QFETCH(QByteArray, auth);
        QFETCH(QString, header);
        QFETCH(QString, value);
        HttpsApi api;
        json config = pagedConfig(api, "/items");
        config["auth"] = json::parse(auth.toStdString());
        config["headers"] = {{"X-Extra", "also-sent"}};
        auto src = httpSource(config);
        RecordingSink sink = readOrFail(*src, readRequest(*src));
        QCOMPARE(ids(sink.rows[0]), range(1, 25));
        const auto seen = gets(api);
        QCOMPARE(seen.size(), size_t(4)); // discover's first page, then three pages
        for (const auto& r : seen) {
            QCOMPARE(r.headers.value("x-extra", ""), std::string("also-sent"));
            if (header.isEmpty())
                QVERIFY2(contains(r.target, value.toStdString()), r.target.c_str());
            else
                QCOMPARE(r.headers.value(header.toStdString(), ""), value.toStdString());
        }
        QCOMPARE(seen[0].headers.value("accept-encoding", "").empty(), false); // gzip, deflate offered
    }

    // libcurl keeps only Authorization from another host: an API key in a custom header went along with a
    // redirect to anywhere. Now no configured header leaves the configured host; the same host keeps them.
    void headersDoNotFollowARedirectToAnotherHost_data() {
        QTest::addColumn<QString>("host");
        QTest::addColumn<bool>("sent");
        QTest::newRow("another host") << "localhost" << false;
        QTest::newRow("the same host") << "127.0.0.1" << true;
    }

    void headersDoNotFollowARedirectToAnotherHost() {
        QFETCH(QString, host);
        QFETCH(bool, sent);
        HttpsApi api;
        std::string to = api.url("/items");
        to.replace(to.find("127.0.0.1"), 9, host.toStdString());
        json config = pagedConfig(api, "/redirect?to=" +
                                           QUrl::toPercentEncoding(QString::fromStdString(to)).toStdString());
        config["auth"] = {{"type", "api_key"}, {"name", "X-Api-Key"}, {"value", "k-99"}};
        config["headers"] = {{"X-Extra", "also-secret"}};
        auto src = httpSource(config);
        RecordingSink sink = readOrFail(*src, readRequest(*src));
        QCOMPARE(ids(sink.rows[0]), range(1, 25));
        int redirected = 0, landed = 0;
        for (const auto& r : gets(api)) {
            const bool atRedirect = r.target.rfind("/redirect", 0) == 0;
            (atRedirect ? redirected : landed)++;
            QCOMPARE(r.headers.value("host", "").rfind(atRedirect ? "127.0.0.1" : host.toStdString(), 0),
                     size_t(0));
            const bool expected = atRedirect || sent;
            QCOMPARE(r.headers.value("x-api-key", ""), std::string(expected ? "k-99" : ""));
            QCOMPARE(r.headers.value("x-extra", ""), std::string(expected ? "also-secret" : ""));
        }
        QCOMPARE(redirected, 4); // discover's first page, then three pages
        QCOMPARE(landed, 4);
    }

    void oauth2ClientCredentialsTokenIsKept() {
        HttpsApi api;
        json config = pagedConfig(api, "/oauth/items");
        config["auth"] = {{"type", "oauth2"},
                          {"token_url", api.url("/oauth/token")},
                          {"client_id", "sluice-client"},
                          {"client_secret", "client-s3cr3t"},
                          {"scope", "read"}};
        auto src = httpSource(config);
        RecordingSink sink = readOrFail(*src, readRequest(*src));
        QCOMPARE(ids(sink.rows[0]), range(1, 25));
        const auto all = api.requests();
        QCOMPARE(all.size(), size_t(5));
        QCOMPARE(all[0].method, std::string("POST"));
        QCOMPARE(all[0].target, std::string("/oauth/token"));
        QCOMPARE(all[0].body,
                 std::string("grant_type=client_credentials&client_id=sluice-client&client_secret=client-"
                             "s3cr3t&scope=read"));
        for (size_t i = 1; i < all.size(); ++i)
            QCOMPARE(all[i].headers.value("authorization", ""), std::string("Bearer at-1-xxxxxxxxxxxx"));
        QCOMPARE(redactSecrets("at-1-xxxxxxxxxxxx"), std::string("**********"));

        config["auth"]["client_secret"] = "wrong-s3cr3t";
        const Status refused = httpSource(config)->check();
        QCOMPARE(refused.error().kind, ErrorKind::Config);
        QCOMPARE(refused.error().message,
                 "http source: the OAuth2 token request to " + api.url("/oauth/token") +
                     " was refused with HTTP 401 Unauthorized: invalid_client (unknown "
                     "client); check `auth.client_id`, `auth.client_secret` or "
                     "`auth.refresh_token`");
    }

    void oauth2RefreshTokenIsExchangedAndRenewedWhenRefused() {
        HttpsApi api;
        const json config = refreshTokenConfig(api);
        auto src = httpSource(config);
        RecordingSink sink = readOrFail(*src, readRequest(*src));
        QCOMPARE(ids(sink.rows[0]), range(1, 25));
        std::vector<std::string> bodies;
        for (const auto& r : api.requests())
            if (r.method == "POST")
                bodies.push_back(r.body);
        QCOMPARE(bodies, (std::vector<std::string>{"grant_type=refresh_token&refresh_token=rt-0",
                                                   "grant_type=refresh_token&refresh_token=rt-1"}));
        QVERIFY(sink.logs.empty()); // a renewed token is not a retry
        QCOMPARE(redactSecrets("rt-1 at-2-xxxxxxxxxxxx"), std::string("********** **********"));
    }

    // The server spends a refresh token when it rotates it: the new one is reported at once, and a source
    // made from the reported configuration (the next run) gets in with it.
    void rotatedRefreshTokenIsReportedForTheNextRun() {
        HttpsApi api;
        const json config = refreshTokenConfig(api);
        auto src = httpSource(config);
        std::vector<SourceConfigUpdate> updates;
        auto keep = [&](const SourceConfigUpdate& u) {
            updates.push_back(u);
            return Status();
        };
        src->setConfigHandler(keep);
        readOrFail(*src, readRequest(*src));
        QCOMPARE(updates.size(), size_t(2)); // rt-0 -> rt-1, then rt-1 -> rt-2 after a refused token
        json reported = json::parse(updates.back().configJson);
        QCOMPARE(updates.back().changed, std::vector<std::string>{"/auth/refresh_token"});
        QCOMPARE(reported["auth"]["refresh_token"], json("rt-2"));
        reported["auth"]["refresh_token"] = config["auth"]["refresh_token"];
        QCOMPARE(reported, config); // nothing else changed

        api.clearRequests();
        auto next = httpSource(json::parse(updates.back().configJson));
        next->setConfigHandler(keep);
        RecordingSink sink = readOrFail(*next, readRequest(*next));
        QCOMPARE(ids(sink.rows[0]), range(1, 25));
        QCOMPARE(api.requests().front().body, std::string("grant_type=refresh_token&refresh_token=rt-2"));

        // A handler that cannot keep the token stops the call: going on would lose it.
        auto failing = httpSource(json::parse(updates.back().configJson));
        failing->setConfigHandler(
            [](const SourceConfigUpdate&) { return Status(Error::internal("the database is gone")); });
        const Status st = failing->check();
        QVERIFY(!st.ok());
        QCOMPARE(st.error().message, std::string("the database is gone"));
    }

    void incrementalSendsTheStoredCursor() {
        HttpsApi api;
        json config = pagedConfig(api, "/items?total=25");
        config["cursor_param"] = "since";
        auto src = httpSource(config);
        RecordingSink first = readOrFail(*src, readRequest(*src, {}, true));
        QCOMPARE(ids(first.rows[0]), range(1, 25));
        const std::string state = states(first).back();
        QCOMPARE(json::parse(state)["cursor"].get<std::string>(), std::string("2024-01-01T00:25:00"));

        config["url"] = api.url("/items?total=30"); // five new records since
        auto later = httpSource(config);
        const ReadRequest r = readRequest(*later, state, true);
        api.clearRequests();
        RecordingSink second = readOrFail(*later, r);
        QCOMPARE(ids(second.rows[0]), range(26, 30));
        QCOMPARE(gets(api).front().target,
                 std::string("/items?total=30&since=2024-01-01T00%3A25%3A00&page=1&per_page=10"));
    }

    void throughputOfAPagedHttpsSource() {
        HttpsApi api;
        json config = pagedConfig(api, "/items?total=50000");
        config["page_size"] = 1000;
        auto src = httpSource(config);
        const ReadRequest r = readRequest(*src);
        RecordingSink sink;
        sink.keepRows = false;
        QElapsedTimer timer;
        timer.start();
        SLUICE_VERIFY_OK(src->read(r, sink));
        const double secs = timer.nsecsElapsed() / 1e9;
        QCOMPARE(sink.seen, int64_t(50000));
        qInfo("paged HTTPS source: %lld records in 50 pages of 1000 in %.2f s = %.0f records/s",
              (long long)sink.seen, secs, sink.seen / secs);
    }
};

QTEST_GUILESS_MAIN(TestHttpsSource)
#include "tst_https_source.moc"
