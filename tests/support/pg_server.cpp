#include "pg_server.h"

#include "postgres/pg_connection.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QtTest>
#include <algorithm>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <nlohmann/json.hpp>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

namespace sluice::test {

namespace {
// Debian and Ubuntu keep the server binaries out of PATH, one folder per major version: the newest wins.
QString findBinDir() {
    QDir root(QStringLiteral("/usr/lib/postgresql"));
    QStringList versions = root.entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    std::sort(versions.begin(), versions.end(),
              [](const QString& a, const QString& b) { return a.toDouble() > b.toDouble(); });
    for (const QString& v : versions) {
        const QString bin = root.filePath(v + "/bin");
        if (QFileInfo(bin + "/initdb").isExecutable() && QFileInfo(bin + "/pg_ctl").isExecutable())
            return bin;
    }
    const QString initdb = QStandardPaths::findExecutable(QStringLiteral("initdb"));
    if (!initdb.isEmpty() && !QStandardPaths::findExecutable(QStringLiteral("pg_ctl")).isEmpty())
        return QFileInfo(initdb).absolutePath();
    return {};
}

core::PgConfig configOf(const PgServer& server, const QString& database) {
    core::PgConfig c;
    c.host = server.host().toStdString();
    c.port = server.port();
    c.database = database.toStdString();
    c.user = server.user().toStdString();
    return c;
}
} // namespace

PgServer::PgServer() : m_dir(QDir::tempPath() + "/sluice-pg-XXXXXX") {}

PgServer::~PgServer() {
    if (m_running)
        (void)run(QStringLiteral("pg_ctl"), {"-D", m_dir.filePath("data"), "-m", "immediate", "-w", "stop"});
}

int PgServer::freePort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0; // the kernel picks a free port
    socklen_t len = sizeof addr;
    int port = 0;
    if (fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
        port = ntohs(addr.sin_port);
    if (fd >= 0)
        ::close(fd);
    return port;
}

QString PgServer::run(const QString& binary, const QStringList& args, int timeoutMs) const {
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.setWorkingDirectory(m_dir.path()); // the postgres user may not enter the current folder
    const QString program = m_bin + "/" + binary;
    if (::geteuid() == 0) {
        p.setProgram(QStringLiteral("runuser"));
        p.setArguments(QStringList{"-u", "postgres", "--", program} + args);
    } else {
        p.setProgram(program);
        p.setArguments(args);
    }
    p.start();
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        return binary + " did not finish in time";
    }
    if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        return binary + " failed (" + QString::number(p.exitCode()) + "): " + QString::fromUtf8(p.readAll());
    return {};
}

QString PgServer::start(const QString& database, const QString& encoding) {
    m_bin = findBinDir();
    if (m_bin.isEmpty())
        return QStringLiteral("PostgreSQL server binaries (initdb, pg_ctl) were found neither under "
                              "/usr/lib/postgresql/*/bin nor on PATH: install the `postgresql` package "
                              "(installer/deps.sh lists it)");
    if (!m_dir.isValid())
        return QStringLiteral("cannot create a temporary folder: ") + m_dir.errorString();
    if (::geteuid() == 0) {
        // PostgreSQL refuses to run as root: the folder and the server belong to the postgres user.
        const passwd* pw = ::getpwnam("postgres");
        if (!pw)
            return QStringLiteral(
                "the tests run as root and there is no `postgres` system user to run the server");
        if (::chown(QFile::encodeName(m_dir.path()).constData(), pw->pw_uid, pw->pw_gid) != 0)
            return QStringLiteral("cannot give %1 to the postgres user").arg(m_dir.path());
    }
    const QString data = m_dir.filePath("data");
    if (QString err = run(QStringLiteral("initdb"), {"-D", data, "-U", "postgres", "-A", "trust", "-E",
                                                     "UTF8", "--no-locale", "--no-sync"});
        !err.isEmpty())
        return err;
    // Another process may take the chosen port before the server binds it: try a few.
    QString err;
    for (int tries = 0; tries < 3 && !m_running; ++tries) {
        m_port = freePort();
        const QString options = QStringLiteral("-p %1 -k %2 -c listen_addresses=127.0.0.1 -c fsync=off "
                                               "-c synchronous_commit=off -c full_page_writes=off")
                                    .arg(m_port)
                                    .arg(m_dir.path());
        err = run(QStringLiteral("pg_ctl"),
                  {"-D", data, "-l", m_dir.filePath("server.log"), "-w", "-t", "60", "-o", options, "start"});
        m_running = err.isEmpty();
    }
    if (!m_running) {
        QFile log(m_dir.filePath("server.log"));
        return err + (log.open(QIODevice::ReadOnly) ? "\n" + QString::fromUtf8(log.readAll()) : QString());
    }
    auto conn = core::PgConnection::connect(configOf(*this, QStringLiteral("postgres")), "test server");
    if (!conn)
        return QString::fromStdString(conn.error().message);
    const std::string with = encoding.isEmpty() ? std::string()
                                                : " ENCODING '" + encoding.toStdString() +
                                                      "' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0";
    if (auto created = conn->exec("CREATE DATABASE " + core::quoteIdent(database.toStdString()) + with);
        !created)
        return QString::fromStdString(created.error().message);
    m_database = database;
    return {};
}

std::string PgServer::configJson(const std::string& schema, const std::string& password) const {
    nlohmann::json c = {{"host", host().toStdString()},
                        {"port", m_port},
                        {"database", m_database.toStdString()},
                        {"user", user().toStdString()},
                        {"schema", schema}};
    if (!password.empty())
        c["password"] = password;
    return c.dump();
}

bool PgServer::exec(const std::string& sql) const {
    auto conn = core::PgConnection::connect(configOf(*this, m_database), "test server");
    if (!conn) {
        qWarning("%s", conn.error().message.c_str());
        return false;
    }
    if (auto st = conn->execScript(sql); !st) {
        qWarning("%s\nin: %s", st.error().message.c_str(), sql.c_str());
        return false;
    }
    return true;
}

std::vector<std::vector<std::string>> PgServer::rows(const std::string& sql) const {
    std::vector<std::vector<std::string>> out;
    auto conn = core::PgConnection::connect(configOf(*this, m_database), "test server");
    if (!conn) {
        qWarning("%s", conn.error().message.c_str());
        return out;
    }
    auto r = conn->query(sql);
    if (!r) {
        qWarning("%s\nin: %s", r.error().message.c_str(), sql.c_str());
        return out;
    }
    for (int i = 0; i < r->rows(); ++i) {
        std::vector<std::string> row;
        for (int c = 0; c < r->columns(); ++c)
            row.push_back(r->isNull(i, c) ? "NULL" : r->get(i, c));
        out.push_back(std::move(row));
    }
    return out;
}

std::vector<std::string> PgServer::tables(const std::string& schema) const {
    std::string literal = "'";
    for (char c : schema)
        literal += c == '\'' ? std::string("''") : std::string(1, c);
    std::vector<std::string> out;
    for (const auto& r : rows("SELECT tablename FROM pg_tables WHERE schemaname = " + literal +
                              "' ORDER BY tablename COLLATE \"C\""))
        out.push_back(r[0]);
    return out;
}

} // namespace sluice::test
