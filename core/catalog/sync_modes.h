#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::core {

enum class SyncMode { FullRefresh, Incremental };
enum class DestinationSyncMode { Overwrite, Append, AppendDedup, OverwriteDedup };

std::string_view toString(SyncMode m);
std::string_view toString(DestinationSyncMode m);
std::optional<SyncMode> parseSyncMode(std::string_view s);
std::optional<DestinationSyncMode> parseDestinationSyncMode(std::string_view s);

// The five combinations users pick from one drop-down (SPEC §2).
struct StreamMode {
    SyncMode sync = SyncMode::FullRefresh;
    DestinationSyncMode destination = DestinationSyncMode::Overwrite;

    bool operator==(const StreamMode&) const = default;
    bool isDedupe() const;
    bool needsCursor() const { return sync == SyncMode::Incremental; }
    bool needsPrimaryKey() const { return isDedupe(); }
    // Overwrite modes replace earlier generations when a sync completes.
    bool dropsOldGenerations() const;
    std::string label() const; // "Incremental | Append + Dedupe"
};

const std::vector<StreamMode>& allStreamModes();
bool isSupportedMode(const StreamMode& m);
std::optional<StreamMode> modeFromLabel(std::string_view label);

enum class RefreshKind { Remove, Retain, Clear };
std::string_view toString(RefreshKind k);
std::string refreshLabel(RefreshKind k); // "Refresh and remove records"
std::optional<RefreshKind> parseRefreshMode(std::string_view s);

// The availability matrix of SPEC §4: the one function the CLI and the GUI both ask.
bool isRefreshAvailable(const StreamMode& mode, RefreshKind kind);
// Why an option is not available, in words a user understands; empty when it is available.
std::string refreshUnavailableReason(const StreamMode& mode, RefreshKind kind);

} // namespace sluice::core
