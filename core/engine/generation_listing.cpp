#include "engine/generation_listing.h"

#include "engine/connection_destination.h"
#include "engine/stream_lookup.h"
#include "store/state_repository.h"

#include <algorithm>

namespace sluice::core {

namespace {
int64_t countIn(const std::vector<GenerationCount>& v, int64_t g) {
    for (const auto& x : v)
        if (x.generation == g)
            return x.records;
    return 0;
}
} // namespace

Result<GenerationListing> listGenerations(Database& store, const ConnectionConfig& c, const std::string& name,
                                          size_t maxStaleRows) {
    auto stream = storedStream(store, c, name);
    if (!stream)
        return stream.error();
    StateRepository states(store);
    // Generations are kept under the configured namespace, which a file may leave out for a database source.
    const std::string ns = c.findStream(name) ? c.findStream(name)->ns : stream->stream.ns;
    auto current = states.currentGeneration(c.id, ns, stream->stream.name);
    if (!current)
        return current.error();
    auto gens = states.generations(c.id, ns, stream->stream.name);
    if (!gens)
        return gens.error();
    auto dest = makeDestinationFor(c);
    if (!dest)
        return dest.error();
    auto report = dest.value()->generationReport(stream.value(), current.value().value_or(0), maxStaleRows);
    if (!report)
        return report.error();

    GenerationListing out;
    out.stream = stream.value();
    out.current = current.value();
    out.staleCount = report->staleCount;
    out.staleRows = std::move(report->staleRows);
    // Generations the destination still holds but Sluice has no record of are listed too.
    std::vector<int64_t> ids;
    for (const auto& g : gens.value())
        ids.push_back(g.generation);
    for (const auto& x : report->stored)
        if (std::find(ids.begin(), ids.end(), x.generation) == ids.end())
            ids.push_back(x.generation);
    std::sort(ids.begin(), ids.end());
    for (int64_t g : ids) {
        GenerationEntry e;
        e.generation = g;
        e.records = countIn(report->stored, g);
        e.visibleRecords = countIn(report->visible, g);
        for (const auto& rec : gens.value())
            if (rec.generation == g) {
                e.jobId = rec.jobId;
                e.reason = rec.reason;
                e.createdAt = rec.createdAt;
            }
        out.generations.push_back(std::move(e));
    }
    return out;
}

} // namespace sluice::core
