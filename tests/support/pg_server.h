#pragma once

#include <QString>
#include <QTemporaryDir>
#include <string>
#include <vector>

namespace sluice::test {

// A throwaway PostgreSQL server for one test binary: initdb in a temporary folder, a server on a free
// loopback port with trust authentication, and one database. When the tests run as root (postgres refuses
// to), initdb and the server run as the `postgres` system user. The destructor stops the server and removes
// the folder.
//
// Missing server binaries are a failure, not a skip: start() says what to install.
class PgServer {
public:
    PgServer();
    ~PgServer();
    PgServer(const PgServer&) = delete;
    PgServer& operator=(const PgServer&) = delete;

    // Starts the server and creates `database`; returns an empty string on success, else what went wrong.
    // `encoding` other than the server's UTF8 (SQL_ASCII: text may hold any bytes) comes with the C locale.
    QString start(const QString& database = QStringLiteral("sluice_test"), const QString& encoding = {});
    bool running() const { return m_running; }

    QString host() const { return QStringLiteral("127.0.0.1"); }
    int port() const { return m_port; }
    QString database() const { return m_database; }
    QString user() const { return QStringLiteral("postgres"); }

    // A `postgres` connector configuration for this server.
    std::string configJson(const std::string& schema = "public", const std::string& password = {}) const;

    // Runs SQL (several statements allowed); false (with a warning naming the error) when it fails.
    bool exec(const std::string& sql) const;
    // A query's rows as text ("NULL" for NULL), for exact comparisons; empty (with a warning) on error.
    std::vector<std::vector<std::string>> rows(const std::string& sql) const;

    // The tables of a schema, in byte order.
    std::vector<std::string> tables(const std::string& schema) const;

    // A port nothing listens on (for connection-failure tests).
    static int freePort();

private:
    // Runs a server binary, as the `postgres` user when this process is root; returns its error text or "".
    QString run(const QString& binary, const QStringList& args, int timeoutMs = 120000) const;

    QTemporaryDir m_dir;
    QString m_bin;
    QString m_database;
    int m_port = 0;
    bool m_running = false;
};

} // namespace sluice::test
