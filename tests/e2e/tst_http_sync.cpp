// sluicectl syncs a paged HTTPS API (tests/support/https_api_server.py) into SQLite while the API injects
// faults: the table ends with exactly the API's rows, a page that fails for good fails only that attempt and
// the next one resumes at it, the bearer token stays in the secret store, and an untrusted certificate is a
// clear error naming the host.
#include "e2e_home.h"
#include "https_api.h"

#include <QDirIterator>
#include <QtTest>

using namespace sluice::test;
using nlohmann::json;

namespace {
const std::string kToken = "tok-e2e-5b1f0c9d";

QByteArray connection(const HttpsApi& api, const std::string& name, bool trustCa) {
    json source = {{"url", api.url("/items?total=25&retry_after=0&faults=503@2,cut@2,slow@3,503@3x5")},
                   {"records_path", "data"},
                   {"page_size", 10},
                   {"timeout_seconds", 1},
                   {"paging", {{"type", "page"}}},
                   {"auth", {{"type", "bearer"}, {"token", kToken}}}};
    if (trustCa)
        source["ca_certificate"] = api.caFile().toStdString();
    json c = {{"name", name},
              {"source", {{"type", "http"}, {"config", source}}},
              {"destination", {{"type", "sqlite"}, {"config", {{"path", "warehouse.sqlite"}}}}},
              {"streams", json::array({{{"name", "items"},
                                        {"sync_mode", "full_refresh"},
                                        {"destination_sync_mode", "overwrite"},
                                        {"primary_key", {{"id"}}}}})},
              {"settings", {{"retry", {{"max_attempts", 3}, {"backoff_seconds", 0}}}}}};
    return QByteArray::fromStdString(c.dump());
}

bool fileHolds(const QString& path, const std::string& text) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) && f.readAll().contains(QByteArray::fromStdString(text));
}
} // namespace

class TestHttpSync : public QObject {
    Q_OBJECT
private slots:
    void syncsExactlyTheApisRowsThroughFaults() {
        HttpsApi api;
        E2eHome h;
        const QString id = h.createConnection(connection(api, "api", true));
        QVERIFY(!id.isEmpty());
        api.clearRequests();
        const CliRun run = h.cli({"sync", id, "--json"});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        const QJsonDocument job = QJsonDocument::fromJson(run.out.toUtf8());
        QCOMPARE(job["status"].toString(), QStringLiteral("succeeded"));

        Rows expected;
        for (int i = 1; i <= 25; ++i)
            expected.push_back({std::to_string(i), "item " + std::to_string(i)});
        QCOMPARE(h.rows("SELECT id, name FROM items ORDER BY id"), expected);

        // The first attempt gave up on page 3; the second started there, not at page 1 again.
        std::vector<std::string> pages;
        for (const auto& r : api.requests()) {
            QCOMPARE(r.headers.value("authorization", ""), "Bearer " + kToken);
            pages.push_back(r.target.substr(r.target.find("&page=") + 6, 1));
        }
        const auto lastPage1 = std::find(pages.rbegin(), pages.rend(), "1");
        const auto firstPage3 = std::find(pages.begin(), pages.end(), "3");
        QVERIFY(firstPage3 != pages.end());
        QVERIFY2(lastPage1.base() <= firstPage3, qPrintable(QString::number(pages.size())));
        QVERIFY2(std::count(pages.begin(), pages.end(), "3") >= 6, qPrintable(QString::number(pages.size())));

        // The token is in the secret store only: not in the database, the logs, or what sluicectl shows.
        const CliRun show = h.cli({"connection", "show", id, "--json"});
        QVERIFY(!show.out.contains(QString::fromStdString(kToken)));
        QVERIFY(show.out.contains(QStringLiteral("**********")));
        QVERIFY(!run.out.contains(QString::fromStdString(kToken)) &&
                !run.err.contains(QString::fromStdString(kToken)));
        bool inSecretStore = false;
        QDirIterator files(h.home(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        while (files.hasNext()) {
            const QString f = files.next();
            if (f.endsWith("secrets.json"))
                inSecretStore = fileHolds(f, kToken);
            else
                QVERIFY2(!fileHolds(f, kToken), qPrintable(f));
        }
        QVERIFY(inSecretStore);
    }

    void untrustedCertificateFailsNamingTheHost() {
        HttpsApi api;
        E2eHome h;
        const QString file = h.write("untrusted.json", connection(api, "untrusted", false));
        const CliRun create = h.cli({"connection", "create", file});
        const QString id = create.out.trimmed();
        const CliRun run = create.exitCode == 0 ? h.cli({"sync", id}) : create;
        QVERIFY(run.exitCode != 0);
        QVERIFY2(run.err.contains("the TLS certificate of 127.0.0.1 is not trusted"), qPrintable(run.err));
        QVERIFY2(run.err.contains("`ca_certificate`"), qPrintable(run.err));
    }
};

QTEST_GUILESS_MAIN(TestHttpSync)
#include "tst_http_sync.moc"
