#include "catalog/sync_modes.h"

namespace sluice::core {

std::string_view toString(SyncMode m) {
    return m == SyncMode::Incremental ? "incremental" : "full_refresh";
}

std::string_view toString(DestinationSyncMode m) {
    switch (m) {
    case DestinationSyncMode::Overwrite:
        return "overwrite";
    case DestinationSyncMode::Append:
        return "append";
    case DestinationSyncMode::AppendDedup:
        return "append_dedup";
    case DestinationSyncMode::OverwriteDedup:
        return "overwrite_dedup";
    }
    return "overwrite";
}

std::optional<SyncMode> parseSyncMode(std::string_view s) {
    if (s == "full_refresh")
        return SyncMode::FullRefresh;
    if (s == "incremental")
        return SyncMode::Incremental;
    return std::nullopt;
}

std::optional<DestinationSyncMode> parseDestinationSyncMode(std::string_view s) {
    if (s == "overwrite")
        return DestinationSyncMode::Overwrite;
    if (s == "append")
        return DestinationSyncMode::Append;
    if (s == "append_dedup")
        return DestinationSyncMode::AppendDedup;
    if (s == "overwrite_dedup")
        return DestinationSyncMode::OverwriteDedup;
    return std::nullopt;
}

bool StreamMode::isDedupe() const {
    return destination == DestinationSyncMode::AppendDedup ||
           destination == DestinationSyncMode::OverwriteDedup;
}

bool StreamMode::dropsOldGenerations() const {
    return destination == DestinationSyncMode::Overwrite ||
           destination == DestinationSyncMode::OverwriteDedup;
}

std::string StreamMode::label() const {
    std::string s = sync == SyncMode::Incremental ? "Incremental | " : "Full refresh | ";
    switch (destination) {
    case DestinationSyncMode::Overwrite:
        return s + "Overwrite";
    case DestinationSyncMode::OverwriteDedup:
        return s + "Overwrite + Dedupe";
    case DestinationSyncMode::Append:
        return s + "Append";
    case DestinationSyncMode::AppendDedup:
        return s + "Append + Dedupe";
    }
    return s;
}

const std::vector<StreamMode>& allStreamModes() {
    static const std::vector<StreamMode> modes = {
        {SyncMode::FullRefresh, DestinationSyncMode::Overwrite},
        {SyncMode::FullRefresh, DestinationSyncMode::OverwriteDedup},
        {SyncMode::FullRefresh, DestinationSyncMode::Append},
        {SyncMode::Incremental, DestinationSyncMode::Append},
        {SyncMode::Incremental, DestinationSyncMode::AppendDedup},
    };
    return modes;
}

bool isSupportedMode(const StreamMode& m) {
    for (const auto& x : allStreamModes())
        if (x == m)
            return true;
    return false;
}

std::optional<StreamMode> modeFromLabel(std::string_view label) {
    for (const auto& x : allStreamModes())
        if (x.label() == label)
            return x;
    return std::nullopt;
}

std::string_view toString(RefreshKind k) {
    switch (k) {
    case RefreshKind::Remove:
        return "remove";
    case RefreshKind::Retain:
        return "retain";
    case RefreshKind::Clear:
        return "clear";
    }
    return "retain";
}

std::string refreshLabel(RefreshKind k) {
    switch (k) {
    case RefreshKind::Remove:
        return "Refresh and remove records";
    case RefreshKind::Retain:
        return "Refresh and retain records";
    case RefreshKind::Clear:
        return "Clear";
    }
    return {};
}

std::optional<RefreshKind> parseRefreshMode(std::string_view s) {
    if (s == "remove")
        return RefreshKind::Remove;
    if (s == "retain")
        return RefreshKind::Retain;
    if (s == "clear")
        return RefreshKind::Clear;
    return std::nullopt;
}

bool isRefreshAvailable(const StreamMode& mode, RefreshKind kind) {
    if (kind == RefreshKind::Clear)
        return true;
    if (mode.isDedupe())
        return true; // both dedupe modes: remove and retain
    if (mode == StreamMode{SyncMode::Incremental, DestinationSyncMode::Append})
        return kind == RefreshKind::Retain;
    return false; // full refresh overwrite / append re-read everything on every sync anyway
}

std::string refreshUnavailableReason(const StreamMode& mode, RefreshKind kind) {
    if (isRefreshAvailable(mode, kind))
        return {};
    if (mode.sync == SyncMode::FullRefresh)
        return refreshLabel(kind) + " is not available for " + mode.label() +
               ": a full refresh already re-imports every record on each sync.";
    return refreshLabel(kind) + " is not available for " + mode.label() +
           ": it appends without deduplicating by primary key, so old records cannot be told apart from new "
           "ones "
           "and are never removed.";
}

} // namespace sluice::core
