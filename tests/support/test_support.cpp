#include "test_support.h"

#include "util/sqlite_db.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QtTest>

namespace sluice::test {

QString dataPath(const QString& relative) { return qEnvironmentVariable("SLUICE_TEST_DATA") + "/" + relative; }

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
