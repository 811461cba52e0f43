// GUI benchmark (performance target 7), run by bench.py; it reports figures and never asserts them.
//
//   bench_gui prepare --home H [--connections 100] [--jobs 10000]   a home like a long-used one
//   bench_gui window --home H     ms from main() until the window is exposed and its connection list filled
//   bench_gui stall --home H --csv FILE
//       a sync of FILE runs on a worker thread (JobRunner, as the GUI's job thread does) while the GUI thread
//       ticks a 1 ms timer; reports the gaps between ticks (event-loop stalls) and progress updates per
//       second
//
// Each mode prints one JSON object on stdout.
#include "config/connection_config.h"
#include "engine/job_runner.h"
#include "engine_bridge.h"
#include "main_window.h"
#include "store/connection_repository.h"
#include "store/job_repository.h"
#include "store/store.h"
#include "util/home.h"

#include <QAbstractItemModel>
#include <QApplication>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QMetaObject>
#include <QProgressBar>
#include <QStatusBar>
#include <QTableView>
#include <QTimer>
#include <QWindow>
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <utility>
#include <vector>

using namespace sluice;

namespace {

QElapsedTimer g_sinceMain; // started first thing in main(): the window time includes QApplication's start

struct Args {
    std::string mode, home, csv;
    int connections = 100;
    int jobs = 10000;
};

Args parseArgs(int argc, char** argv) {
    Args a;
    if (argc > 1)
        a.mode = argv[1];
    for (int i = 2; i + 1 < argc; i += 2) {
        const std::string k = argv[i], v = argv[i + 1];
        if (k == "--home")
            a.home = v;
        else if (k == "--csv")
            a.csv = v;
        else if (k == "--connections")
            a.connections = std::stoi(v);
        else if (k == "--jobs")
            a.jobs = std::stoi(v);
    }
    return a;
}

int fail(const std::string& message) {
    std::fprintf(stderr, "bench_gui: %s\n", message.c_str());
    return 1;
}

void print(const QJsonObject& o) {
    std::printf("%s\n", QJsonDocument(o).toJson(QJsonDocument::Compact).constData());
    std::fflush(stdout);
}

// Full refresh | Append of the file's one stream (named after the file, as the file source names it).
std::string connectionJson(const std::string& name, const std::string& csv, const std::string& dest) {
    const std::string stream = std::filesystem::path(csv).stem().string();
    return R"({"name":")" + name + R"(","source":{"type":"file","config":{"path":")" + csv +
           R"("}},"destination":{"type":"sqlite","config":{"path":")" + dest + R"("}},"streams":[{"name":")" +
           stream + R"(","sync_mode":"full_refresh","destination_sync_mode":"append"}],)" +
           R"("settings":{"retry":{"max_attempts":1}}})";
}

core::Result<int64_t> createConnection(core::Store& store, const std::string& home, const std::string& name,
                                       const std::string& csv) {
    auto config =
        core::parseConnectionJson(connectionJson(name, csv, home + "/" + name + ".sqlite"), "bench", home);
    if (!config)
        return config.error();
    return core::ConnectionRepository(store.db()).create(config.value());
}

// The home (created when missing) and its store.
core::Result<std::pair<std::string, core::Store>> openHome(const std::string& dir) {
    auto home = core::resolveHome(dir);
    if (!home)
        return home.error();
    auto store = core::Store::openInHome(home.value());
    if (!store)
        return store.error();
    return std::make_pair(home.value(), std::move(store.value()));
}

int prepare(const Args& a) {
    auto opened = openHome(a.home);
    if (!opened)
        return fail(opened.error().message);
    auto& [home, store] = opened.value();
    // Setup speed only: the figures measured later do not depend on how durably this was written.
    (void)store.db().exec("PRAGMA synchronous=OFF");
    core::JobRepository jobs(store.db());
    const int perConnection = std::max(1, a.jobs / std::max(1, a.connections));
    for (int c = 0; c < a.connections; ++c) {
        auto id = createConnection(store, home, "conn-" + std::to_string(c), home + "/data.csv");
        if (!id)
            return fail(id.error().message);
        for (int j = 0; j < perConnection; ++j) {
            auto job = jobs.startJob(id.value(), "sync", "");
            if (!job)
                return fail(job.error().message);
            auto attempt = jobs.startAttempt(job.value());
            if (!attempt)
                return fail(attempt.error().message);
            (void)jobs.addCommitted(job.value(), attempt.value(), 1000);
            (void)jobs.finishAttempt(job.value(), attempt.value(), core::JobStatus::Succeeded, "");
            (void)jobs.finishJob(job.value(), core::JobStatus::Succeeded, "");
        }
    }
    print(QJsonObject{{"connections", a.connections}, {"jobs", perConnection * a.connections}});
    return 0;
}

int window(const Args& a, QApplication& app) {
    ui::EngineBridge engine(QString::fromStdString(a.home));
    ui::MainWindow w(&engine);
    w.show();
    QAbstractItemModel* model = w.connectionView()->model();
    double exposedMs = -1, filledMs = -1;
    QElapsedTimer guard;
    guard.start();
    while ((exposedMs < 0 || filledMs < 0) && guard.elapsed() < 30000) {
        app.processEvents(QEventLoop::AllEvents, 5);
        if (exposedMs < 0 && w.windowHandle() && w.windowHandle()->isExposed())
            exposedMs = g_sinceMain.nsecsElapsed() / 1e6;
        if (filledMs < 0 && model->rowCount() >= a.connections)
            filledMs = g_sinceMain.nsecsElapsed() / 1e6;
    }
    print(QJsonObject{
        {"window_exposed_ms", exposedMs}, {"list_filled_ms", filledMs}, {"rows", model->rowCount()}});
    return exposedMs >= 0 && filledMs >= 0 ? 0 : 1;
}

