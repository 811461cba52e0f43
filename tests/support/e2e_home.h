#pragma once

#include "test_support.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QString>
#include <QTemporaryDir>

#include <string>
#include <vector>

namespace sluice::test {

// A throwaway Sluice home with a data folder and a SQLite warehouse, driven through the real sluicectl.
class E2eHome {
public:
    E2eHome();

    QString home() const { return m_dir.path() + "/home"; }
    QString path(const QString& relative) const { return m_dir.path() + "/" + relative; }
    QString warehouse() const { return path("warehouse.sqlite"); }

    QString write(const QString& relative, const QByteArray& content) const;
    // Writes a connection file (relative paths resolve against the temp folder) and creates it; returns its id.
    QString createConnection(const QByteArray& json) const;
    CliRun cli(const QStringList& args) const { return runCli(home(), args); }
    // Runs a command with --json that must succeed with `expectedExit`; returns the parsed document.
    QJsonDocument cliJson(const QStringList& args, int expectedExit = 0) const;
    std::vector<std::vector<std::string>> rows(const std::string& sql) const { return queryRows(warehouse(), sql); }
    std::vector<std::string> tables() const;

private:
    QTemporaryDir m_dir;
};

using Rows = std::vector<std::vector<std::string>>;

} // namespace sluice::test
