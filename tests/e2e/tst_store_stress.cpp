// One home, many processes: three `sluicectl sync` processes on three connections, the GUI's engine syncing a
// fourth and polling, and reader processes (`jobs`, `connection list`) all share sluice.db and one warehouse
// file, round after round. Every job must succeed and nobody may ever see "database is locked" or "busy":
// a lock is waited for, never reported.
#include "e2e_home.h"
#include "engine/engine.h"
#include "util/logging.h"

#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QtTest>
#include <memory>

using namespace sluice::test;

namespace {

constexpr int kRounds = 30;
constexpr int kRows = 40;

// Two streams per connection, named after it so that the four never share a table of the warehouse:
// `orders_K` replaced each job (a new generation, staging and a swap), `events_K` appended each job.
QByteArray connectionJson(int k) {
    return QStringLiteral(R"({"name": "c%1",
      "source": {"type": "file", "config": {"path": "data%1"}},
      "destination": {"type": "sqlite", "config": {"path": "warehouse.sqlite"}},
      "streams": [{"name": "orders_%1", "sync_mode": "full_refresh", "destination_sync_mode": "overwrite"},
                  {"name": "events_%1", "sync_mode": "full_refresh", "destination_sync_mode": "append"}],
      "settings": {"state_checkpoint_interval": 5, "retry": {"max_attempts": 1}}})")
        .arg(k)
        .toUtf8();
}

QByteArray rowsJsonl(int k) {
    QByteArray out;
    for (int i = 1; i <= kRows; ++i)
        out +=
            QStringLiteral(R"({"id": %1, "connection": %2, "name": "row %1"})").arg(i).arg(k).toUtf8() + "\n";
    return out;
}

bool mentionsLock(const QString& text) {
    return text.contains(QLatin1String("locked"), Qt::CaseInsensitive) ||
           text.contains(QLatin1String("busy"), Qt::CaseInsensitive);
}

class Processes {
public:
    explicit Processes(QString home) : m_home(std::move(home)) {}

    QProcess* start(const QStringList& args) {
        auto p = std::make_unique<QProcess>();
        p->setProgram(qEnvironmentVariable("SLUICECTL"));
        p->setArguments(QStringList{"--home", m_home} + args);
        p->start();
        m_running.push_back(std::move(p));
        return m_running.back().get();
    }

    // Waits for every process started since the last call; returns the first failure (a non-zero exit or
    // a lock message on stderr), or an empty string.
    QString finish() {
        QString failure;
        for (auto& p : m_running) {
            const QString what = p->arguments().mid(2).join(' ');
            // waitForFinished() is false for a process that finished already.
            if (p->state() != QProcess::NotRunning && !p->waitForFinished(120000)) {
                p->kill();
                p->waitForFinished();
                failure = failure.isEmpty() ? "`" + what + "` did not finish" : failure;
                continue;
            }
            ++m_finished;
            const QString err = QString::fromUtf8(p->readAllStandardError());
            if (failure.isEmpty() && (p->exitStatus() != QProcess::NormalExit || p->exitCode() != 0))
                failure = "`" + what + "` exited " + QString::number(p->exitCode()) + ": " + err;
            else if (failure.isEmpty() && mentionsLock(err))
                failure = "`" + what + "` printed: " + err;
        }
        m_running.clear();
        return failure;
    }

    int finished() const { return m_finished; }

private:
    QString m_home;
    std::vector<std::unique_ptr<QProcess>> m_running;
    int m_finished = 0;
};

} // namespace

