#pragma once

#include "util/result.h"

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

namespace sluice::core {

// A row-filtering condition in Airbyte's shape: EQUAL on one field, or NOT around a list of conditions.
struct FilterCondition {
    enum class Kind { Equal, Not };
    Kind kind = Kind::Equal;
    std::string fieldName, comparisonValue;  // Equal
    std::vector<FilterCondition> conditions; // Not: the row is kept when none of them holds
};

// One of Airbyte's mappers ("mappers" of a configured stream), as its mapperConfiguration says it.
struct MapperSpec {
    enum class Type { Hashing, FieldRenaming, RowFiltering, Encryption };
    Type type = Type::Hashing;
    std::string targetField, fieldNameSuffix;    // hashing, encryption
    std::string method;                          // hashing: MD5, SHA-1, SHA-224, SHA-256, SHA-384, SHA-512
    std::string originalFieldName, newFieldName; // field-renaming
    FilterCondition condition;                   // row-filtering
    std::string algorithm = "AES", key, mode = "CBC", padding = "PKCS5Padding"; // encryption; key is hex

    // "hashing of `email`", "field-renaming of `a`", ...: how refusals name the mapper.
    std::string describe() const;
    bool operator==(const MapperSpec& o) const;
};

const char* mapperTypeName(MapperSpec::Type t); // Airbyte's "type": "hashing", "field-renaming", ...

// Parses a configured stream's "mappers" list; `at` names it in messages ("streams[0].mappers").
Result<std::vector<MapperSpec>> parseMappers(const nlohmann::json& list, const std::string& at);
// Back to Airbyte's JSON; the encryption key is the mask unless revealSecrets.
nlohmann::json mappersToJson(const std::vector<MapperSpec>& mappers, bool revealSecrets);

} // namespace sluice::core
