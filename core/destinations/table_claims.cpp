#include "destinations/table_claims.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

namespace sluice::core {

namespace {

// The names one table stands for: itself, and the history and staging tables named after it.
std::vector<std::string> companions(const std::string& table, const TableNaming& n) {
    return {table, n.fit("_airbyte_raw_" + table, ""), n.fit("_airbyte_tmp_" + table, "")};
}

// Who the owner is in this destination: its number, and whether it takes over rows an earlier Sluice wrote
// without an owner (they carry its connection id). No number yet when another owner has its connection id.
struct Identity {
    std::optional<int64_t> localId;
    bool adoptLegacy = false;
};

Identity identify(const std::vector<TableClaim>& claims, const DestinationOwner& owner) {
    const std::string key = owner.key();
    for (const auto& c : claims)
        if (c.owner == key)
            return {c.localId, false};
    for (const auto& c : claims)
        if (!c.owner && c.localId == owner.connectionId)
            return {owner.connectionId, true};
    for (const auto& c : claims)
        if (c.localId == owner.connectionId)
            return {};
    return {owner.connectionId, false};
}

bool owns(const TableClaim& c, const DestinationOwner& owner, const Identity& me) {
    return c.owner == owner.key() || (me.adoptLegacy && !c.owner && c.localId == me.localId);
}

// The table was chosen for `base`: it is fit(base) or fit(base) with a "_<n>" suffix.
bool derivesFrom(const std::string& table, const std::string& base, const TableNaming& n) {
    if (table == n.fit(base, ""))
        return true;
    const size_t cut = table.rfind('_');
    if (cut == std::string::npos || cut + 1 == table.size())
        return false;
    const std::string suffix = table.substr(cut);
    if (!std::all_of(suffix.begin() + 1, suffix.end(), [](unsigned char c) { return std::isdigit(c); }))
        return false;
    return table == n.fit(base, suffix);
}

// A prefix that would do, from the connection's name: "Sales EU" -> "sales_eu_".
std::string suggestedPrefix(const std::string& name) {
    std::string out;
    for (unsigned char c : name)
        out += std::isalnum(c) ? static_cast<char>(std::tolower(c)) : '_';
    return (out.empty() || out.size() > 20 ? std::string("other") : out) + "_";
}

std::string connectionLabel(const std::string& name) {
    return name.empty() ? std::string("this connection") : "connection `" + name + "`";
}

Error refusal(const TableClaim& other, const std::string& table, const DestinationOwner& me,
              const TableNaming& naming) {
    const std::string id =
        other.owner ? other.owner->substr(other.owner->rfind('/') + 1) : std::to_string(other.localId);
    const bool otherHome = other.owner && !other.ownerHome.empty() && other.ownerHome != me.homePath;
    std::string owner = other.owner ? "connection `" + other.ownerName + "` (id " + id + ")"
                                    : "connection id " + id + " (as an earlier Sluice recorded it)";
    if (otherHome)
        owner += " of the Sluice home " + other.ownerHome;
    const std::string deleteArg = other.owner ? other.ownerName : id;
    std::string msg = naming.where + ": table `" + table + "` belongs to " + owner + ": " +
                      connectionLabel(me.name) + " does not write into it, and nothing was written. Give " +
                      connectionLabel(me.name) + " a table prefix (\"settings\": {\"prefix\": \"" +
                      suggestedPrefix(me.name) +
                      "\"} in its connection file, or Table prefix in its Settings), or point it at another "
                      "destination; if the other connection is no longer used, `sluicectl" +
                      (otherHome ? " --home " + other.ownerHome : std::string()) + " connection delete " +
                      deleteArg + "` releases its tables and keeps their data";
    if (otherHome)
        msg += " (if that home is gone, delete its rows from _airbyte_sluice_tables in the destination)";
    return Error::refused(msg);
}

} // namespace

std::string DestinationOwner::key() const {
    return homeId.empty() ? std::to_string(connectionId) : homeId + "/" + std::to_string(connectionId);
}

DestinationOwner ownerFor(const DestinationOwner& bound, int64_t connectionId) {
    if (bound.connectionId == connectionId)
        return bound;
    DestinationOwner o;
    o.connectionId = connectionId;
    return o;
}

std::optional<int64_t> localIdOf(const std::vector<TableClaim>& claims, const DestinationOwner& owner) {
    return identify(claims, owner).localId;
}

std::optional<std::string> tableToRead(const std::vector<TableClaim>& claims, const DestinationOwner& owner,
                                       const std::string& ns, const std::string& name,
                                       const TableNaming& naming) {
    const Identity me = identify(claims, owner);
    for (const auto& c : claims)
        if (c.ns == ns && c.name == name && owns(c, owner, me))
            return c.table;
    const std::string table = naming.fit(owner.prefix + name, "");
    for (const auto& c : claims)
        if (naming.fold(c.table) == naming.fold(table))
            return std::nullopt;
    return table;
}

Result<ClaimPlan> planClaims(const std::vector<TableClaim>& claims, const DestinationOwner& owner,
                             const std::vector<StreamRef>& streams, const TableNaming& naming,
                             int64_t maxCheckpointId) {
    ClaimPlan plan;
    const Identity me = identify(claims, owner);
    plan.adoptLegacy = me.adoptLegacy;
    if (me.localId) {
        plan.localId = *me.localId;
    } else {
        // Another home's connection has this number here: take one nobody has.
        int64_t top = std::max(maxCheckpointId, owner.connectionId);
        for (const auto& c : claims)
            top = std::max(top, c.localId);
        plan.localId = top + 1;
    }

    std::map<std::string, const TableClaim*> others; // folded name -> the claim it belongs to
    std::set<std::string> taken;                     // folded names this owner or Sluice uses
    for (const auto& r : naming.reserved)
        taken.insert(naming.fold(r));
    std::vector<const TableClaim*> mine;
    for (const auto& c : claims) {
        if (owns(c, owner, me)) {
            mine.push_back(&c);
            continue;
        }
        for (const auto& n : companions(c.table, naming))
            others.emplace(naming.fold(n), &c);
    }

    plan.tables.assign(streams.size(), {});
    auto wanted = [&](const StreamRef& s) { return owner.prefix + s.name; };
    // A stream keeps its table, unless the prefix changed since it was chosen: then it moves to a new one.
    for (const TableClaim* c : mine) {
        auto s = std::find_if(streams.begin(), streams.end(),
                              [&](const StreamRef& r) { return r.ns == c->ns && r.name == c->name; });
        if (s != streams.end() && !derivesFrom(c->table, wanted(*s), naming)) {
            plan.dropped.push_back(*c);
            continue;
        }
        if (s != streams.end())
            plan.tables[static_cast<size_t>(s - streams.begin())] = c->table;
        for (const auto& n : companions(c->table, naming))
            taken.insert(naming.fold(n));
    }

    auto clashes = [&](const std::string& t) {
        const auto names = companions(t, naming);
        return std::any_of(names.begin(), names.end(), [&](const std::string& n) {
            const std::string f = naming.fold(n);
            return taken.count(f) || others.count(f);
        });
    };
    for (bool withData : {true, false})
        for (size_t i = 0; i < streams.size(); ++i) {
            const StreamRef& s = streams[i];
            if (s.hasData != withData || !plan.tables[i].empty())
                continue;
            const std::string base = wanted(s);
            std::string table = naming.fit(base, "");
            for (const auto& n : companions(table, naming))
                if (auto o = others.find(naming.fold(n)); o != others.end())
                    return refusal(*o->second, n, owner, naming);
            for (int k = 1; clashes(table); ++k) {
                if (k > 10000)
                    return Error::internal(naming.where + ": no free table name for stream `" + s.name + "`");
                table = naming.fit(base, "_" + std::to_string(k));
            }
            for (const auto& n : companions(table, naming))
                taken.insert(naming.fold(n));
            plan.tables[i] = table;
            plan.added.push_back(
                {plan.localId, s.ns, s.name, table, owner.key(), owner.name, owner.homePath});
        }
    return plan;
}

} // namespace sluice::core