class TestStoreStress : public QObject {
    Q_OBJECT
private slots:
    void syncsEngineAndReadersShareOneHome() {
        sluice::core::registerEngineMetaTypes();
        E2eHome h;
        // The engine logs into the home's log file, as in the GUI: that file is searched for lock messages
        // too.
        sluice::core::initLogging(h.home().toStdString());
        QStringList ids;
        for (int k = 1; k <= 4; ++k) {
            QDir().mkpath(h.path(QStringLiteral("data%1").arg(k)));
            h.write(QStringLiteral("data%1/orders_%1.jsonl").arg(k), rowsJsonl(k));
            h.write(QStringLiteral("data%1/events_%1.jsonl").arg(k), rowsJsonl(k));
            ids << h.createConnection(connectionJson(k));
            QVERIFY2(!ids.back().isEmpty(), "connection create failed");
        }
        const qint64 engineConnection = ids[3].toLongLong();

        sluice::core::EngineThread engineThread(h.home().toStdString());
        auto* engine = engineThread.engine();
        QStringList engineProblems;
        QVector<sluice::core::JobFinished> engineJobs;
        connect(engine, &sluice::core::Engine::errorOccurred, this,
                [&](const QString& m) { engineProblems << m; });
        connect(engine, &sluice::core::Engine::jobRejected, this,
                [&](const sluice::core::JobRejected& r) { engineProblems << "rejected: " + r.reason; });
        // The engine also reports the sluicectl jobs it follows: only its own connection's count here.
        connect(engine, &sluice::core::Engine::jobFinished, this, [&](const sluice::core::JobFinished& f) {
            if (f.connectionId == engineConnection)
                engineJobs << f;
        });
        engine->setSchedulerInterval(0);
        engine->setWatchInterval(20);
        engine->refreshConnections();

        QElapsedTimer clock;
        clock.start();
        Processes syncs(h.home()), readers(h.home());
        int readerBatches = 0;
        for (int round = 1; round <= kRounds; ++round) {
            std::vector<QProcess*> running;
            for (int k = 0; k < 3; ++k)
                running.push_back(syncs.start({"sync", ids[k], "--json"}));
            engine->startSync(engineConnection);
            auto syncing = [&] {
                return std::any_of(running.begin(), running.end(),
                                   [](QProcess* p) { return p->state() != QProcess::NotRunning; });
            };
            // Readers keep coming while the syncs write, as a user watching from a terminal would.
            do {
                readers.start({"jobs", ids[readerBatches % 4], "--json"});
                readers.start({"connection", "list", "--json"});
                engine->loadJobs(engineConnection);
                engine->refreshConnections();
                ++readerBatches;
                const QString failure = readers.finish();
                QVERIFY2(failure.isEmpty(),
                         qPrintable(QStringLiteral("round %1: %2").arg(round).arg(failure)));
                QCoreApplication::processEvents();
            } while (syncing());
            const QString failure = syncs.finish();
            QVERIFY2(failure.isEmpty(), qPrintable(QStringLiteral("round %1: %2").arg(round).arg(failure)));
            QTRY_VERIFY_WITH_TIMEOUT(engineJobs.size() == round || !engineProblems.isEmpty(), 60000);
            QVERIFY2(engineProblems.isEmpty(), qPrintable(engineProblems.join('\n')));
            QVERIFY2(engineJobs.back().status == QLatin1String("succeeded"),
                     qPrintable(QStringLiteral("round %1: engine job %2 %3: %4")
                                    .arg(round)
                                    .arg(engineJobs.back().jobId)
                                    .arg(engineJobs.back().status, engineJobs.back().message)));
        }
        const qint64 ms = clock.elapsed();

        int jobs = 0;
        for (const QString& id : ids) {
            const QJsonArray list = h.cliJson({"jobs", id}).array();
            QCOMPARE(list.size(), kRounds);
            for (const auto& j : list) {
                const QJsonObject job = j.toObject();
                QVERIFY2(job["status"].toString() == QLatin1String("succeeded"),
                         qPrintable(QString::fromUtf8(QJsonDocument(job).toJson())));
                ++jobs;
            }
            const int k = ids.indexOf(id) + 1;
            QCOMPARE(h.rows(QStringLiteral("SELECT count(*) FROM orders_%1").arg(k).toStdString()),
                     (Rows{{std::to_string(kRows)}}));
            QCOMPARE(h.rows(QStringLiteral("SELECT count(*) FROM events_%1").arg(k).toStdString()),
                     (Rows{{std::to_string(kRows * kRounds)}}));
        }
        const QString store = h.home() + "/sluice.db";
        QCOMPARE(queryRows(store,
                           "SELECT count(*) FROM job_logs WHERE message LIKE '%locked%' OR message LIKE "
                           "'%busy%' OR message LIKE '%SQLITE_BUSY%'"),
                 (Rows{{"0"}}));
        QCOMPARE(
            queryRows(store, "SELECT count(*) FROM jobs WHERE status <> 'succeeded' OR error IS NOT NULL"),
            (Rows{{"0"}}));
        QDirIterator logs(h.home() + "/logs", QDir::Files);
        int logFiles = 0;
        while (logs.hasNext()) {
            QFile f(logs.next());
            QVERIFY(f.open(QIODevice::ReadOnly));
            ++logFiles;
            for (const QByteArray& line : f.readAll().split('\n'))
                QVERIFY2(!mentionsLock(QString::fromUtf8(line)), line.constData());
        }
        QVERIFY(logFiles >= 1);
        QCOMPARE(queryRows(store, "PRAGMA integrity_check"), (Rows{{"ok"}}));
        qInfo("%d rounds: %d jobs (3 CLI syncs + 1 engine sync per round), 0 failed; %d processes; %d reader "
              "batches; %lld ms",
              kRounds, jobs, syncs.finished() + readers.finished(), readerBatches,
              static_cast<long long>(ms));
    }
};

QTEST_GUILESS_MAIN(TestStoreStress)
#include "tst_store_stress.moc"
