#include "cli/cli_json.h"

#include <nlohmann/json.hpp>

namespace sluice::core::cli {

using nlohmann::json;

json valueToJson(const Value& v) {
    return json::parse(v.toJson());
}

std::string printable(const json& j, int indent) {
    return j.dump(indent, ' ', false, json::error_handler_t::replace);
}

json rowToJson(const RowData& row) {
    json o = json::object();
    for (const auto& [k, v] : row)
        o[k] = valueToJson(v);
    return o;
}

json jobToJson(JobRepository& jobs, const JobRecord& job) {
    json j = {{"job_id", job.id},
              {"connection_id", job.connectionId},
              {"type", job.type},
              {"status", toText(job.status)},
              {"created_at", job.createdAt},
              {"started_at", job.startedAt},
              {"ended_at", job.endedAt.empty() ? json() : json(job.endedAt)},
              {"error", job.error.empty() ? json() : json(job.error)},
              {"trigger", job.trigger.empty() ? json() : json(job.trigger)}};
    if (!job.refreshMode.empty())
        j["refresh_mode"] = job.refreshMode;
    int64_t total = 0;
    json attempts = json::array();
    if (auto list = jobs.attempts(job.id))
        for (const auto& a : list.value()) {
            attempts.push_back({{"number", a.number},
                                {"status", toText(a.status)},
                                {"records_committed", a.recordsCommitted},
                                {"started_at", a.startedAt},
                                {"ended_at", a.endedAt.empty() ? json() : json(a.endedAt)},
                                {"failure", a.failure.empty() ? json() : json(a.failure)}});
            total += a.recordsCommitted;
        }
    json streams = json::array();
    if (auto list = jobs.streams(job.id))
        for (const auto& s : list.value())
            streams.push_back(
                {{"name", s.name},
                 {"namespace", s.ns.empty() ? json() : json(s.ns)},
                 {"generation_id", s.generation},
                 {"minimum_generation_id", s.minimumGeneration},
                 {"action", toText(s.action)},
                 {"records_committed", s.recordsCommitted},
                 {"records_reread", s.recordsReread},
                 {"status", toText(s.status)},
                 {"message", s.message.empty() ? json() : json(s.message)},
                 {"connector_status", s.connectorStatus.empty() ? json() : json(s.connectorStatus)},
                 {"records_estimated", s.recordsEstimated < 0 ? json() : json(s.recordsEstimated)},
                 {"bytes_estimated", s.bytesEstimated < 0 ? json() : json(s.bytesEstimated)}});
    j["attempts"] = attempts;
    j["streams"] = streams;
    j["records_committed"] = total;
    return j;
}

json parseOrString(const std::string& text) {
    if (text.empty())
        return nullptr;
    try {
        return json::parse(text);
    } catch (const json::exception&) {
        return text;
    }
}

} // namespace sluice::core::cli
