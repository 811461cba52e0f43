#pragma once

#include <string>
#include <vector>

namespace sluice::core {

// A path into a record: one name per nesting level (Airbyte's cursor_field and primary_key entries).
using FieldPath = std::vector<std::string>;

std::string fieldPathToString(const FieldPath& p); // "a.b"

} // namespace sluice::core
