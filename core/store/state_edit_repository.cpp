#include "store/state_edit_repository.h"

#include "util/time_util.h"

namespace sluice::core {

namespace {

constexpr const char* kColumns =
    "id, namespace, name, action, previous_state, new_state, generation_id, undoes, program, created_at";

StateEditRecord readEdit(Statement& st) {
    StateEditRecord e;
    e.id = st.getInt(0);
    e.ns = st.getText(1);
    e.name = st.getText(2);
    e.action = st.getText(3);
    e.previousState = st.getText(4);
    e.newState = st.getText(5);
    e.generation = st.getInt(6);
    e.undoes = st.getOptInt(7);
    e.program = st.getText(8);
    e.createdAt = st.getText(9);
    return e;
}

} // namespace

Result<int64_t> StateEditRepository::add(int64_t connectionId, const StateEditRecord& e) {
    return m_db.write("recording a state edit", [&]() -> Result<int64_t> {
        SLUICE_TRY(
            m_db.execute("INSERT INTO state_edits (connection_id, namespace, name, action, previous_state, "
                         "new_state, generation_id, undoes, program, created_at) "
                         "VALUES (?,?,?,?,?,?,?,?,?,?)",
                         connectionId, e.ns, e.name, e.action, e.previousState, e.newState, e.generation,
                         e.undoes, nullIfEmpty(e.program), nowIso()));
        return m_db.lastInsertRowId();
    });
}

Result<std::vector<StateEditRecord>> StateEditRepository::history(int64_t connectionId, const std::string& ns,
                                                                  const std::string& name, int limit) {
    std::vector<StateEditRecord> out;
    SLUICE_TRY(m_db.forEachRow(
        std::string("SELECT ") + kColumns +
            " FROM state_edits WHERE connection_id=? AND namespace=? AND name=? "
            "ORDER BY id DESC LIMIT ?",
        [&](Statement& st) { out.push_back(readEdit(st)); }, connectionId, ns, name,
        static_cast<int64_t>(limit)));
    return out;
}

Result<std::optional<StateEditRecord>>
StateEditRepository::lastUndoable(int64_t connectionId, const std::string& ns, const std::string& name) {
    std::optional<StateEditRecord> out;
    SLUICE_TRY(m_db.forEachRow(
        std::string("SELECT ") + kColumns +
            " FROM state_edits e WHERE connection_id=? AND namespace=? AND name=? AND action='set' AND NOT "
            "EXISTS (SELECT 1 FROM state_edits u WHERE u.undoes = e.id) ORDER BY id DESC LIMIT 1",
        [&](Statement& st) { out = readEdit(st); }, connectionId, ns, name));
    return out;
}

} // namespace sluice::core
