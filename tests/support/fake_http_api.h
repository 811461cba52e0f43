#pragma once

// A fake paged JSON API for the http source's tests, served by FakeHttpServer, and helpers to read from it.
#include "fake_http_server.h"
#include "recording_sink.h"
#include "sources/http/http_source.h"

#include <QUrlQuery>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace sluice::test {

using nlohmann::json;

inline json items(int count) {
    json out = json::array();
    for (int i = 1; i <= count; ++i)
        out.push_back({{"id", i}, {"name", "item " + std::to_string(i)}, {"updated_at", "2024-01-01"}});
    return out;
}

inline json slice(const json& all, int64_t from, int64_t count) {
    json out = json::array();
    for (int64_t i = std::max<int64_t>(from, 0); i < std::min<int64_t>(from + count, all.size()); ++i)
        out.push_back(all[static_cast<size_t>(i)]);
    return out;
}

inline int64_t param(const FakeRequest& r, const char* name, int64_t fallback = 0) {
    const QString v = QUrlQuery(r.url).queryItemValue(name);
    return v.isEmpty() ? fallback : v.toLongLong();
}

inline FakeResponse ok(const json& body,
                       FakeResponse::Framing framing = FakeResponse::Framing::ContentLength) {
    FakeResponse r;
    r.body = QByteArray::fromStdString(body.dump());
    r.framing = framing;
    return r;
}

// An API with page-number paging: {"data": [...], "total": n}.
inline FakeHttpServer::Handler pagedApi(const json& all, FakeResponse::Framing framing) {
    return [all, framing](const FakeRequest& r) {
        const int64_t size = param(r, "per_page", 10);
        return ok({{"data", slice(all, (param(r, "page", 1) - 1) * size, size)}, {"total", all.size()}},
                  framing);
    };
}

inline std::unique_ptr<core::Source> httpSource(const json& config) {
    return core::makeHttpSource(config.dump());
}

// 25 items in pages of 10 numbered from 1.
inline std::unique_ptr<core::Source> pagedSource(FakeHttpServer& server, const QString& path,
                                                 FakeResponse::Framing framing) {
    server.setHandler(pagedApi(items(25), framing));
    return httpSource({{"url", server.url(path).toStdString()},
                       {"records_path", "data"},
                       {"page_size", 10},
                       {"paging", {{"type", "page"}}}});
}

inline core::ReadRequest readRequest(core::Source& src, const std::string& state = {},
                                     bool incremental = false) {
    auto streams = src.discover();
    if (!streams)
        qFatal("discover failed: %s", streams.error().message.c_str());
    core::StreamReadSpec spec;
    spec.stream.stream = streams->front();
    spec.stream.mode = {incremental ? core::SyncMode::Incremental : core::SyncMode::FullRefresh,
                        core::DestinationSyncMode::Append};
    if (incremental)
        spec.stream.cursorField = {"updated_at"};
    spec.stateJson = state;
    core::ReadRequest r;
    r.streams.push_back(spec);
    return r;
}

inline std::vector<int64_t> ids(const std::vector<core::Row>& rows) {
    std::vector<int64_t> out;
    for (const auto& r : rows)
        out.push_back(r.values.at(0).i);
    return out;
}

inline std::vector<int64_t> range(int64_t from, int64_t to) {
    std::vector<int64_t> out;
    for (int64_t i = from; i <= to; ++i)
        out.push_back(i);
    return out;
}

inline std::vector<std::string> states(const RecordingSink& sink) {
    std::vector<std::string> out;
    for (const auto& s : sink.statesOf(0))
        out.push_back(s.json);
    return out;
}

inline std::vector<QString> targets(const FakeHttpServer& server) {
    std::vector<QString> out;
    for (const auto& r : server.requests())
        out.push_back(r.url.toString());
    return out;
}

} // namespace sluice::test
