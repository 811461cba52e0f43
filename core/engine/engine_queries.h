#pragma once

#include "config/connection_config.h"
#include "engine/engine_types.h"
#include "scheduler/scheduler.h"

namespace sluice::core {

class Database;

// What the GUI asks of Sluice's database and the destinations, as plain values. The summaries and job
// lists run on the engine thread with its connection; the rest (row counts, the inspector's queries) run in
// the engine's tasks, each with a connection of its own; never on the GUI thread.

// Status (running, needs attention, failed, refresh pending, idle), last sync and schedule. Next run and
// progress are the engine's to add: it owns the scheduler and the running jobs.
ConnectionSummary summarizeConnection(Database& store, const ConnectionConfig& connection);
// What the scheduler needs to know of the connection now.
ScheduledConnection scheduledConnection(Database& store, const ConnectionConfig& connection);

// The connection with one row per configured stream: mode, cursor and key as configured and as the source
// defines them, status, last sync, rows in the destination, current generation.
ConnectionDetails connectionDetails(Database& store, const ConnectionConfig& connection);
// The connection's refreshes that have not finished, in the order of its streams.
QVector<PendingRefreshInfo> pendingRefreshInfos(Database& store, const ConnectionConfig& connection);

QVector<JobSummary> jobSummaries(Database& store, qint64 connectionId, int limit, QString* error);
JobDetails jobDetails(Database& store, qint64 jobId);

// Generations of one stream (SPEC §4): who made each and why, rows written and still visible, stale rows.
GenerationsReport generationsReport(Database& store, const ConnectionConfig& connection,
                                    const QString& stream);
AggregateReport aggregateReport(Database& store, const ConnectionConfig& connection, const QString& stream,
                                const QString& column);
DiffReport diffReport(Database& store, const ConnectionConfig& connection, const QString& stream, qint64 from,
                      qint64 to);
// The refresh dialog's facts: per affected stream, which options the matrix allows and why not, and the
// rows now in the destination. `streams` empty: every selected stream.
RefreshPreview refreshPreview(Database& store, const ConnectionConfig& connection,
                              const QStringList& streams);

} // namespace sluice::core
