#include "store/state_repository.h"

#include "util/time_util.h"

namespace sluice::core {

Result<std::optional<StoredState>> StateRepository::state(int64_t connectionId, const std::string& ns,
                                                          const std::string& name) {
    auto st = m_db.prepare("SELECT state, generation_id, seq, updated_at FROM stream_state WHERE connection_id=? AND "
                           "namespace=? AND name=?");
    if (!st)
        return st.error();
    st->bind(1, connectionId).bind(2, ns).bind(3, name);
    auto r = st->step();
    if (!r)
        return r.error();
    if (!r.value())
        return std::optional<StoredState>{};
    return std::optional<StoredState>{StoredState{st->getText(0), st->getInt(1), st->getInt(2), st->getText(3)}};
}

Status StateRepository::saveState(int64_t connectionId, const std::string& ns, const std::string& name,
                                  const StoredState& s) {
    auto st = m_db.prepare("INSERT INTO stream_state (connection_id, namespace, name, state, generation_id, seq, "
                           "updated_at) VALUES (?,?,?,?,?,?,?) ON CONFLICT(connection_id, namespace, name) DO UPDATE "
                           "SET state=excluded.state, generation_id=excluded.generation_id, seq=excluded.seq, "
                           "updated_at=excluded.updated_at");
    if (!st)
        return st.error();
    st->bind(1, connectionId).bind(2, ns).bind(3, name).bind(4, s.stateJson).bind(5, s.generation).bind(6, s.seq);
    st->bind(7, nowIso());
    return st->run();
}

Status StateRepository::resetState(int64_t connectionId, const std::string& ns, const std::string& name,
                                   int64_t generation) {
    auto current = state(connectionId, ns, name);
    if (!current)
        return current.error();
    StoredState s;
    s.generation = generation;
    s.seq = current.value() ? current.value()->seq + 1 : 1;
    return saveState(connectionId, ns, name, s);
}

Result<std::vector<std::pair<std::string, StoredState>>> StateRepository::allStates(int64_t connectionId) {
    auto st = m_db.prepare("SELECT namespace, name, state, generation_id, seq, updated_at FROM stream_state WHERE "
                           "connection_id=? ORDER BY namespace, name");
    if (!st)
        return st.error();
    st->bind(1, connectionId);
    std::vector<std::pair<std::string, StoredState>> out;
    while (true) {
        auto r = st->step();
        if (!r)
            return r.error();
        if (!r.value())
            break;
        std::string key = st->getText(0).empty() ? st->getText(1) : st->getText(0) + "." + st->getText(1);
        out.emplace_back(key, StoredState{st->getText(2), st->getInt(3), st->getInt(4), st->getText(5)});
    }
    return out;
}

Result<std::optional<int64_t>> StateRepository::currentGeneration(int64_t connectionId, const std::string& ns,
                                                                  const std::string& name) {
    auto st = m_db.prepare("SELECT MAX(generation_id) FROM generations WHERE connection_id=? AND namespace=? AND name=?");
    if (!st)
        return st.error();
    st->bind(1, connectionId).bind(2, ns).bind(3, name);
    auto r = st->step();
    if (!r)
        return r.error();
    return st->getOptInt(0);
}

Status StateRepository::addGeneration(int64_t connectionId, const std::string& ns, const std::string& name,
                                      int64_t generation, int64_t jobId, const std::string& reason) {
    auto st = m_db.prepare("INSERT OR REPLACE INTO generations (connection_id, namespace, name, generation_id, job_id, "
                           "reason, created_at) VALUES (?,?,?,?,?,?,?)");
    if (!st)
        return st.error();
    st->bind(1, connectionId).bind(2, ns).bind(3, name).bind(4, generation).bind(5, jobId).bind(6, reason);
    st->bind(7, nowIso());
    return st->run();
}

Result<std::vector<GenerationRecord>> StateRepository::generations(int64_t connectionId, const std::string& ns,
                                                                   const std::string& name) {
    auto st = m_db.prepare("SELECT generation_id, job_id, reason, created_at FROM generations WHERE connection_id=? "
                           "AND namespace=? AND name=? ORDER BY generation_id");
    if (!st)
        return st.error();
    st->bind(1, connectionId).bind(2, ns).bind(3, name);
    std::vector<GenerationRecord> out;
    while (true) {
        auto r = st->step();
        if (!r)
            return r.error();
        if (!r.value())
            break;
        out.push_back({st->getInt(0), st->getOptInt(1), st->getText(2), st->getText(3)});
    }
    return out;
}

Result<std::vector<PendingRefresh>> StateRepository::pendingRefreshes(int64_t connectionId) {
    auto st = m_db.prepare("SELECT namespace, name, kind, COALESCE(generation_id,0), COALESCE(job_id,0) FROM "
                           "pending_refreshes WHERE connection_id=? ORDER BY namespace, name");
    if (!st)
        return st.error();
    st->bind(1, connectionId);
    std::vector<PendingRefresh> out;
    while (true) {
        auto r = st->step();
        if (!r)
            return r.error();
        if (!r.value())
            break;
        out.push_back({st->getText(0), st->getText(1), st->getText(2), st->getInt(3), st->getInt(4)});
    }
    return out;
}

Status StateRepository::addPendingRefresh(int64_t connectionId, const PendingRefresh& p) {
    auto st = m_db.prepare("INSERT OR REPLACE INTO pending_refreshes (connection_id, namespace, name, kind, "
                           "generation_id, job_id, created_at) VALUES (?,?,?,?,?,?,?)");
    if (!st)
        return st.error();
    st->bind(1, connectionId).bind(2, p.ns).bind(3, p.name).bind(4, p.kind).bind(5, p.generation).bind(6, p.jobId);
    st->bind(7, nowIso());
    return st->run();
}

Status StateRepository::removePendingRefresh(int64_t connectionId, const std::string& ns, const std::string& name) {
    auto st = m_db.prepare("DELETE FROM pending_refreshes WHERE connection_id=? AND namespace=? AND name=?");
    if (!st)
        return st.error();
    st->bind(1, connectionId).bind(2, ns).bind(3, name);
    return st->run();
}

} // namespace sluice::core
