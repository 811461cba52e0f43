#pragma once

#include "engine/engine_types.h"

namespace sluice::core {

// The connection dialog's questions about a connection being edited (its JSON, maybe not saved yet). Each
// asks the real connectors and may take as long as they do: the engine runs them as cancellable tasks.

// check() of the source, then of the destination; a message for each.
CheckResult checkEditedConnection(int token, const QString& json);
// The source's streams, with the choices already configured in `json` kept.
DiscoverResult discoverEditedConnection(int token, const QString& json);

} // namespace sluice::core
