#include "test_support.h"

#include "config/connection_config.h"
#include "engine/first_start.h"
#include "store/connection_repository.h"
#include "store/store.h"
#include "util/sqlite_db.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QtTest>
#include <cerrno>
#include <csignal>

namespace sluice::test {

QString dataPath(const QString& relative) { return qEnvironmentVariable("SLUICE_TEST_DATA") + "/" + relative; }

qint64 createConnection(const QString& home, const QString& json) {
    auto store = core::Store::openInHome(home.toStdString());
    if (!store)
        qFatal("%s", store.error().message.c_str());
    auto c = core::parseConnectionJson(json.toStdString(), "test", home.toStdString());
    if (!c)
        qFatal("%s", c.error().message.c_str());
    core::ConnectionRepository repo(store->db());
    auto id = repo.create(c.value());
    if (!id)
        qFatal("%s", id.error().message.c_str());
    (void)core::initialiseHome(store->db(), home.toStdString());
    return id.value();
}

qint64 pidInFile(const QString& pidFile) {
    QFile f(pidFile);
    return f.open(QIODevice::ReadOnly) ? f.readAll().trimmed().toLongLong() : 0;
}

bool processGone(qint64 pid) {
    return pid > 0 && ::kill(pid_t(pid), 0) != 0 && errno == ESRCH;
}

QString writeFile(const QString& path, const QByteArray& content) {
    QFileInfo info(path);
    QDir().mkpath(info.absolutePath());
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        qFatal("cannot write %s", qPrintable(path));
    f.write(content);
    return info.absoluteFilePath();
}

CliRun runCli(const QString& home, const QStringList& args, int timeoutMs) {
    QProcess p;
    p.setProgram(qEnvironmentVariable("SLUICECTL"));
    p.setArguments(QStringList{QStringLiteral("--home"), home} + args);
    p.start();
    CliRun r;
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        r.err = QStringLiteral("timed out");
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

std::vector<std::vector<std::string>> queryRows(const QString& dbPath, const std::string& sql) {
    std::vector<std::vector<std::string>> rows;
    auto db = core::Database::open(dbPath.toStdString(), core::Database::Mode::ReadOnly);
    if (!db)
        qFatal("cannot open %s: %s", qPrintable(dbPath), db.error().message.c_str());
    auto st = db->prepare(sql);
    if (!st)
        qFatal("bad query %s: %s", sql.c_str(), st.error().message.c_str());
    while (true) {
        auto r = st->step();
        if (!r || !r.value())
            break;
        std::vector<std::string> row;
        for (int c = 0; c < st->columnCount(); ++c)
            row.push_back(st->isNull(c) ? "NULL" : st->getText(c));
        rows.push_back(std::move(row));
    }
    return rows;
}

} // namespace sluice::test
