#include "engine/external_jobs.h"

#include "store/connection_repository.h"
#include "store/job_repository.h"

#include <QDateTime>
#include <unistd.h>

namespace sluice::core {

namespace {
QString q(const std::string& s) {
    return QString::fromStdString(s);
}

qint64 msOf(const std::string& iso) {
    const QDateTime t = QDateTime::fromString(q(iso), Qt::ISODateWithMs);
    return t.isValid() ? t.toMSecsSinceEpoch() : QDateTime::currentMSecsSinceEpoch();
}
} // namespace

Result<JobProgress> ExternalJobs::progressOf(Database& store, qint64 jobId, const Followed& f) {
    JobRepository jobs(store);
    auto attempts = jobs.attempts(jobId);
    if (!attempts)
        return attempts.error();
    auto streams = jobs.streams(jobId);
    if (!streams)
        return streams.error();
    JobProgress p;
    p.jobId = jobId;
    p.connectionId = f.connectionId;
    // As for the engine's own jobs: the running attempt's records; the jobs list adds the earlier attempts.
    if (!attempts->empty())
        p.recordsCommitted = attempts->back().recordsCommitted;
    for (const auto& s : streams.value())
        p.streams.push_back({q(s.name), s.recordsCommitted, -1,
                             s.status == JobStreamStatus::Succeeded ? QStringLiteral("done") : QString()});
    const double seconds = (QDateTime::currentMSecsSinceEpoch() - f.startedMs) / 1000.0;
    p.recordsPerSecond = seconds > 0 ? p.recordsCommitted / seconds : 0;
    return p;
}

Result<ExternalJobEvents> ExternalJobs::poll(Database& store) {
    const qint64 self = ::getpid();
    JobRepository jobs(store);
    auto running = jobs.runningJobs();
    if (!running)
        return running.error();
    ExternalJobEvents out;
    std::set<qint64> seen;
    for (const auto& j : running.value()) {
        if (j.pid && *j.pid == self)
            continue;
        seen.insert(j.id);
        auto [it, isNew] = m_followed.try_emplace(j.id);
        Followed& f = it->second;
        if (isNew) {
            f.connectionId = j.connectionId;
            f.type = q(j.type);
            f.startedMs = msOf(j.startedAt.empty() ? j.createdAt : j.startedAt);
            // The lines written so far come with the job's details, which the GUI loads when it sees it
            // start.
            auto last = jobs.lastLogId(j.id);
            if (!last)
                return last.error();
            f.lastLogId = last.value();
            out.started.push_back({j.id, j.connectionId, f.type});
        } else {
            auto lines = jobs.logsAfter(j.id, f.lastLogId);
            if (!lines)
                return lines.error();
            for (const auto& l : lines.value()) {
                out.log.push_back({j.id, l.attempt, q(l.ts), q(l.level), q(l.message)});
                f.lastLogId = l.id;
            }
        }
        auto p = progressOf(store, j.id, f);
        if (!p)
            return p.error();
        qint64 total = 0;
        for (const auto& s : p->streams)
            total += s.committed;
        if (total != f.committed || isNew) {
            f.committed = total;
            out.progress.push_back(std::move(p.value()));
        }
    }
    // A followed job that runs no more has ended: its status is final.
    for (auto it = m_followed.begin(); it != m_followed.end();) {
        if (seen.count(it->first)) {
            ++it;
            continue;
        }
        auto j = jobs.job(it->first);
        if (j && j->status != JobStatus::Running) {
            auto lines = jobs.logsAfter(j->id, it->second.lastLogId);
            if (lines)
                for (const auto& l : lines.value())
                    out.log.push_back({j->id, l.attempt, q(l.ts), q(l.level), q(l.message)});
            JobFinished f;
            f.jobId = j->id;
            f.connectionId = j->connectionId;
            f.type = q(j->type);
            f.status = q(std::string(toText(j->status)));
            f.message = q(j->error);
            if (auto c = ConnectionRepository(store).get(j->connectionId))
                f.connectionName = q(c->name);
            out.finished.push_back(std::move(f));
        }
        // Gone altogether (its connection deleted) or ended: either way nothing more to follow.
        it = m_followed.erase(it);
    }
    return out;
}

} // namespace sluice::core
