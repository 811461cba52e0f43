#include "destinations/destination_log.h"

#include "util/logging.h"

#include <spdlog/spdlog.h>

namespace sluice::core {

namespace {
std::string streamName(const StreamWritePlan& plan) {
    const auto& s = plan.stream.stream;
    return s.ns.empty() ? s.name : s.ns + "." + s.name;
}
} // namespace

void logStreamTables(const std::string& where, int64_t connectionId, const StreamWritePlan& plan,
                     const TableLayout& layout, WriteTarget target) {
    const std::string into = target == WriteTarget::Staging ? layout.stagingTable
                             : target == WriteTarget::HistoryAndFinal
                                 ? layout.historyTable + "` and `" + layout.finalTable
                                 : layout.finalTable;
    logger("destination")
        ->info("{}: stream `{}` of connection {} ({}generation {}{}) writes into `{}`{}", where,
               streamName(plan), connectionId, plan.clear ? "clear, " : "", plan.generation,
               plan.minimumGeneration > 0 ? ", older generations removed when it completes" : "", into,
               target == WriteTarget::Staging ? " (then swapped into `" + layout.finalTable + "`)" : "");
}

void logSwappedIn(const std::string& where, const StreamWritePlan& plan, const TableLayout& layout) {
    logger("destination")
        ->info("{}: stream `{}` completed: `{}` {} generation {}", where, streamName(plan), layout.finalTable,
               plan.clear ? "emptied in" : "now holds", plan.generation);
}

Status warnIfFailed(const std::string& where, const std::string& what, Status status) {
    if (!status)
        logger("destination")->warn("{}: {} failed: {}", where, what, status.error().message);
    return status;
}

} // namespace sluice::core
