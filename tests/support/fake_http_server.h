#pragma once

// A real HTTP/1.1 server on 127.0.0.1 for source tests, running in its own thread so a blocking client in the
// test thread can talk to it. Link Qt6::Network to a test that includes this.
#include <QHostAddress>
#include <QMutex>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <QUrl>
#include <functional>
#include <map>
#include <memory>
#include <vector>

namespace sluice::test {

struct FakeRequest {
    QUrl url;                                 // path and query as requested
    std::map<QByteArray, QByteArray> headers; // names in lower case
};

struct FakeResponse {
    enum class Framing { ContentLength, Chunked, Close };
    int status = 200;
    QByteArray body;
    std::vector<std::pair<QByteArray, QByteArray>> headers;
    Framing framing = Framing::ContentLength;
    bool silent = false; // accept the request and never answer (for timeouts)
};

class FakeHttpServer {
public:
    using Handler = std::function<FakeResponse(const FakeRequest&)>;

    FakeHttpServer() {
        m_thread.start();
        m_server = new QTcpServer;
        m_server->moveToThread(&m_thread);
        QMetaObject::invokeMethod(
            m_server,
            [this] {
                m_server->listen(QHostAddress::LocalHost, 0);
                QObject::connect(m_server, &QTcpServer::newConnection, m_server, [this] { accept(); });
            },
            Qt::BlockingQueuedConnection);
    }
    ~FakeHttpServer() {
        QMetaObject::invokeMethod(
            m_server, [this] { delete m_server; }, Qt::BlockingQueuedConnection);
        m_thread.quit();
        m_thread.wait();
    }

    quint16 port() const { return m_server->serverPort(); }
    QString url(const QString& path) const {
        return QStringLiteral("http://127.0.0.1:%1%2").arg(port()).arg(path);
    }

    void setHandler(Handler h) {
        QMutexLocker lock(&m_mutex);
        m_handler = std::move(h);
    }
    std::vector<FakeRequest> requests() const {
        QMutexLocker lock(&m_mutex);
        return m_requests;
    }
    void clearRequests() {
        QMutexLocker lock(&m_mutex);
        m_requests.clear();
    }

private:
    void accept() {
        while (QTcpSocket* socket = m_server->nextPendingConnection()) {
            auto buffer = std::make_shared<QByteArray>();
            QObject::connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            QObject::connect(socket, &QTcpSocket::readyRead, socket, [this, socket, buffer] {
                buffer->append(socket->readAll());
                const qsizetype end = buffer->indexOf("\r\n\r\n");
                if (end < 0)
                    return;
                serve(socket, buffer->left(end));
                buffer->clear();
            });
        }
    }

    void serve(QTcpSocket* socket, const QByteArray& head) {
        const QList<QByteArray> lines = head.split('\n');
        FakeRequest request;
        request.url = QUrl(QString::fromUtf8(lines[0].split(' ').value(1)));
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QByteArray line = lines[i].trimmed();
            const qsizetype colon = line.indexOf(':');
            if (colon > 0)
                request.headers[line.left(colon).toLower()] = line.mid(colon + 1).trimmed();
        }
        Handler handler;
        {
            QMutexLocker lock(&m_mutex);
            m_requests.push_back(request);
            handler = m_handler;
        }
        const FakeResponse r = handler ? handler(request) : FakeResponse{404, "no handler"};
        if (r.silent)
            return;
        QByteArray out = "HTTP/1.1 " + QByteArray::number(r.status) + " " + reason(r.status) + "\r\n";
        for (const auto& [k, v] : r.headers)
            out += k + ": " + v + "\r\n";
        out += "Content-Type: application/json\r\nConnection: close\r\n";
        if (r.framing == FakeResponse::Framing::ContentLength) {
            out += "Content-Length: " + QByteArray::number(r.body.size()) + "\r\n\r\n" + r.body;
        } else if (r.framing == FakeResponse::Framing::Chunked) {
            out += "Transfer-Encoding: chunked\r\n\r\n";
            // Small odd-sized chunks, one with an extension, so the client's decoder is really exercised.
            for (qsizetype i = 0; i < r.body.size(); i += 7)
                out += QByteArray::number(std::min<qsizetype>(7, r.body.size() - i), 16) +
                       (i == 0 ? ";x=y" : "") + "\r\n" + r.body.mid(i, 7) + "\r\n";
            out += "0\r\nX-Trailer: 1\r\n\r\n";
        } else {
            out += "\r\n" + r.body;
        }
        socket->write(out);
        socket->disconnectFromHost();
    }

    static QByteArray reason(int status) {
        switch (status) {
        case 200:
            return "OK";
        case 401:
            return "Unauthorized";
        case 404:
            return "Not Found";
        case 429:
            return "Too Many Requests";
        case 500:
            return "Internal Server Error";
        case 503:
            return "Service Unavailable";
        default:
            return "Status";
        }
    }

    QThread m_thread;
    QTcpServer* m_server = nullptr;
    mutable QMutex m_mutex;
    Handler m_handler;
    std::vector<FakeRequest> m_requests;
};

} // namespace sluice::test
