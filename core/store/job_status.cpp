#include "store/job_status.h"

#include <array>
#include <utility>

namespace sluice::core {

namespace {
template <typename E, size_t N> using Names = std::array<std::pair<E, std::string_view>, N>;

constexpr Names<JobStatus, 4> kJobStatuses{{{JobStatus::Running, "running"},
                                            {JobStatus::Succeeded, "succeeded"},
                                            {JobStatus::Failed, "failed"},
                                            {JobStatus::Cancelled, "cancelled"}}};

constexpr Names<JobStreamStatus, 6> kStreamStatuses{{{JobStreamStatus::Pending, "pending"},
                                                     {JobStreamStatus::Running, "running"},
                                                     {JobStreamStatus::Succeeded, "succeeded"},
                                                     {JobStreamStatus::Failed, "failed"},
                                                     {JobStreamStatus::Blocked, "blocked"},
                                                     {JobStreamStatus::Cancelled, "cancelled"}}};

constexpr Names<StreamAction, 6> kActions{{{StreamAction::Sync, "sync"},
                                           {StreamAction::FullRefresh, "full_refresh"},
                                           {StreamAction::RefreshRetain, "refresh_retain"},
                                           {StreamAction::RefreshRemove, "refresh_remove"},
                                           {StreamAction::Clear, "clear"},
                                           {StreamAction::Backfill, "backfill"}}};

template <typename E, size_t N> std::string_view nameOf(const Names<E, N>& names, E value) {
    for (const auto& [v, name] : names)
        if (v == value)
            return name;
    return "unknown";
}

template <typename E, size_t N>
Result<E> parse(const Names<E, N>& names, std::string_view text, std::string_view what) {
    for (const auto& [v, name] : names)
        if (name == text)
            return v;
    std::string known;
    for (const auto& entry : names)
        known += (known.empty() ? "" : ", ") + std::string(entry.second);
    return Error::internal("Sluice's database holds the " + std::string(what) + " `" + std::string(text) +
                           "`, which this version does not know (known: " + known +
                           "); was it written by a newer Sluice?");
}
} // namespace

std::string_view toText(JobStatus status) {
    return nameOf(kJobStatuses, status);
}
std::string_view toText(JobStreamStatus status) {
    return nameOf(kStreamStatuses, status);
}
std::string_view toText(StreamAction action) {
    return nameOf(kActions, action);
}

Result<JobStatus> jobStatusFromText(std::string_view text) {
    return parse(kJobStatuses, text, "job status");
}
Result<JobStreamStatus> jobStreamStatusFromText(std::string_view text) {
    return parse(kStreamStatuses, text, "stream status");
}
Result<StreamAction> streamActionFromText(std::string_view text) {
    return parse(kActions, text, "stream action");
}

} // namespace sluice::core
