#pragma once

#include "catalog/stream.h"
#include "config/connection_config.h"

namespace sluice::core {

// Applies cursor and key precedence; an invalid configuration is an Invalid error naming the stream.
Result<ResolvedStream> resolveStream(const StreamInfo& discovered, const ConfiguredStreamConfig& configured);

} // namespace sluice::core
