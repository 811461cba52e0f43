#pragma once

#include "config/connection_config.h"
#include "store/secret_store.h"

#include <map>
#include <string>
#include <vector>

namespace sluice::core {

// A connection's connector configurations as Sluice's database keeps them: secret values replaced by
// references into a SecretStore.
struct SealedConfigs {
    std::string source, destination;
    std::vector<std::string> written;  // references this sealing stored (to undo when the write fails)
    std::vector<std::string> kept;     // references taken over from the previous configuration
    std::vector<std::string> mappings; // per stream of the connection: its stored mapping, "" when none
};

// (namespace, name) -> a stream's mapping as stored.
using StoredMappings = std::map<std::pair<std::string, std::string>, std::string>;

// Each stream's `selected_fields` and `mappers` as Sluice's database keeps them (into sealed.mappings): an
// encryption mapper's key goes to `store` like a connector's secret; the mask keeps the key the same mapper
// (same stream, same position) has in `previous`.
Status sealMappings(SecretStore& store, const ConnectionConfig& c, const StoredMappings& previous,
                    SealedConfigs& sealed);

// Moves the secrets of `c` (see secretValuePointers) into `store`. A secret given as the mask ********** (a
// connection exported by `connection show` and imported again) keeps the secret stored at the same place
// in the previous configuration (`previousSource`/`previousDestination`, as stored; empty for a new
// connection); with none there, it is refused: the mask is not a password.
Result<SealedConfigs> sealSecrets(SecretStore& store, const ConnectionConfig& c,
                                  const std::string& previousSource, const std::string& previousDestination);

// The stored configuration with its references replaced by the values. A reference whose value is gone is
// left as null, with a warning that says how to set it again: the connection still loads and can be fixed.
Result<std::string> unsealSecrets(SecretStore& store, const std::string& storedJson,
                                  const std::string& where);

// Every reference in a stored configuration.
std::vector<std::string> secretReferences(const std::string& storedJson);

} // namespace sluice::core
