// Connector images (`"image": ...` instead of `"command"`), through the real sluicectl: the argv Sluice
// builds and the clear errors when no engine is installed or the image is missing (a stand-in `podman` on
// PATH for those), and a real sync of an image FROM scratch built by podman, skipped where podman cannot
// run containers.
#include "e2e_home.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QProcess>
#include <QtTest>
#include <nlohmann/json.hpp>

using namespace sluice::test;
using nlohmann::json;

namespace {

const char* const kImage = "localhost/sluice-tiny-source:test";

QByteArray connection(const json& source) {
    json c = {{"name", "image"},
              {"source", {{"type", "airbyte"}, {"config", source}}},
              {"destination", {{"type", "sqlite"}, {"config", {{"path", "warehouse.sqlite"}}}}},
              {"streams",
               {{{"name", "items"}, {"sync_mode", "full_refresh"}, {"destination_sync_mode", "overwrite"}}}},
              {"settings", {{"retry", {{"max_attempts", 1}}}}}};
    return QByteArray::fromStdString(c.dump());
}

// Sets PATH for this test process (and so for sluicectl) until the end of the scope.
class PathOverride {
public:
    explicit PathOverride(const QString& path) : m_old(qgetenv("PATH")) { qputenv("PATH", path.toUtf8()); }
    ~PathOverride() { qputenv("PATH", m_old); }

private:
    QByteArray m_old;
};

struct Ran {
    int exitCode = -1;
    QString out;
};

Ran run(const QString& program, const QStringList& args, int timeoutMs = 180000) {
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(program, args);
    if (!p.waitForStarted(10000) || !p.waitForFinished(timeoutMs))
        return {-1, program + " did not run: " + p.errorString()};
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAll())};
}

} // namespace

class TestAirbyteImage : public QObject {
    Q_OBJECT

private slots:
    void noContainerEngineIsAClearError() {
        E2eHome h;
        QVERIFY(QDir().mkpath(h.path("empty-bin")));
        const QString file = h.write("image.json", connection({{"image", "airbyte/source-faker:6.2.1"}}));
        PathOverride path(h.path("empty-bin"));
        const CliRun r = h.cli({"connection", "create", file});
        QCOMPARE(r.exitCode, 2);
        QCOMPARE(r.err, "sluicectl: " + file +
                            ": the source's `image` runs with docker or podman, and neither is on PATH; "
                            "install one (Debian: `apt-get install podman`), or run the connector with "
                            "`command`\n");
    }

