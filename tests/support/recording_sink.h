#pragma once

#include "sources/source.h"

#include <QtGlobal>
#include <map>
#include <string>
#include <vector>

namespace sluice::test {

// Records everything a source delivers, and can refuse a record the way a failing destination would.
class RecordingSink : public core::RecordSink {
public:
    struct State {
        size_t stream;
        std::string json;
        size_t recordsBefore; // records of that stream delivered before the state
    };
    std::map<size_t, std::vector<core::Row>> rows;
    std::vector<State> states;
    std::vector<size_t> completed;
    std::vector<std::string> logs;
    std::map<size_t, int64_t> estimates;
    int64_t failOnRecord = -1; // 1-based number of the record to refuse; -1: never
    int64_t seen = 0;
    bool keepRows = true; // false: count only (large reads)

    core::Status record(size_t stream, core::Row&& row) override {
        if (++seen == failOnRecord)
            return core::Error::transient("destination: disk full");
        if (keepRows)
            rows[stream].push_back(std::move(row));
        return {};
    }
    core::Status state(size_t stream, const std::string& stateJson) override {
        states.push_back({stream, stateJson, rows[stream].size()});
        return {};
    }
    core::Status streamComplete(size_t stream) override {
        completed.push_back(stream);
        return {};
    }
    void log(core::LogLevel, const std::string& message) override { logs.push_back(message); }
    void estimate(size_t stream, int64_t records) override { estimates[stream] = records; }

    std::vector<State> statesOf(size_t stream) const {
        std::vector<State> out;
        for (const auto& s : states)
            if (s.stream == stream)
                out.push_back(s);
        return out;
    }

    // What an engine keeps of this read: the records covered by the stream's last state, and that state.
    std::vector<core::Row> committed(size_t stream, std::string& lastState) const {
        const auto own = statesOf(stream);
        if (own.empty())
            return {};
        lastState = own.back().json;
        const auto it = rows.find(stream);
        if (it == rows.end())
            return {};
        return {it->second.begin(), it->second.begin() + static_cast<long>(own.back().recordsBefore)};
    }
};

// One whole read that must succeed.
inline RecordingSink readOrFail(core::Source& source, const core::ReadRequest& request) {
    RecordingSink sink;
    const core::Status st = source.read(request, sink);
    if (!st)
        qFatal("read failed: %s", st.error().message.c_str());
    return sink;
}

} // namespace sluice::test
