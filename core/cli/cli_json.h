#pragma once

#include "destinations/destination.h"
#include "store/job_repository.h"

#include <nlohmann/json_fwd.hpp>

namespace sluice::core::cli {

// The job document of SPEC §7: job_id, type, status, attempts, streams (and more).
nlohmann::json jobToJson(JobRepository& jobs, const JobRecord& job);
nlohmann::json valueToJson(const Value& v);
nlohmann::json rowToJson(const RowData& row);

} // namespace sluice::core::cli
