#pragma once

#include <string>
#include <string_view>

namespace sluice::core {

// Quotes an SQL identifier ("a""b"): every stream and column name from a source goes through this.
// SQLite and PostgreSQL share the standard rule (double quotes, embedded quotes doubled).
std::string quoteIdent(std::string_view name);

} // namespace sluice::core
