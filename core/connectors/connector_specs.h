#pragma once

#include "util/result.h"

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

namespace sluice::core {

enum class ConnectorRole { Source, Destination };

// Built-in connector types: their JSON Schema specs drive validation in the CLI and forms in the GUI.
std::vector<std::string> connectorTypes(ConnectorRole role);
bool isKnownConnector(ConnectorRole role, const std::string& type);
std::string connectorDisplayName(ConnectorRole role, const std::string& type);

// The connection specification (a JSON Schema object) of a built-in connector, as JSON text.
std::string connectorSpecJson(ConnectorRole role, const std::string& type);

// Checks a configuration against the connector's spec: required keys, types, enums, unknown keys.
// Fills defaults into `config`. The message names `where` and the offending key.
Status validateConnectorConfig(ConnectorRole role, const std::string& type, nlohmann::json& config,
                               const std::string& where);

// Keys (top-level or nested, as JSON pointers) whose values are secrets, by the spec's airbyte_secret.
std::vector<std::string> secretPointers(ConnectorRole role, const std::string& type);
// The JSON pointers of the secret values present in one configuration: the spec's secrets (each value of a
// secret object, like HTTP headers, on its own), and for `airbyte` connectors every key of `config` whose
// name looks secret (see looksSecret) and every key its `secret_fields` names (the spec's airbyte_secret).
std::vector<std::string> secretValuePointers(ConnectorRole role, const std::string& type,
                                             const nlohmann::json& config);
// An external connector's own spec is not known without running it, so its secrets are recognised by
// name: password, secret, token, api_key, apikey, access_key, private_key, client_secret, credentials.
bool looksSecret(const std::string& key);
// Replaces secret values with a mask, so configurations can be shown or logged.
void maskSecrets(ConnectorRole role, const std::string& type, nlohmann::json& config);

inline constexpr const char* kSecretMask = "**********";

// "a string", "an integer", ...: how validation messages name the JSON type that was found.
std::string describeJsonType(const nlohmann::json& value);

} // namespace sluice::core
