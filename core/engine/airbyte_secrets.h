#pragma once

#include "config/connection_config.h"
#include "util/result.h"

#include <functional>

namespace sluice::core {

// Adds to an `airbyte` source's `secret_fields` the keys of its configuration that the connector's spec
// marks `airbyte_secret`, so that the secret store keeps their values and every display masks them like the
// built-in connectors' passwords. Runs the connector's `spec` (once per process and command) and checks the
// configuration against it: a Config error names the key. Returns whether `c` changed (the caller stores it).
// Any other source: false, nothing run.
Result<bool> learnSecretFields(ConnectionConfig& c, std::function<bool()> stopRequested = {});

} // namespace sluice::core
