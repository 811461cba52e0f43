#pragma once

#include "engine/engine_types.h"
#include "util/result.h"

#include <QString>
#include <QVector>
#include <map>
#include <set>

namespace sluice::core {

class Database;

struct ExternalJobStart {
    qint64 jobId = 0;
    qint64 connectionId = 0;
    QString type;
};

// What the jobs of other processes did since the last look.
struct ExternalJobEvents {
    QVector<ExternalJobStart> started;
    QVector<JobProgress> progress;
    QVector<LogEntry> log;
    QVector<JobFinished> finished;
};

// Follows the jobs that other processes of the home (`sluicectl sync`, another window) run: the GUI shows
// them as it shows its own, live, from what they commit to Sluice's database (their attempts, their
// streams' committed records, their log lines), and sees them end.
class ExternalJobs {
public:
    // Jobs of this process are left out: the engine reports those from their workers.
    Result<ExternalJobEvents> poll(Database& store);
    bool following() const { return !m_followed.empty(); }

private:
    struct Followed {
        qint64 connectionId = 0;
        QString type;
        qint64 startedMs = 0;
        qint64 lastLogId = 0;
        qint64 committed = -1; // what the last progress said; -1 before the first
    };
    Result<JobProgress> progressOf(Database& store, qint64 jobId, const Followed& f);

    std::map<qint64, Followed> m_followed; // by job id
};

} // namespace sluice::core
