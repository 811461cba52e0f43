#pragma once

#include "config/connection_config.h"
#include "engine/state_edit_types.h"
#include "util/sqlite_db.h"

namespace sluice::core {

// The state editor's view of a stream: its state, how it is edited, and its edit history.
StreamStateReport streamStateReport(Database& db, const ConnectionConfig& c, const QString& stream);
// Plans (and, when asked, applies) a state edit from the GUI; the same core calls as `sluicectl state set`.
StateEditAnswer answerStateEdit(Database& db, const ConnectionConfig& c, const StateEditQuestion& question);

} // namespace sluice::core
