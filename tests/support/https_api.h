#pragma once

// The paged JSON API of https_api_server.py, served over HTTPS with a certificate made by `openssl req -x509`
// into a temporary folder, on 127.0.0.1 and a port the system picks. What arrived is read back from the
// server's request log.
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace sluice::test {

class HttpsApi {
public:
    struct Request {
        std::string method, target, body;
        nlohmann::json headers; // names in lower case
    };

    // tls false: the same API over plain http://.
    explicit HttpsApi(bool tls = true) {
        if (!m_dir.isValid())
            qFatal("no temporary folder for the test API");
        QStringList args{serverScript(), "--log", logPath()};
        if (tls) {
            QProcess openssl;
            openssl.start("openssl", {"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                                      "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                                      "-keyout", m_dir.filePath("key.pem"), "-out", caFile()});
            if (!openssl.waitForFinished(60000) || openssl.exitCode() != 0)
                qFatal("openssl req failed: %s", openssl.readAllStandardError().constData());
            args << "--cert" << caFile() << "--key" << m_dir.filePath("key.pem");
        }
        m_scheme = tls ? "https" : "http";
        m_server.start("python3", args);
        if (!m_server.waitForStarted(10000) || !m_server.waitForReadyRead(20000))
            qFatal("the test API did not start: %s", m_server.readAllStandardError().constData());
        const QByteArray line = m_server.readLine().trimmed();
        if (!line.startsWith("port "))
            qFatal("the test API said %s", line.constData());
        m_port = line.mid(5).toInt();
    }
    ~HttpsApi() {
        m_server.kill();
        m_server.waitForFinished(5000);
    }
    HttpsApi(const HttpsApi&) = delete;
    HttpsApi& operator=(const HttpsApi&) = delete;

    std::string url(const std::string& target) const {
        return m_scheme + "://127.0.0.1:" + std::to_string(m_port) + target;
    }
    // The server's certificate, self-signed: the CA a client must trust.
    QString caFile() const { return m_dir.filePath("cert.pem"); }

    std::vector<Request> requests() const {
        std::vector<Request> out;
        QFile f(logPath());
        if (!f.open(QIODevice::ReadOnly))
            return out;
        while (!f.atEnd()) {
            const auto j = nlohmann::json::parse(f.readLine().toStdString(), nullptr, false);
            if (j.is_object())
                out.push_back({j["method"].get<std::string>(), j["target"].get<std::string>(),
                               j["body"].get<std::string>(), j["headers"]});
        }
        return out;
    }
    void clearRequests() const { QFile(logPath()).remove(); }

private:
    static QString serverScript() {
        return QString::fromLocal8Bit(qgetenv("SLUICE_SOURCE_DIR")) + "/tests/support/https_api_server.py";
    }
    QString logPath() const { return m_dir.filePath("requests.jsonl"); }

    QTemporaryDir m_dir;
    QProcess m_server;
    std::string m_scheme;
    int m_port = 0;
};

} // namespace sluice::test