    // A stand-in podman that records its argv and answers as podman does for an image it cannot pull.
    void missingImageIsAClearErrorAndTheCommandLineIsThePlatforms() {
        E2eHome h;
        QVERIFY(QDir().mkpath(h.path("bin")));
        const QString fake = h.write("bin/podman", QByteArray("#!/bin/sh\nprintf '%s\\n' \"$@\" > \"") +
                                                       h.path("argv").toUtf8() +
                                                       "\"\necho 'Trying to pull localhost/nope:1...' >&2\n"
                                                       "echo 'Error: localhost/nope:1: image not known' >&2\n"
                                                       "exit 125\n");
        QVERIFY(QFile::setPermissions(fake, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
        const QString file =
            h.write("image.json", connection({{"image", "localhost/nope:1"}, {"network", "none"}}));
        PathOverride path(h.path("bin") + ":" + qgetenv("PATH"));
        const CliRun r = h.cli({"connection", "create", file});
        QCOMPARE(r.exitCode, 2);
        QCOMPARE(r.err, "sluicectl: " + file +
                            ": podman could not run the image `localhost/nope:1`: Trying to pull "
                            "localhost/nope:1...\nError: localhost/nope:1: image not known\n");
        QFile argv(h.path("argv"));
        QVERIFY(argv.open(QIODevice::ReadOnly));
        const QStringList args = QString::fromUtf8(argv.readAll()).split('\n', Qt::SkipEmptyParts);
        QCOMPARE(args.mid(0, 5), (QStringList{"run", "--rm", "-i", "--network", "none"}));
        QCOMPARE(args.value(5), QStringLiteral("-v"));
        const QString dir = args.value(6).section(':', 0, 0);
        QCOMPARE(args.value(6), dir + ":" + dir); // the run's private folder, at the same path inside
        QCOMPARE(args.mid(7), (QStringList{"localhost/nope:1", "spec"}));
    }

    void imageAndCommandTogetherAreRefused() {
        E2eHome h;
        const QString file =
            h.write("both.json", connection({{"image", "localhost/nope:1"}, {"command", {"true"}}}));
        const CliRun r = h.cli({"connection", "create", file});
        QCOMPARE(r.exitCode, 2);
        QCOMPARE(r.err, "sluicectl: " + file + ": set either `command` or `image`, not both\n");
    }

    // The real thing: podman builds an image FROM scratch holding a static program that speaks the
    // protocol, and a sync runs it with the config and catalog mounted.
    void syncRunsAConnectorImageWithPodman() {
        if (QStandardPaths::findExecutable("podman").isEmpty())
            QSKIP("podman is not installed (Debian: apt-get install podman)");
        if (QStandardPaths::findExecutable("cc").isEmpty())
            QSKIP("no C compiler to build the image's static program");
        QTemporaryDir build;
        const QString data = qEnvironmentVariable("SLUICE_TEST_DATA") + "/connectors/image";
        const Ran cc =
            run("cc", {"-static", "-O2", "-o", build.filePath("tiny_source"), data + "/tiny_source.c"});
        if (cc.exitCode != 0)
            QSKIP(qPrintable("cannot build a static program (libc.a missing?): " + cc.out));
        QVERIFY(QFile::copy(data + "/Containerfile", build.filePath("Containerfile")));
        const Ran built = run("podman", {"build", "-t", kImage, build.path()});
        if (built.exitCode != 0)
            QSKIP(qPrintable("podman cannot build images here: " + built.out.right(400)));
        QString probe = run("podman", {"run", "--rm", "--network", "none", kImage, "spec"}).out;
        if (!probe.contains("\"SPEC\"")) {
            // Inside a container podman may lack the capability to raise rlimits, or crun cgroup v1
            // support: a containers.conf for this test only, with lower limits and runc when installed.
            QString conf = "[containers]\ndefault_ulimits = [\"nofile=1024:1024\", \"nproc=1024:1024\"]\n";
            if (!QStandardPaths::findExecutable("runc").isEmpty())
                conf += "[engine]\nruntime = \"runc\"\n";
            QFile f(build.filePath("containers.conf"));
            QVERIFY(f.open(QIODevice::WriteOnly) && f.write(conf.toUtf8()) > 0);
            f.close();
            qputenv("CONTAINERS_CONF", build.filePath("containers.conf").toUtf8());
            const QString second = run("podman", {"run", "--rm", "--network", "none", kImage, "spec"}).out;
            if (!second.contains("\"SPEC\""))
                QSKIP(qPrintable("podman cannot run containers here: " + probe.right(300) + " / with " +
                                 "lower rlimits and runc: " + second.right(300)));
        }

        E2eHome h;
        const QString id = h.createConnection(
            connection({{"image", kImage}, {"network", "none"}, {"container_engine", "podman"}}));
        QVERIFY(!id.isEmpty());
        const CliRun checked = h.cli({"check", id});
        QVERIFY2(checked.exitCode == 0, qPrintable(checked.out + checked.err));
        auto synced = h.cliJson({"sync", id});
        QCOMPARE(synced["status"].toString(), QStringLiteral("succeeded"));
        QCOMPARE(synced["records_committed"].toInt(), 3);
        QCOMPARE(h.rows("SELECT id FROM items ORDER BY id"), (Rows{{"1"}, {"2"}, {"3"}}));
    }
};

QTEST_GUILESS_MAIN(TestAirbyteImage)
#include "tst_airbyte_image.moc"
