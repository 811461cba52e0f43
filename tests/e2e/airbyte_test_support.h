#pragma once
// Shared by the airbyte source tests: the fake connector (tests/data/connectors/fake_source.py), a recording
// sink, and the request the engine would build.
#include "sources/airbyte/airbyte_source.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>
#include <cerrno>
#include <csignal>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>

namespace sluice::test {

using namespace sluice::core;
using nlohmann::json;

inline std::string fakeSource() {
    return (qEnvironmentVariable("SLUICE_TEST_DATA") + "/connectors/fake_source.py").toStdString();
}

// timeoutSeconds: spec, check and discover; heartbeatSeconds: a read's longest silence (0: the default).
inline std::string sourceConfig(const json& connectorConfig, int timeoutSeconds = 0,
                                int heartbeatSeconds = 0) {
    json c{{"command", json::array({fakeSource()})}, {"config", connectorConfig}};
    if (timeoutSeconds)
        c["timeout_seconds"] = timeoutSeconds;
    if (heartbeatSeconds)
        c["heartbeat_timeout_seconds"] = heartbeatSeconds;
    return c.dump();
}

// Remembers everything a source delivers; can fail on the Nth record, like a cancel or a destination error.
class RecordingSink : public RecordSink {
public:
    struct Rec {
        size_t stream;
        Row row;
    };
    std::vector<Rec> records;
    std::vector<std::pair<size_t, std::string>> states;
    std::vector<std::string> globals;
    std::vector<std::string> legacy;
    std::vector<size_t> completed;
    std::vector<std::pair<LogLevel, std::string>> logs;
    std::map<size_t, int64_t> estimates;
    size_t failAtRecord = 0; // 1-based; 0: never
    int idColumn = 0;        // where the fake source's `id` is among the columns

    Status record(size_t stream, Row&& row) override {
        records.push_back({stream, std::move(row)});
        if (failAtRecord && records.size() == failAtRecord)
            return Error::cancelled();
        return {};
    }
    Status state(size_t stream, const std::string& stateJson) override {
        states.emplace_back(stream, stateJson);
        return {};
    }
    Status globalState(const std::string& shared) override {
        globals.push_back(shared);
        return {};
    }
    Status legacyState(const std::string& data) override {
        legacy.push_back(data);
        return {};
    }
    Status streamComplete(size_t stream) override {
        completed.push_back(stream);
        return {};
    }
    void log(LogLevel level, const std::string& message) override { logs.emplace_back(level, message); }
    void estimate(size_t stream, int64_t records) override { estimates[stream] = records; }

    std::vector<int64_t> ids(size_t stream) const {
        std::vector<int64_t> out;
        for (const auto& r : records)
            if (r.stream == stream)
                out.push_back(r.row.values[size_t(idColumn)].i);
        return out;
    }
    std::string lastState(size_t stream) const {
        std::string s;
        for (const auto& [i, text] : states)
            if (i == stream)
                s = text;
        return s;
    }
    bool logged(LogLevel level, const std::string& part) const {
        for (const auto& [l, m] : logs)
            if (l == level && m.find(part) != std::string::npos)
                return true;
        return false;
    }
};

// One record line of the throughput measurement: id, name suffix, score.
inline const char* const kBenchRecord =
    "{\"type\":\"RECORD\",\"record\":{\"stream\":\"users\",\"data\":{\"id\":%lld,\"name\":\"user-%lld\","
    "\"score\":%.1f,\"active\":true,\"meta\":{\"n\":1},\"updated_at\":\"2024-01-01T00:00:00Z\"},"
    "\"emitted_at\":1700000000000}}\n";

// Only counts: the throughput measurement should not measure the sink.
class CountingSink : public RecordSink {
public:
    int64_t count = 0;
    Status record(size_t, Row&&) override {
        ++count;
        return {};
    }
    Status state(size_t, const std::string&) override { return {}; }
    Status streamComplete(size_t) override { return {}; }
};

// The request the engine would build: every discovered stream, incremental append on the source cursor.
inline ReadRequest requestFor(const std::vector<StreamInfo>& streams) {
    ReadRequest r;
    for (const auto& s : streams) {
        StreamReadSpec spec;
        spec.stream.stream = s;
        spec.stream.mode = {SyncMode::Incremental, DestinationSyncMode::Append};
        spec.stream.cursorField = s.defaultCursorField;
        r.streams.push_back(spec);
    }
    return r;
}

inline std::vector<int64_t> range(int64_t from, int64_t to) {
    std::vector<int64_t> out;
    for (int64_t i = from; i <= to; ++i)
        out.push_back(i);
    return out;
}

inline pid_t pidIn(const QString& pidFile) {
    QFile f(pidFile);
    return f.open(QIODevice::ReadOnly) ? pid_t(f.readAll().trimmed().toInt()) : 0;
}

// Gone, or a zombie: a process whose parent died is reparented to a PID 1 that may never reap it.
inline bool pidGone(pid_t pid) {
    if (::kill(pid, 0) != 0)
        return errno == ESRCH;
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return true;
    const QByteArray text = stat.readAll();
    const int end = text.lastIndexOf(')'); // the state follows the command name, which may hold spaces
    return end > 0 && text.size() > end + 2 && text[end + 2] == 'Z';
}

// The process whose pid the fake connector wrote has ended (false while the file is not written yet).
inline bool processGone(const QString& pidFile) {
    const pid_t pid = pidIn(pidFile);
    return pid > 0 && pidGone(pid);
}

inline json dumped(const QTemporaryDir& dir, const char* verb) {
    QFile f(dir.filePath(QString(verb) + ".json"));
    if (!f.open(QIODevice::ReadOnly))
        return json();
    return json::parse(f.readAll().toStdString());
}

// Discovers with `config`, then reads every stream; `prepare` may adjust the request first.
inline Status readAll(const json& config, RecordingSink& sink,
                      const std::function<void(ReadRequest&)>& prepare = {}, int heartbeatSeconds = 0) {
    AirbyteSource source(sourceConfig(config, 0, heartbeatSeconds));
    auto streams = source.discover();
    if (!streams)
        return streams.error();
    ReadRequest request = requestFor(*streams);
    sink.idColumn = streams->front().columnIndex("id");
    if (prepare)
        prepare(request);
    return source.read(request, sink);
}

} // namespace sluice::test
