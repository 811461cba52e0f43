#pragma once

#include "util/result.h"

#include <string_view>

namespace sluice::core {

// A job's or an attempt's status.
enum class JobStatus { Running, Succeeded, Failed, Cancelled };
// How far a stream got in a job.
enum class JobStreamStatus { Pending, Running, Succeeded, Failed, Blocked, Cancelled };
// What a job does to a stream (SPEC §4).
enum class StreamAction { Sync, FullRefresh, RefreshRetain, RefreshRemove, Clear, Backfill };

// Sluice's database, `sluicectl jobs --json` and the GUI carry these as text ("succeeded", "refresh_retain");
// these functions are the one place the two forms meet, so the text never changes by accident.
std::string_view toText(JobStatus status);
std::string_view toText(JobStreamStatus status);
std::string_view toText(StreamAction action);

// Text this version does not know (a database written by a newer Sluice, a hand edit) is an error naming it.
Result<JobStatus> jobStatusFromText(std::string_view text);
Result<JobStreamStatus> jobStreamStatusFromText(std::string_view text);
Result<StreamAction> streamActionFromText(std::string_view text);

} // namespace sluice::core
