// Generations, aggregates, diffs and refresh previews for the GUI: the same core calls as `sluicectl`.
#include "destinations/destination.h"
#include "engine/connection_destination.h"
#include "engine/engine_queries.h"
#include "engine/generation_listing.h"
#include "engine/job_planner.h"
#include "engine/stream_lookup.h"
#include "store/state_repository.h"

namespace sluice::core {

namespace {
QString q(const std::string& s) {
    return QString::fromStdString(s);
}

RowSet rowSetOf(const std::vector<RowData>& rows) {
    RowSet out;
    if (rows.empty())
        return out;
    for (const auto& [name, value] : rows.front())
        out.columns << q(name);
    for (const auto& r : rows) {
        QStringList cells;
        for (const auto& [name, value] : r)
            cells << (value.isNull() ? QString() : q(value.toDisplay()));
        out.rows.push_back(cells);
    }
    return out;
}

struct OpenStream {
    ResolvedStream stream;
    std::unique_ptr<Destination> destination;
};

// The stream as it was last synced, and its destination.
Result<OpenStream> openStream(Database& store, const ConnectionConfig& c, const QString& name) {
    auto resolved = storedStream(store, c, name.toStdString());
    if (!resolved)
        return resolved.error();
    auto dest = makeDestinationFor(c);
    if (!dest)
        return dest.error();
    return OpenStream{std::move(resolved.value()), std::move(dest.value())};
}

QString keyText(const RowData& key) {
    QStringList parts;
    for (const auto& [name, value] : key)
        parts << QStringLiteral("%1=%2").arg(q(name), q(value.toDisplay()));
    return parts.join(QStringLiteral(", "));
}
} // namespace

GenerationsReport generationsReport(Database& store, const ConnectionConfig& c, const QString& stream) {
    GenerationsReport out;
    out.connectionId = c.id;
    out.stream = stream;
    auto listing = listGenerations(store, c, stream.toStdString(), 1000);
    if (!listing) {
        out.error = q(listing.error().message);
        return out;
    }
    out.currentGeneration = listing->current.value_or(-1);
    for (const auto& g : listing->generations)
        out.generations.push_back(
            {g.generation, g.jobId.value_or(0), q(g.reason), q(g.createdAt), g.records, g.visibleRecords});
    out.staleCount = listing->staleCount;
    out.staleRows = rowSetOf(listing->staleRows);
    return out;
}

AggregateReport aggregateReport(Database& store, const ConnectionConfig& c, const QString& stream,
                                const QString& column) {
    AggregateReport out;
    out.connectionId = c.id;
    out.stream = stream;
    out.column = column;
    auto open = openStream(store, c, stream);
    if (!open) {
        out.error = q(open.error().message);
        return out;
    }
    auto rows = open->destination->aggregate(open->stream, column.toStdString());
    if (!rows) {
        out.error = q(rows.error().message);
        return out;
    }
    for (const auto& r : rows.value())
        out.rows.push_back({r.generation, r.count, r.sum, r.average});
    return out;
}

DiffReport diffReport(Database& store, const ConnectionConfig& c, const QString& stream, qint64 from,
                      qint64 to) {
    DiffReport out;
    out.connectionId = c.id;
    out.stream = stream;
    out.from = from;
    out.to = to;
    auto open = openStream(store, c, stream);
    if (!open) {
        out.error = q(open.error().message);
        return out;
    }
    for (const auto& k : open->stream.primaryKey)
        out.keyColumns << q(fieldPathToString(k));
    auto d = open->destination->diff(open->stream, from, to);
    if (!d) {
        out.error = q(d.error().message);
        return out;
    }
    out.added = rowSetOf(d->added);
    out.removed = rowSetOf(d->removed);
    out.deleted = rowSetOf(d->deleted);
    for (const auto& ch : d->changed) {
        ChangedRowInfo info;
        info.key = keyText(ch.key);
        for (const auto& f : ch.fields) {
            info.fields << q(f.field);
            info.from << q(f.from.toDisplay());
            info.to << q(f.to.toDisplay());
        }
        out.changed.push_back(info);
    }
    return out;
}

RefreshPreview refreshPreview(Database& store, const ConnectionConfig& c, const QStringList& streams) {
    RefreshPreview out;
    out.connectionId = c.id;
    out.connectionName = q(c.name);
    out.pending = pendingRefreshInfos(store, c);
    auto dest = makeDestinationFor(c);
    StateRepository states(store);
    for (const auto& s : c.streams) {
        if (!s.selected)
            continue;
        if (!streams.isEmpty() && !streams.contains(q(s.name))) {
            out.otherStreams << q(s.name);
            continue;
        }
        RefreshStreamPreview p;
        p.name = q(s.name);
        p.mode = q(s.mode.label());
        // The one availability function the CLI's validation uses too (SPEC §4).
        p.removeAvailable = isRefreshAvailable(s.mode, RefreshKind::Remove);
        p.retainAvailable = isRefreshAvailable(s.mode, RefreshKind::Retain);
        p.clearAvailable = isRefreshAvailable(s.mode, RefreshKind::Clear);
        p.removeReason = q(refreshUnavailableReason(s.mode, RefreshKind::Remove));
        p.retainReason = q(refreshUnavailableReason(s.mode, RefreshKind::Retain));
        p.clearReason = q(refreshUnavailableReason(s.mode, RefreshKind::Clear));
        p.backfillReason = q(backfillUnavailableReason(c, s));
        p.backfillAvailable = p.backfillReason.isEmpty();
        p.rowsNow = 0;
        auto gen = states.currentGeneration(c.id, s.ns, s.name);
        if (dest && gen && gen.value())
            if (auto resolved = storedStream(store, c, s.name))
                if (auto n = dest.value()->rowCount(resolved.value()))
                    p.rowsNow = n.value();
        out.streams.push_back(p);
    }
    for (const auto& name : streams)
        if (!c.findStream(name.toStdString()))
            out.error = QStringLiteral("connection `%1` has no stream `%2`").arg(out.connectionName, name);
    return out;
}

} // namespace sluice::core
