#include "engine/schema_change.h"

#include <algorithm>

namespace sluice::core {

std::string SchemaChange::describe() const {
    std::string out;
    auto add = [&out](const std::string& part) { out += (out.empty() ? "" : ", ") + part; };
    for (const auto& r : breakingReasons)
        add(r);
    for (const auto& c : added)
        add("column `" + c + "` added");
    for (const auto& c : removed)
        if (std::none_of(breakingReasons.begin(), breakingReasons.end(),
                         [&](const std::string& r) { return r.find("`" + c + "`") != std::string::npos; }))
            add("column `" + c + "` removed");
    for (const auto& c : retyped)
        if (std::none_of(breakingReasons.begin(), breakingReasons.end(),
                         [&](const std::string& r) { return r.find("`" + c + "`") != std::string::npos; }))
            add("column `" + c + "` changed type");
    return "schema changed: " + out;
}

SchemaChange compareColumns(const std::vector<Column>& before, const std::vector<Column>& after,
                            const std::vector<std::string>& keyFields) {
    SchemaChange c;
    auto find = [](const std::vector<Column>& cols, const std::string& n) -> const Column* {
        for (const auto& x : cols)
            if (x.name == n)
                return &x;
        return nullptr;
    };
    for (const auto& a : after)
        if (!find(before, a.name))
            c.added.push_back(a.name);
    for (const auto& b : before) {
        const Column* a = find(after, b.name);
        const bool key = std::find(keyFields.begin(), keyFields.end(), b.name) != keyFields.end();
        if (!a) {
            c.removed.push_back(b.name);
            if (key)
                c.breakingReasons.push_back("cursor or primary key field `" + b.name + "` was removed");
        } else if (a->type != b.type) {
            c.retyped.push_back(b.name);
            if (key)
                c.breakingReasons.push_back(std::string("cursor or primary key field `") + b.name +
                                            "` changed type from " + toString(b.type) + " to " + toString(a->type));
        }
    }
    return c;
}

SchemaVerdict decideSchemaChange(SchemaChangePolicy policy, const StreamMode& mode, const SchemaChange& change) {
    using A = SchemaVerdict::Action;
    if (!change.any())
        return {A::Proceed, {}};
    if (change.breaking())
        return {A::Block, change.describe() + "; the stream is blocked until you reconfigure or refresh it"};
    switch (policy) {
    case SchemaChangePolicy::Block:
        if (mode.sync == SyncMode::Incremental)
            return {A::Block, change.describe() +
                                  "; incremental syncs of this stream are blocked until you refresh it"};
        return {A::Adopt, {}};
    case SchemaChangePolicy::PropagateColumns:
    case SchemaChangePolicy::PropagateFully:
        return {A::Adopt, {}};
    case SchemaChangePolicy::Ignore:
        return {A::KeepOld, {}};
    }
    return {A::Proceed, {}};
}

} // namespace sluice::core
