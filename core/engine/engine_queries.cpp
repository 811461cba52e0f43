// Connections, streams and jobs as the GUI shows them, read from Sluice's database.
#include "engine/engine_queries.h"

#include "destinations/destination.h"
#include "engine/connection_destination.h"
#include "engine/stream_choice.h"
#include "engine/stream_lookup.h"
#include "store/connection_repository.h"
#include "store/job_repository.h"
#include "store/state_repository.h"

#include <QDateTime>
#include <map>
#include <type_traits>

namespace sluice::core {

namespace {
QString q(const std::string& s) {
    return QString::fromStdString(s);
}

// The GUI's values carry statuses and actions in the text form `sluicectl jobs --json` uses.
template <typename E> QString q(E value) requires std::is_enum_v<E> {
    const std::string_view text = toText(value);
    return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

std::optional<Clock::TimePoint> parseIso(const std::string& iso) {
    const QDateTime t = QDateTime::fromString(q(iso), Qt::ISODateWithMs);
    if (!t.isValid())
        return std::nullopt;
    return Clock::TimePoint(std::chrono::milliseconds(t.toMSecsSinceEpoch()));
}

// The last job that touched each stream: its status, message and end.
struct LastRun {
    JobStreamStatus status = JobStreamStatus::Pending;
    std::string message, endedAt;
    bool running = false;
};

std::map<std::string, LastRun> lastRunPerStream(JobRepository& jobs, int64_t connectionId,
                                                size_t streamCount) {
    std::map<std::string, LastRun> out;
    auto list = jobs.jobsOf(connectionId, 50);
    if (!list)
        return out;
    for (const auto& j : list.value()) {
        auto streams = jobs.streams(j.id);
        if (!streams)
            continue;
        for (const auto& s : streams.value()) {
            const std::string key = s.ns + "\x1f" + s.name;
            if (out.count(key))
                continue;
            out[key] = {s.status, s.message, j.endedAt, j.status == JobStatus::Running};
        }
        if (out.size() >= streamCount)
            break;
    }
    return out;
}
} // namespace

ConnectionSummary summarizeConnection(Database& store, const ConnectionConfig& c) {
    ConnectionSummary s;
    s.id = c.id;
    s.name = q(c.name);
    s.sourceType = q(c.source.type);
    s.destinationType = q(c.destination.type);
    s.schedule = q(scheduleToString(c.settings.schedule));
    s.streamCount = static_cast<int>(c.streams.size());
    s.status = QStringLiteral("idle");

    JobRepository jobs(store);
    auto recent = jobs.jobsOf(c.id, 10);
    const JobRecord* lastFinished = nullptr;
    if (recent) {
        for (const auto& j : recent.value()) {
            if (j.status == JobStatus::Running && !s.runningJobId)
                s.runningJobId = j.id;
            if (!lastFinished && !j.endedAt.empty())
                lastFinished = &j;
        }
    }
    if (lastFinished)
        s.lastSync = q(lastFinished->endedAt);

    ConnectionRepository repo(store);
    QStringList blocked;
    for (const auto& st : c.streams)
        if (auto reason = repo.blockedReason(c.id, st.ns, st.name); reason && reason.value() && st.selected)
            blocked << QStringLiteral("%1: %2").arg(q(st.name), q(*reason.value()));
    StateRepository states(store);
    auto pending = states.pendingRefreshes(c.id);
    QStringList pendingNames;
    if (pending)
        for (const auto& p : pending.value())
            pendingNames << q(p.name);

    if (s.runningJobId) {
        s.status = QStringLiteral("running");
    } else if (!blocked.isEmpty()) {
        s.status = QStringLiteral("needs attention");
        s.statusMessage = blocked.join(QLatin1Char('\n'));
    } else if (lastFinished && lastFinished->status == JobStatus::Failed) {
        s.status = QStringLiteral("failed");
        s.statusMessage = q(lastFinished->error);
    } else if (!pendingNames.isEmpty()) {
        s.status = QStringLiteral("refresh pending");
        s.statusMessage = QStringLiteral("A refresh of %1 has not completed yet; the next job continues it.")
                              .arg(pendingNames.join(QStringLiteral(", ")));
    }
    return s;
}

ScheduledConnection scheduledConnection(Database& store, const ConnectionConfig& c) {
    ScheduledConnection sc;
    sc.id = c.id;
    sc.schedule = c.settings.schedule;
    JobRepository jobs(store);
    if (auto last = jobs.jobsOf(c.id, 1); last && !last->empty()) {
        sc.lastRun = parseIso(last->front().startedAt);
        sc.jobRunning = last->front().status == JobStatus::Running;
    }
    StateRepository states(store);
    auto pending = states.pendingRefreshes(c.id);
    sc.refreshPending = pending && !pending->empty();
    return sc;
}

QVector<PendingRefreshInfo> pendingRefreshInfos(Database& store, const ConnectionConfig& c) {
    QVector<PendingRefreshInfo> out;
    auto pending = StateRepository(store).pendingRefreshes(c.id);
    if (!pending)
        return out;
    for (const auto& cfg : c.streams)
        for (const auto& p : pending.value())
            if (p.ns == cfg.ns && p.name == cfg.name)
                out.push_back({q(cfg.name), q(p.kind)});
    return out;
}

ConnectionDetails connectionDetails(Database& store, const ConnectionConfig& c) {
    ConnectionDetails d;
    d.id = c.id;
    d.name = q(c.name);
    d.sourceType = q(c.source.type);
    d.destinationType = q(c.destination.type);
    ConnectionConfig fileFormat = c;
    fileFormat.id = 0; // the file format has no id: the store gives it
    d.json = q(connectionToJson(fileFormat, true));

    ConnectionRepository repo(store);
    StateRepository states(store);
    JobRepository jobs(store);
    std::map<std::string, std::string> pending;
    if (auto p = states.pendingRefreshes(c.id))
        for (const auto& x : p.value())
            pending[x.ns + "\x1f" + x.name] = x.kind;
    d.refreshPending = !pending.empty();
    d.pendingRefreshes = pendingRefreshInfos(store, c);
    if (auto running = jobs.runningJob(c.id); running && running.value())
        d.runningJobId = running.value()->id;
    if (auto last = jobs.jobsOf(c.id, 1); last && !last->empty())
        d.lastJobStartedAt = q(last->front().startedAt);
    const auto lastRuns = lastRunPerStream(jobs, c.id, c.streams.size());
    auto dest = makeDestinationFor(c);

    for (const auto& cfg : c.streams) {
        const std::string key = cfg.ns + "\x1f" + cfg.name;
        StreamInfo info;
        info.name = cfg.name;
        info.ns = cfg.ns;
        bool known = false;
        if (auto stored = repo.streamSchema(c.id, cfg.ns, cfg.name); stored && stored.value())
            if (auto parsed = streamFromJson(*stored.value())) {
                info = parsed.value();
                known = true;
            }
        StreamRow row = streamRowOf(info, known, cfg);
        if (auto gen = states.currentGeneration(c.id, cfg.ns, cfg.name); gen && gen.value())
            row.generation = *gen.value();
        auto run = lastRuns.find(key);
        auto blocked = repo.blockedReason(c.id, cfg.ns, cfg.name);
        if (run != lastRuns.end() && run->second.running && d.runningJobId) {
            row.status = run->second.status == JobStreamStatus::Pending ? QStringLiteral("waiting")
                                                                        : q(run->second.status);
        } else if (blocked && blocked.value()) {
            row.status = QStringLiteral("blocked");
            row.statusMessage = q(*blocked.value());
        } else if (pending.count(key)) {
            row.status = QStringLiteral("refresh pending");
            row.statusMessage =
                QStringLiteral("A %1 of this stream has not completed; the next job continues it.")
                    .arg(q(pending[key] == "clear" ? "clear" : "refresh (" + pending[key] + ")"));
        } else if (run != lastRuns.end()) {
            row.status = q(run->second.status);
            row.statusMessage = q(run->second.message);
        } else {
            row.status = QStringLiteral("not synced");
        }
        if (run != lastRuns.end())
            row.lastSync = q(run->second.endedAt);
        if (dest && row.generation >= 0)
            if (auto resolved = storedStream(store, c, cfg.name))
                if (auto n = dest.value()->rowCount(resolved.value()))
                    row.records = n.value();
        d.streams.push_back(std::move(row));
    }
    return d;
}

QVector<JobSummary> jobSummaries(Database& store, qint64 connectionId, int limit, QString* error) {
    QVector<JobSummary> out;
    JobRepository jobs(store);
    auto list = jobs.jobsOf(connectionId, limit);
    if (!list) {
        if (error)
            *error = q(list.error().message);
        return out;
    }
    for (const auto& j : list.value()) {
        JobSummary s;
        s.id = j.id;
        s.connectionId = j.connectionId;
        s.type = q(j.type);
        s.status = q(j.status);
        s.refreshMode = q(j.refreshMode);
        s.startedAt = q(j.startedAt);
        s.endedAt = q(j.endedAt);
        s.error = q(j.error);
        s.trigger = q(j.trigger);
        if (auto attempts = jobs.attempts(j.id)) {
            s.attempts = static_cast<int>(attempts->size());
            for (const auto& a : attempts.value())
                s.recordsCommitted += a.recordsCommitted;
        }
        out.push_back(s);
    }
    return out;
}

JobDetails jobDetails(Database& store, qint64 jobId) {
    JobDetails d;
    JobRepository jobs(store);
    auto job = jobs.job(jobId);
    if (!job) {
        d.job.id = jobId;
        d.job.error = q(job.error().message);
        return d;
    }
    const auto& j = job.value();
    d.job = {j.id,           j.connectionId, q(j.type), q(j.status), q(j.refreshMode),
             q(j.startedAt), q(j.endedAt),   0,         0,           q(j.error),
             q(j.trigger)};
    if (auto attempts = jobs.attempts(jobId))
        for (const auto& a : attempts.value()) {
            d.attempts.push_back(
                {a.number, q(a.status), q(a.startedAt), q(a.endedAt), a.recordsCommitted, q(a.failure)});
            d.job.recordsCommitted += a.recordsCommitted;
        }
    d.job.attempts = static_cast<int>(d.attempts.size());
    if (auto streams = jobs.streams(jobId))
        for (const auto& s : streams.value())
            d.streams.push_back(
                {q(s.name), s.generation, q(s.action), s.recordsCommitted, q(s.status), q(s.message)});
    if (auto lines = jobs.logs(jobId))
        for (const auto& l : lines.value())
            d.log.push_back({jobId, l.attempt, q(l.ts), q(l.level), q(l.message)});
    return d;
}

} // namespace sluice::core
