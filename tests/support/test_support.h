#pragma once

#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <string>
#include <vector>

// QVERIFY for a Status or Result: fails with the error's message.
#define SLUICE_VERIFY_OK(expr)                                                                               \
    do {                                                                                                     \
        const auto& sluice_verify_ = (expr);                                                                 \
        QVERIFY2(sluice_verify_.ok(), sluice_verify_.ok() ? "" : sluice_verify_.error().message.c_str());    \
    } while (0)

namespace sluice::test {

// Path of a fixture under tests/data.
QString dataPath(const QString& relative);

// Writes text to a file (creating folders); returns the absolute path.
QString writeFile(const QString& path, const QByteArray& content);

// Result of running sluicectl as a child process.
struct CliRun {
    int exitCode = -1;
    QString out;
    QString err;
};

// Runs the built sluicectl with --home home and the given arguments; waits up to timeoutMs.
CliRun runCli(const QString& home, const QStringList& args, int timeoutMs = 120000);

// Creates a connection in a home before an engine starts (what `sluicectl connection create` does); the home
// then counts as initialised, so no demo is added. Returns the id; a bad connection ends the test run.
qint64 createConnection(const QString& home, const QString& json);

// The process id a fake connector wrote to `pidFile` (its `pid_file` option); 0 while there is none.
qint64 pidInFile(const QString& pidFile);
// True when the process `pid` (> 0) no longer exists.
bool processGone(qint64 pid);

// Reads a whole query result from a SQLite file as rows of strings ("NULL" for null), for exact comparisons.
std::vector<std::vector<std::string>> queryRows(const QString& dbPath, const std::string& sql);

} // namespace sluice::test
