#pragma once

#include "engine/engine_types.h"

namespace sluice::core {

// Writes `rows` as CSV (RFC 4180: CRLF line ends, fields with a comma, quote or line break quoted) to
// `path`, replacing the file; returns an error message, empty on success.
QString writeCsv(const QString& path, const RowSet& rows);

} // namespace sluice::core
