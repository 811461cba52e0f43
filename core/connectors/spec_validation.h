#pragma once

#include "util/result.h"

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

// An external connector's configuration checked against the `connectionSpecification` its `spec` printed.
// Debian ships no C++ JSON Schema validator, so this is the subset of draft-07 that connector specs use:
// `type` (one or a list), `required`, `properties`, `additionalProperties` (false or a schema), `default`,
// `enum`, `const`, `minimum`/`maximum` and their exclusive forms, `minLength`/`maxLength`, `pattern`,
// `items`, `minItems`/`maxItems`, `oneOf` (auth choices), `anyOf` and `allOf`. Other keywords (`$ref`,
// `format`, ...) are not checked: a config they would refuse goes to the connector, which says so itself.
namespace sluice::core {

// Checks `config` against `spec` and fills the defaults of absent keys (also inside the chosen `oneOf`
// branch). The Config error names the key as `prefix.key.sub` and says what was expected, e.g.
// "`source.config.config.page_size` must be at most 1000, found 5000".
Status validateAgainstSpec(const nlohmann::json& spec, nlohmann::json& config, const std::string& prefix);

// JSON pointers into `config` of the values the spec marks `airbyte_secret`, present in `config`. Inside a
// `oneOf` the branch the configuration matches decides; an object or array marked secret is one secret.
std::vector<std::string> specSecretPointers(const nlohmann::json& spec, const nlohmann::json& config);

// Whether `v` is of the JSON Schema type `type` ("integer": a whole number within int64; unknown: true).
bool jsonMatchesType(const nlohmann::json& v, const std::string& type);
// A key as one step of a JSON pointer (~ and / escaped).
std::string escapeJsonPointer(const std::string& key);

} // namespace sluice::core
