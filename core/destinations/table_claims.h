#pragma once

#include "util/result.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace sluice::core {

// Who writes into a destination: one connection of one Sluice home. Every home numbers its connections from
// 1, so the home's id is part of who a connection is when two homes share a destination.
struct DestinationOwner {
    int64_t connectionId = 0;
    std::string homeId;   // the home's UUID; empty for a destination driven outside a home (tests)
    std::string homePath; // for messages
    std::string name;     // for messages
    std::string prefix;   // settings.prefix: prepended to every table name of the connection

    // What the destination records as the owner: "<home id>/<connection id>", or the id alone.
    std::string key() const;
};

// The owner of `connectionId`: the bound one when it is that connection, else one known by its id alone (a
// destination driven outside a home, as in its own tests).
DestinationOwner ownerFor(const DestinationOwner& bound, int64_t connectionId);

// One row of a destination's table map (_airbyte_sluice_tables): the table a stream of a connection writes,
// and thereby owns, with its _airbyte_raw_ and _airbyte_tmp_ companions.
struct TableClaim {
    int64_t localId = 0; // the owner's number in this destination (its checkpoints are kept under it)
    std::string ns, name;
    std::string table;
    std::optional<std::string> owner; // DestinationOwner::key(); none: recorded before owners were
    std::string ownerName, ownerHome;
};

// What a destination allows as table names.
struct TableNaming {
    std::string where; // "SQLite destination /data/warehouse.sqlite", starts refusals
    // A valid table name from a wanted name and a suffix ("", "_1", ...): the suffix is always kept whole.
    std::function<std::string(const std::string& base, const std::string& suffix)> fit;
    // The same string for two names that are one table (SQLite ignores ASCII case).
    std::function<std::string(const std::string&)> fold;
    std::vector<std::string> reserved; // Sluice's own tables
};

struct StreamRef {
    std::string ns, name;
    bool hasData = false; // streams that already wrote choose first, so that they keep their table
};

// What begin() records for an owner: each stream's table, the rows to add, and the rows to drop (streams
// whose prefix changed move to new tables; the old ones keep their data and are no longer owned).
struct ClaimPlan {
    int64_t localId = 0;
    bool adoptLegacy = false;        // rows of localId without an owner become this owner's
    std::vector<std::string> tables; // one per stream, in the order given
    std::vector<TableClaim> added, dropped;
};

// Chooses the tables of an owner's streams given every claim of the destination (read under its write
// lock). A table, or a companion, that another owner has is refused (ErrorKind::Refused) with a message
// naming both connections and the ways out; within one owner, streams whose names collide get "_1", "_2"...
// `maxCheckpointId`: the greatest connection id among the destination's checkpoints.
Result<ClaimPlan> planClaims(const std::vector<TableClaim>& claims, const DestinationOwner& owner,
                             const std::vector<StreamRef>& streams, const TableNaming& naming,
                             int64_t maxCheckpointId);

// The owner's number in the destination for reading, if it has one yet.
std::optional<int64_t> localIdOf(const std::vector<TableClaim>& claims, const DestinationOwner& owner);

// The table a stream of the owner reads from: its claimed one, else the one it would claim; none when
// another owner has that one.
std::optional<std::string> tableToRead(const std::vector<TableClaim>& claims, const DestinationOwner& owner,
                                       const std::string& ns, const std::string& name,
                                       const TableNaming& naming);

} // namespace sluice::core
