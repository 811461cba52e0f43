#pragma once

#include "destinations/destination.h"
#include "store/job_repository.h"

#include <nlohmann/json_fwd.hpp>

namespace sluice::core::cli {

// The job document of SPEC §7: job_id, type, status, attempts, streams (and more).
nlohmann::json jobToJson(JobRepository& jobs, const JobRecord& job);
nlohmann::json valueToJson(const Value& v);
nlohmann::json rowToJson(const RowData& row);
// What the CLI prints: a string that is not UTF-8 (stored by an older version, say) is shown with U+FFFD
// instead of nlohmann's dump() throwing type_error 316 and the command failing with an internal error.
// Stored JSON text as a document (null when empty, the text itself when it does not parse).
nlohmann::json parseOrString(const std::string& text);
std::string printable(const nlohmann::json& j, int indent = -1);

} // namespace sluice::core::cli
