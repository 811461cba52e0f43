#include "e2e_home.h"

#include <QtTest>

namespace sluice::test {

E2eHome::E2eHome() { QDir().mkpath(home()); }

QString E2eHome::write(const QString& relative, const QByteArray& content) const {
    return writeFile(path(relative), content);
}

QString E2eHome::createConnection(const QByteArray& json) const {
    static int n = 0;
    const QString file = write(QStringLiteral("connection-%1.json").arg(++n), json);
    auto r = runCli(home(), {"connection", "create", file});
    if (r.exitCode != 0)
        qWarning("connection create failed: %s", qPrintable(r.err));
    return r.out.trimmed();
}

QJsonDocument E2eHome::cliJson(const QStringList& args, int expectedExit) const {
    auto r = runCli(home(), args + QStringList{"--json"});
    if (r.exitCode != expectedExit)
        qWarning("sluicectl %s exited %d: %s", qPrintable(args.join(' ')), r.exitCode, qPrintable(r.err));
    return QJsonDocument::fromJson(r.out.toUtf8());
}

std::vector<std::string> E2eHome::tables() const {
    std::vector<std::string> out;
    for (const auto& row : rows("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"))
        out.push_back(row[0]);
    return out;
}

} // namespace sluice::test
