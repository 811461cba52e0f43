#pragma once

#include "engine/job_types.h"
#include "util/sqlite_db.h"

#include <vector>

namespace sluice::core {

// Checks a refresh or clear against the configured streams and the availability matrix (SPEC §4), and the
// streams a sync was limited to, before anything runs. Returns the names of the streams it targets (empty
// for a sync of every selected stream).
Result<std::vector<std::string>> validateJobRequest(const ConnectionConfig& connection,
                                                    const JobRequest& request);

// Why a stream cannot be backfilled, in words a user understands ("" when it can, as far as the connection
// file tells; the cursor's type is checked once the source is discovered). The CLI and the GUI both ask.
std::string backfillUnavailableReason(const ConnectionConfig& connection,
                                      const ConfiguredStreamConfig& stream);

// Decides every stream's generation and action at the start of a job (SPEC §4): bumps generations, resets
// their state and records pending refreshes, all in one transaction of Sluice's database. A refresh left
// pending by a failed job is continued with its generation instead of starting over.
Result<std::vector<StreamPlan>> planJob(Database& store, const ConnectionConfig& connection,
                                        const JobRequest& request, const std::vector<std::string>& targets,
                                        int64_t jobId);

} // namespace sluice::core
