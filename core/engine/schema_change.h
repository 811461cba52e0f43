#pragma once

#include "catalog/stream.h"
#include "config/connection_config.h"

#include <string>
#include <vector>

namespace sluice::core {

// How a stream's discovered columns differ from the ones it was last synced with (SPEC §6).
struct SchemaChange {
    std::vector<std::string> added, removed, retyped;
    std::vector<std::string> breakingReasons; // cursor or key field gone or retyped

    bool any() const { return !added.empty() || !removed.empty() || !retyped.empty(); }
    bool breaking() const { return !breakingReasons.empty(); }
    // "schema changed: column `x` added, column `y` removed"
    std::string describe() const;
};

// `keyFields` are the cursor and primary-key columns the configured stream depends on.
SchemaChange compareColumns(const std::vector<Column>& before, const std::vector<Column>& after,
                            const std::vector<std::string>& keyFields);

struct SchemaVerdict {
    enum class Action {
        Proceed,  // nothing changed
        Adopt,    // sync with the new columns (and remember them)
        KeepOld,  // sync with the columns as configured; new fields are not stored
        Block,    // do not sync the stream until a refresh or a reconfiguration
    };
    Action action = Action::Proceed;
    std::string reason; // for Block: what the user sees, always mentioning "schema"
};

SchemaVerdict decideSchemaChange(SchemaChangePolicy policy, const StreamMode& mode, const SchemaChange& change);

} // namespace sluice::core
