#pragma once

#include "util/sqlite_db.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sluice::core {

struct StoredState {
    std::string stateJson; // empty: no state
    int64_t generation = 0;
    int64_t seq = 0; // grows with every checkpoint; compared with the destination's copy
    std::string updatedAt;
    // Of the connection-wide state only (kept under the empty stream name): how the connector wrote it.
    std::string kind; // kGlobalState or kLegacyState
};

inline constexpr const char* kGlobalState = "";       // GLOBAL: the `shared_state`
inline constexpr const char* kLegacyState = "legacy"; // LEGACY: the `data` object, passed back as it is

struct GenerationRecord {
    int64_t generation = 0;
    std::optional<int64_t> jobId;
    std::string reason; // sync | full_refresh | refresh_retain | refresh_remove | clear
    std::string createdAt;
};

struct PendingRefresh {
    std::string ns, name;
    std::string kind; // remove | retain | clear
    int64_t generation = 0;
    int64_t jobId = 0;
};

// Stream state, generations and pending refreshes of connections. The connection-wide state (GLOBAL or
// LEGACY, see StoredState::kind) is kept under the empty stream name (no stream may be unnamed).
class StateRepository {
public:
    explicit StateRepository(Database& db) : m_db(db) {}

    Result<std::optional<StoredState>> state(int64_t connectionId, const std::string& ns,
                                             const std::string& name);
    Status saveState(int64_t connectionId, const std::string& ns, const std::string& name,
                     const StoredState& s);
    // Forgets the state (keeps the sequence growing so an older destination checkpoint never wins).
    Status resetState(int64_t connectionId, const std::string& ns, const std::string& name,
                      int64_t generation);
    Result<std::vector<std::pair<std::string, StoredState>>> allStates(int64_t connectionId);

    // Current generation of a stream; nullopt when the stream was never synced.
    Result<std::optional<int64_t>> currentGeneration(int64_t connectionId, const std::string& ns,
                                                     const std::string& name);
    Status addGeneration(int64_t connectionId, const std::string& ns, const std::string& name,
                         int64_t generation, int64_t jobId, const std::string& reason);
    Result<std::vector<GenerationRecord>> generations(int64_t connectionId, const std::string& ns,
                                                      const std::string& name);

    Result<std::vector<PendingRefresh>> pendingRefreshes(int64_t connectionId);
    Status addPendingRefresh(int64_t connectionId, const PendingRefresh& p);
    Status removePendingRefresh(int64_t connectionId, const std::string& ns, const std::string& name);

private:
    Database& m_db;
};

} // namespace sluice::core
