#pragma once

#include "catalog/value.h"

#include <cstdint>
#include <string>

namespace sluice::core {

// Produces the per-record metadata every destination writes: a UUID raw id, the extraction time as
// ISO-8601 text, and the _airbyte_meta JSON. Cheap enough for the hot path (no DOM, cached strings).
class RecordStamper {
public:
    RecordStamper();

    // 36-character lowercase UUID v4 text, written into `out` (reused buffer).
    void uuid(std::string& out);
    // ISO-8601 UTC with milliseconds; the last value is cached since batches share timestamps.
    const std::string& extractedAt(int64_t millis);
    // {"sync_id":N,"changes":[...]}; the change-free form is cached per sync id.
    const std::string& meta(int64_t syncId, const Row& row);

private:
    uint64_t next();
    uint64_t m_s[4];
    int64_t m_lastMillis = -1;
    std::string m_lastIso;
    int64_t m_metaSyncId = -1;
    std::string m_plainMeta;
    std::string m_changedMeta;
};

} // namespace sluice::core
