#pragma once

#include "sources/source.h"
#include "util/result.h"

#include <cstdint>

namespace sluice::core {

class JobLog;
class Store;

// Writes a configuration a source changed while it ran (a connector's CONTROL CONNECTOR_CONFIG, a rotated
// refresh token) into the stored connection at once, as the Airbyte platform does: the old token may be
// spent already, so the update must survive an attempt that fails afterwards. Only the changed values are
// taken into the connection as it is stored now (an edit made meanwhile stays); secrets go to the secret
// store with the one write that stores the connection, so nothing is half-written. The job log names the
// keys, never the values. Returns the source configuration now stored (with its secrets), for what the job
// runs next.
Result<std::string> keepSourceConfig(Store& store, int64_t connectionId, const SourceConfigUpdate& update,
                                     JobLog* log);

} // namespace sluice::core
