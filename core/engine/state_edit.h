#pragma once

#include "config/connection_config.h"
#include "store/state_edit_repository.h"
#include "util/sqlite_db.h"

#include <cstdint>
#include <optional>
#include <string>

namespace sluice::core {

// A hand edit of one stream's state: a new cursor for a built-in source, or a whole state object (a
// connector's own, opaque to Sluice).
struct StateEditInput {
    std::string stream;
    std::optional<std::string> cursor;    // the cursor's value as text, parsed as the cursor column's type
    std::optional<std::string> stateJson; // the stream state object
};

// What an edit (or an undo) will do, worked out before anything changes, for the confirmation.
struct StateEditPlan {
    std::string ns, name;
    std::string previousState; // the state the next sync would start from now ("" none)
    std::string newState;      // "" none: the next sync reads from the start
    int64_t generation = 0;
    int64_t seq = 0;               // of the state replaced, the destination's checkpoint counted
    std::optional<int64_t> undoes; // the edit an undo takes back
    std::string explanation;       // what the next sync will do, in words
};

// Validates an edit against the stream's mode, source and cursor type. Nothing is changed.
Result<StateEditPlan> planStateSet(Database& db, const ConnectionConfig& c, const StateEditInput& in);
// Plans taking back the newest edit of the stream that is not undone yet.
Result<StateEditPlan> planStateUndo(Database& db, const ConnectionConfig& c, const std::string& stream);
// Stores the planned state and records it in the stream's edit history, in one transaction. Refused while
// a job of the connection runs, and when the state moved since it was planned (a sync ran meanwhile).
// `program` says who did it: gui or cli.
Result<StateEditRecord> applyStateEdit(Database& db, const ConnectionConfig& c, const StateEditPlan& plan,
                                       const std::string& program);

} // namespace sluice::core