// Forwards the job's progress to the GUI thread the way the GUI's job thread does: queued, never blocking.
class ProgressForwarder : public core::JobObserver {
public:
    explicit ProgressForwarder(QObject* gui, std::function<void(qint64, qint64)> onProgress)
        : m_gui(gui), m_onProgress(std::move(onProgress)) {}
    void streamProgress(int64_t, const std::string&, int64_t committed, int64_t estimate) override {
        QMetaObject::invokeMethod(
            m_gui, [f = m_onProgress, committed, estimate] { f(committed, estimate); }, Qt::QueuedConnection);
    }

private:
    QObject* m_gui;
    std::function<void(qint64, qint64)> m_onProgress;
};

double percentile(std::vector<double> v, double p) {
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5))];
}

int stall(const Args& a, QApplication& app) {
    std::string homeDir;
    {
        auto opened = openHome(a.home);
        if (!opened)
            return fail(opened.error().message);
        homeDir = opened->first;
        if (auto id = createConnection(opened->second, homeDir, "bench", a.csv); !id)
            return fail(id.error().message);
    }
    ui::EngineBridge engine(QString::fromStdString(homeDir));
    ui::MainWindow w(&engine);
    auto* bar = new QProgressBar;
    auto* label = new QLabel;
    w.statusBar()->addPermanentWidget(label);
    w.statusBar()->addPermanentWidget(bar);
    w.show();

    QElapsedTimer clock;
    clock.start();
    std::vector<double> gapsMs;
    gapsMs.reserve(1 << 20);
    qint64 lastTick = -1;
    bool syncing = false;
    QTimer tick;
    tick.setTimerType(Qt::PreciseTimer);
    tick.setInterval(1);
    QObject::connect(&tick, &QTimer::timeout, [&] {
        const qint64 now = clock.nsecsElapsed();
        if (syncing && lastTick >= 0)
            gapsMs.push_back((now - lastTick) / 1e6);
        lastTick = now;
    });
    tick.start();

    int updates = 0;
    double lastUpdateMs = 0, maxUpdateGapMs = 0, startMs = 0, endMs = 0;
    std::string outcome;
    ProgressForwarder observer(&app, [&](qint64 committed, qint64 estimate) {
        const double now = clock.nsecsElapsed() / 1e6;
        maxUpdateGapMs = std::max(maxUpdateGapMs, now - lastUpdateMs);
        lastUpdateMs = now;
        ++updates;
        if (estimate > 0) {
            bar->setRange(0, 1000);
            bar->setValue(static_cast<int>(std::min<qint64>(1000, committed * 1000 / estimate)));
        }
        label->setText(QStringLiteral("%L1 records").arg(committed));
    });

    std::thread worker;
    QTimer::singleShot(200, [&] { // the window is up and idle first, as when a user clicks "Sync"
        syncing = true;
        startMs = lastUpdateMs = clock.nsecsElapsed() / 1e6;
        worker = std::thread([&] {
            auto store = core::Store::openInHome(homeDir); // one connection per thread
            std::string result = store ? "" : store.error().message;
            if (store) {
                core::JobOptions options;
                options.observer = &observer;
                core::JobRunner runner(store.value(), options);
                auto connection = core::ConnectionRepository(store->db()).find("bench");
                auto run = connection ? runner.run(connection.value(), core::JobRequest{})
                                      : core::Result<core::JobOutcome>(connection.error());
                result = !run ? run.error().message : std::string(core::toText(run->status));
            }
            QMetaObject::invokeMethod(
                &app,
                [&, result] {
                    endMs = clock.nsecsElapsed() / 1e6;
                    syncing = false;
                    outcome = result;
                    app.quit();
                },
                Qt::QueuedConnection);
        });
    });
    app.exec();
    worker.join();
    const double seconds = (endMs - startMs) / 1e3;
    print(QJsonObject{{"status", QString::fromStdString(outcome)},
                      {"sync_s", seconds},
                      {"ticks", static_cast<qint64>(gapsMs.size())},
                      {"stall_p50_ms", percentile(gapsMs, 0.50)},
                      {"stall_p99_ms", percentile(gapsMs, 0.99)},
                      {"stall_max_ms", gapsMs.empty() ? 0 : *std::max_element(gapsMs.begin(), gapsMs.end())},
                      {"progress_updates", updates},
                      {"progress_per_s", seconds > 0 ? updates / seconds : 0},
                      {"progress_max_gap_ms", maxUpdateGapMs}});
    return outcome == "succeeded" ? 0 : 1;
}

} // namespace

int main(int argc, char** argv) {
    g_sinceMain.start();
    const Args a = parseArgs(argc, argv);
    if (a.mode == "prepare" && !a.home.empty())
        return prepare(a);
    QApplication app(argc, argv);
    // Its own settings: the window's saved geometry must not touch a real user's.
    QApplication::setOrganizationName(QStringLiteral("sluice-bench"));
    QApplication::setApplicationName(QStringLiteral("bench_gui"));
    if (a.mode == "window" && !a.home.empty())
        return window(a, app);
    if (a.mode == "stall" && !a.home.empty() && !a.csv.empty())
        return stall(a, app);
    return fail("usage: bench_gui prepare|window|stall --home DIR [--csv FILE] [--connections N] [--jobs N]");
}
