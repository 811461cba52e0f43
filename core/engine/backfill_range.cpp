#include "engine/backfill_range.h"

#include "config/stream_resolution.h"
#include "sources/cursor_filter.h"
#include "store/state_repository.h"
#include "store/store.h"

#include <nlohmann/json.hpp>

namespace sluice::core {

std::optional<Value> savedCursor(const std::string& stateJson) {
    const auto s = nlohmann::json::parse(stateJson, nullptr, false);
    if (!s.is_object() || !s.contains("cursor"))
        return std::nullopt;
    return cursorFromJson(s["cursor"].dump());
}

namespace {
Result<Value> endValue(const std::string& text, const char* option, const Column& cursor,
                       const std::optional<Value>& saved, const std::string& where) {
    Value v;
    if (!parseAs(cursor.type, text, v) || v.isNull())
        return Error::invalid(where + ": " + option + " `" + text + "` is not a value of cursor `" +
                              cursor.name + "` (" + toString(cursor.type) + ")");
    // A text cursor holding dates or timestamps compares as text: a range end in another shape would
    // select the wrong rows without a word.
    if (cursor.type == ColumnType::String && saved && saved->kind == Value::Kind::Text &&
        isTimeText(saved->s) && !isTimeText(text))
        return Error::invalid(where + ": " + option + " `" + text +
                              "` is not a date or timestamp, as cursor `" + cursor.name +
                              "` holds (its saved value is " + saved->toJson() + ")");
    return v;
}
} // namespace

Result<CursorRange> backfillRange(Store& store, const ConnectionConfig& c, const JobRequest& r) {
    const std::string& name = r.streams.front();
    const ConfiguredStreamConfig* configured = c.findStream(name);
    const std::string where = "stream `" + name + "`";
    StateRepository states(store.db());
    auto pending = states.pendingRefreshes(c.id);
    if (!pending)
        return pending.error();
    for (const auto& p : pending.value())
        if (p.name == configured->name && p.ns == configured->ns)
            return Error::refused(where + " has a pending " + p.kind +
                                  " refresh; let a sync finish it before a backfill");

    auto source = makeSource(c.source.type, c.source.configJson);
    if (!source)
        return source.error();
    auto discovered = source.value()->discover();
    if (!discovered)
        return discovered.error().context("discovering the source");
    const StreamInfo* found = nullptr;
    for (const auto& d : discovered.value())
        if (d.name == configured->name && (configured->ns.empty() || d.ns == configured->ns))
            found = &d;
    if (!found)
        return Error::invalid(where + " is no longer in the source");
    auto resolved = resolveStream(*found, *configured);
    if (!resolved)
        return resolved.error();
    const Column& cursor = found->columns[static_cast<size_t>(found->columnIndex(resolved->cursorField[0]))];

    auto stored = states.state(c.id, configured->ns, configured->name);
    if (!stored)
        return stored.error();
    const std::optional<Value> saved = stored.value() ? savedCursor(stored.value()->stateJson) : std::nullopt;

    CursorRange range;
    auto from = endValue(r.backfillFrom, "--from", cursor, saved, where);
    if (!from)
        return from.error();
    range.from = std::move(from.value());
    if (r.backfillTo) {
        auto to = endValue(*r.backfillTo, "--to", cursor, saved, where);
        if (!to)
            return to.error();
        if (compareCursors(*to, range.from) < 0)
            return Error::invalid(where + ": --from " + range.from.toJson() + " is after --to " +
                                  to->toJson());
        range.to = std::move(to.value());
    }
    return range;
}

} // namespace sluice::core
