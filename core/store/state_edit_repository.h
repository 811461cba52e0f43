#pragma once

#include "util/sqlite_db.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sluice::core {

// One hand edit of a stream's state (or the undo of one), with the state it replaced.
struct StateEditRecord {
    int64_t id = 0;
    std::string ns, name;
    std::string action;                  // set | undo
    std::string previousState, newState; // state JSON; empty: no state
    int64_t generation = 0;
    std::optional<int64_t> undoes; // the edit an undo took back
    std::string program;           // gui | cli
    std::string createdAt;
};

// The history of hand edits of stream states, in Sluice's database.
class StateEditRepository {
public:
    explicit StateEditRepository(Database& db) : m_db(db) {}

    Result<int64_t> add(int64_t connectionId, const StateEditRecord& edit);
    // Newest first.
    Result<std::vector<StateEditRecord>> history(int64_t connectionId, const std::string& ns,
                                                 const std::string& name, int limit = 100);
    // The newest `set` of the stream that no undo took back yet: what `state undo` takes back.
    Result<std::optional<StateEditRecord>> lastUndoable(int64_t connectionId, const std::string& ns,
                                                        const std::string& name);

private:
    Database& m_db;
};

} // namespace sluice::core
