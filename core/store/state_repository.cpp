#include "store/state_repository.h"

#include "util/time_util.h"

namespace sluice::core {

Result<std::optional<StoredState>> StateRepository::state(int64_t connectionId, const std::string& ns,
                                                          const std::string& name) {
    std::optional<StoredState> found;
    SLUICE_TRY(m_db.forEachRow(
        "SELECT state, generation_id, seq, updated_at, kind FROM stream_state WHERE connection_id=? AND "
        "namespace=? AND name=?",
        [&](Statement& st) {
            found = StoredState{st.getText(0), st.getInt(1), st.getInt(2), st.getText(3), st.getText(4)};
        },
        connectionId, ns, name));
    return found;
}

Status StateRepository::saveState(int64_t connectionId, const std::string& ns, const std::string& name,
                                  const StoredState& s) {
    return m_db.execute(
        "INSERT INTO stream_state (connection_id, namespace, name, state, generation_id, seq, "
        "updated_at, kind) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(connection_id, namespace, name) DO "
        "UPDATE SET state=excluded.state, generation_id=excluded.generation_id, seq=excluded.seq, "
        "updated_at=excluded.updated_at, kind=excluded.kind",
        connectionId, ns, name, s.stateJson, s.generation, s.seq, nowIso(), s.kind);
}

Status StateRepository::resetState(int64_t connectionId, const std::string& ns, const std::string& name,
                                   int64_t generation) {
    return m_db.write("resetting a stream's state", [&]() -> Status {
        auto current = state(connectionId, ns, name);
        if (!current)
            return current.error();
        StoredState s;
        s.generation = generation;
        s.seq = current.value() ? current.value()->seq + 1 : 1;
        return saveState(connectionId, ns, name, s);
    });
}

Result<std::vector<std::pair<std::string, StoredState>>> StateRepository::allStates(int64_t connectionId) {
    std::vector<std::pair<std::string, StoredState>> out;
    SLUICE_TRY(m_db.forEachRow(
        "SELECT namespace, name, state, generation_id, seq, updated_at, kind FROM stream_state WHERE "
        "connection_id=? ORDER BY namespace, name",
        [&](Statement& st) {
            std::string key = st.getText(0).empty() ? st.getText(1) : st.getText(0) + "." + st.getText(1);
            out.emplace_back(
                key, StoredState{st.getText(2), st.getInt(3), st.getInt(4), st.getText(5), st.getText(6)});
        },
        connectionId));
    return out;
}

Result<std::optional<int64_t>> StateRepository::currentGeneration(int64_t connectionId, const std::string& ns,
                                                                  const std::string& name) {
    std::optional<int64_t> current;
    SLUICE_TRY(m_db.forEachRow(
        "SELECT MAX(generation_id) FROM generations WHERE connection_id=? AND namespace=? AND name=?",
        [&](Statement& st) { current = st.getOptInt(0); }, connectionId, ns, name));
    return current;
}

Status StateRepository::addGeneration(int64_t connectionId, const std::string& ns, const std::string& name,
                                      int64_t generation, int64_t jobId, const std::string& reason) {
    return m_db.execute(
        "INSERT OR REPLACE INTO generations (connection_id, namespace, name, generation_id, job_id, "
        "reason, created_at) VALUES (?,?,?,?,?,?,?)",
        connectionId, ns, name, generation, jobId, reason, nowIso());
}

Result<std::vector<GenerationRecord>>
StateRepository::generations(int64_t connectionId, const std::string& ns, const std::string& name) {
    std::vector<GenerationRecord> out;
    SLUICE_TRY(m_db.forEachRow(
        "SELECT generation_id, job_id, reason, created_at FROM generations WHERE connection_id=? AND "
        "namespace=? "
        "AND name=? ORDER BY generation_id",
        [&](Statement& st) {
            out.push_back({st.getInt(0), st.getOptInt(1), st.getText(2), st.getText(3)});
        },
        connectionId, ns, name));
    return out;
}

Result<std::vector<PendingRefresh>> StateRepository::pendingRefreshes(int64_t connectionId) {
    std::vector<PendingRefresh> out;
    SLUICE_TRY(m_db.forEachRow(
        "SELECT namespace, name, kind, COALESCE(generation_id,0), COALESCE(job_id,0) FROM pending_refreshes "
        "WHERE "
        "connection_id=? ORDER BY namespace, name",
        [&](Statement& st) {
            out.push_back({st.getText(0), st.getText(1), st.getText(2), st.getInt(3), st.getInt(4)});
        },
        connectionId));
    return out;
}

Status StateRepository::addPendingRefresh(int64_t connectionId, const PendingRefresh& p) {
    return m_db.execute("INSERT OR REPLACE INTO pending_refreshes (connection_id, namespace, name, kind, "
                        "generation_id, job_id, created_at) VALUES (?,?,?,?,?,?,?)",
                        connectionId, p.ns, p.name, p.kind, p.generation, p.jobId, nowIso());
}

Status StateRepository::removePendingRefresh(int64_t connectionId, const std::string& ns,
                                             const std::string& name) {
    return m_db.execute("DELETE FROM pending_refreshes WHERE connection_id=? AND namespace=? AND name=?",
                        connectionId, ns, name);
}

} // namespace sluice::core
