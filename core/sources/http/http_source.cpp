#include "sources/http/http_source.h"

#include "sources/cursor_filter.h"
#include "sources/http/http_auth.h"
#include "sources/http/http_client.h"
#include "sources/http/http_page.h"
#include "util/logging.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>
#include <thread>

namespace sluice::core {

using nlohmann::json;

namespace {
// check and discover answer a person waiting at the screen: one retry, not a minute of backoff.
constexpr int kInteractiveTries = 2;

// Where the next page starts.
struct Position {
    int64_t page = 0;
    int64_t offset = 0;
    std::string token; // empty: the first page
};

bool isLink(const std::string& token) {
    return token.rfind("http://", 0) == 0 || token.rfind("https://", 0) == 0 || token.rfind('/', 0) == 0;
}

std::string positionJson(const HttpPaging& paging, const Position& p) {
    switch (paging.type) {
    case HttpPaging::Type::Page:
        return json{{"page", p.page}}.dump();
    case HttpPaging::Type::Offset:
        return json{{"offset", p.offset}}.dump();
    case HttpPaging::Type::Token:
    case HttpPaging::Type::Link:
        // A token from a response may hold any bytes; the state is JSON.
        return json{{"token", p.token}}.dump(-1, ' ', false, json::error_handler_t::replace);
    case HttpPaging::Type::None:
        break;
    }
    return "{}";
}

// The saved position of an earlier attempt; false when there is none (the read starts at the first page).
bool readPosition(const HttpPaging& paging, const std::string& text, Position& p) {
    const json s = json::parse(text.empty() ? "null" : text, nullptr, false);
    if (!s.is_object())
        return false;
    if (paging.type == HttpPaging::Type::Page && s.contains("page") && s["page"].is_number_integer()) {
        p.page = std::max(s["page"].get<int64_t>(), paging.start);
        return true;
    }
    if (paging.type == HttpPaging::Type::Offset && s.contains("offset") && s["offset"].is_number_integer()) {
        p.offset = std::max<int64_t>(s["offset"].get<int64_t>(), 0);
        return true;
    }
    if ((paging.type == HttpPaging::Type::Token || paging.type == HttpPaging::Type::Link) &&
        s.contains("token") && s["token"].is_string()) {
        p.token = s["token"].get<std::string>();
        return !p.token.empty();
    }
    return false;
}

Result<HttpUrl> urlFor(const HttpConfig& c, const Position& p, QueryParams params) {
    const std::string size = std::to_string(c.pageSize);
    switch (c.paging.type) {
    case HttpPaging::Type::Page:
        params.emplace_back(c.paging.pageParam, std::to_string(p.page));
        if (!c.paging.sizeParam.empty())
            params.emplace_back(c.paging.sizeParam, size);
        break;
    case HttpPaging::Type::Offset:
        params.emplace_back(c.paging.offsetParam, std::to_string(p.offset));
        params.emplace_back(c.paging.limitParam, size);
        break;
    case HttpPaging::Type::Token:
        if (isLink(p.token)) // a next-page URL carries everything the API needs
            return resolveHttpUrl(c.url, p.token);
        if (!p.token.empty())
            params.emplace_back(c.paging.tokenParam, p.token);
        if (!c.paging.sizeParam.empty())
            params.emplace_back(c.paging.sizeParam, size);
        break;
    case HttpPaging::Type::Link:
        if (!p.token.empty()) // the API's link, exactly as given: it pages on its own terms
            return resolveHttpUrl(c.url, p.token);
        if (!c.paging.sizeParam.empty())
            params.emplace_back(c.paging.sizeParam, size);
        break;
    case HttpPaging::Type::None:
        break;
    }
    return withQuery(c.url, params);
}

// Where the page after `page` starts; nullopt when `page` was the last one. `link`: the page's rel="next".
std::optional<Position> nextPosition(const HttpConfig& c, const Position& at, const HttpPage& page,
                                     const std::optional<std::string>& link) {
    if (page.size() == 0)
        return std::nullopt;
    Position next = at;
    const bool shortPage = static_cast<int64_t>(page.size()) < c.pageSize;
    switch (c.paging.type) {
    case HttpPaging::Type::Page:
        if (shortPage)
            return std::nullopt;
        ++next.page;
        return next;
    case HttpPaging::Type::Offset:
        if (shortPage)
            return std::nullopt;
        next.offset += static_cast<int64_t>(page.size());
        return next;
    case HttpPaging::Type::Token: {
        auto token = page.token(c.paging.tokenPath);
        // An API that hands back the token it was given would page forever.
        if (!token || *token == at.token)
            return std::nullopt;
        next.token = *token;
        return next;
    }
    case HttpPaging::Type::Link:
        if (!link || *link == at.token)
            return std::nullopt;
        next.token = *link;
        return next;
    case HttpPaging::Type::None:
        break;
    }
    return std::nullopt;
}

// The start of an error body for a message: printable ASCII only, so a binary or odd page cannot garble it.
std::string snippet(const std::string& body) {
    std::string out;
    for (char ch : body.substr(0, 200))
        out += ch >= 0x20 && ch < 0x7f ? ch : ' ';
    return redactSecrets(out);
}

std::string seconds(int ms) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", ms / 1000.0);
    return buf;
}

std::string insecureWarning(const HttpConfig& c) {
    return "http source: `insecure` is true: the TLS certificate of " + c.url.host +
           " is not checked, so anyone on the way can read and change the data";
}

std::string statusText(const HttpResponse& r) {
    return "HTTP " + std::to_string(r.status) + (r.reason.empty() ? "" : " " + r.reason);
}
} // namespace

struct HttpSource::Fetched {
    HttpPage page;
    std::optional<std::string> link; // the Link header's rel="next"
};

struct HttpSource::Session {
    HttpClient client;
    HttpAuthenticator auth;
};

HttpSource::HttpSource(Result<HttpConfig> config, std::string configJson)
    : m_configJson(std::move(configJson)) {
    if (config)
        m_config = std::move(config.value());
    else
        m_configStatus = config.error();
}

HttpSource::~HttpSource() = default;

std::unique_ptr<Source> makeHttpSource(const std::string& configJson) {
    return std::make_unique<HttpSource>(parseHttpConfig(configJson), configJson);
}

HttpSource::Session& HttpSource::session() {
    if (!m_session) {
        const HttpConfig& c = *m_config;
        HttpClientOptions options{c.caCertificate, c.insecure, c.connectTimeoutSeconds * 1000,
                                  c.timeoutSeconds * 1000};
        m_session.reset(new Session{HttpClient(std::move(options)), HttpAuthenticator(c.auth)});
        m_session->auth.setRotatedHandler([this](const std::string& refreshToken) -> Status {
            json config = json::parse(m_configJson, nullptr, false);
            if (!config.is_object() || !config.contains("auth") || !config["auth"].is_object())
                return {};
            config["auth"]["refresh_token"] = refreshToken;
            m_configJson = config.dump();
            return reportConfigUpdate({m_configJson, {"/auth/refresh_token"}});
        });
        if (c.insecure)
            logger("source")->warn(insecureWarning(c));
    }
    return *m_session;
}

Result<HttpSource::Fetched> HttpSource::fetchPage(const HttpUrl& pageUrl, int maxTries, const LogFn& warn) {
    const HttpConfig& c = *m_config;
    Session& s = session();
    const std::string shown = redactSecrets(pageUrl.text());
    int backoffMs = m_retry.firstBackoffMs;
    bool renewed = false;
    std::optional<std::string> badBody; // the last 2xx body that was not JSON
    for (int attempt = 1;; ++attempt) {
        HttpUrl url = pageUrl;
        HttpHeaders headers = c.headers;
        auto response = [&]() -> Result<HttpResponse> {
            SLUICE_TRY(s.auth.apply(s.client, url, headers));
            return s.client.get(url, headers);
        }();
        std::string problem; // a full message, the URL named
        int waitMs = backoffMs;
        if (response && response->status >= 200 && response->status < 300) {
            bool notJson = false;
            auto page = HttpPage::parse(response->body, c.recordsPath, shown, &notJson);
            if (page)
                return Fetched{std::move(page.value()), nextLink(response->header("link"))};
            // A body cut short is not JSON either, so it is asked for again; the same body twice is the
            // answer.
            if (!notJson || (badBody && *badBody == response->body))
                return page.error();
            badBody = response->body;
            problem = page.error().message;
        } else if (response) {
            const int st = response->status;
            // An access token the API no longer takes (revoked, expired early): one fresh token, not a try.
            if (st == 401 && !renewed && s.auth.renew()) {
                renewed = true;
                --attempt;
                continue;
            }
            if (st != 429 && st != 408 && st < 500) {
                const std::string hint = st == 401 || st == 403
                                             ? "; check the credentials in `auth` or `headers`"
                                         : st == 404 ? "; check `url`"
                                                     : "";
                return Error::config("http source: GET " + shown + " returned " + statusText(*response) +
                                     hint + (response->body.empty() ? "" : ": " + snippet(response->body)));
            }
            problem = "http source: GET " + shown + " failed with " + statusText(*response);
            waitMs = retryAfterMs(*response).value_or(backoffMs);
        } else if (response.error().kind == ErrorKind::Transient) {
            problem = response.error().message;
        } else {
            return response.error();
        }
        if (attempt >= maxTries)
            return Error::transient(problem + "; gave up after " + std::to_string(attempt) +
                                    (attempt == 1 ? " try" : " tries"));
        waitMs = std::min(waitMs, m_retry.maxWaitMs);
        warn(problem + "; trying again in " + seconds(waitMs) + " s (try " + std::to_string(attempt + 1) +
             " of " + std::to_string(maxTries) + ")");
        std::this_thread::sleep_for(std::chrono::milliseconds(waitMs));
        backoffMs = std::min(backoffMs * 2, m_retry.maxWaitMs);
    }
}

Result<HttpSource::Fetched> HttpSource::firstPage() {
    SLUICE_TRY(m_configStatus);
    auto url = urlFor(*m_config, Position{m_config->paging.start, 0, {}}, {});
    if (!url)
        return url.error();
    return fetchPage(*url, kInteractiveTries, [](const std::string& m) { logger("source")->warn(m); });
}

Status HttpSource::check() {
    SLUICE_TRY(firstPage());
    return {};
}

Result<std::vector<StreamInfo>> HttpSource::discover() {
    auto page = firstPage();
    if (!page)
        return page.error();
    StreamInfo s;
    s.name = m_config->streamName;
    s.columns = page->page.inferColumns();
    s.supportedSyncModes = {SyncMode::FullRefresh, SyncMode::Incremental};
    s.isResumable = m_config->paging.type != HttpPaging::Type::None;
    return std::vector<StreamInfo>{s};
}

Status HttpSource::read(const ReadRequest& request, RecordSink& sink) {
    SLUICE_TRY(m_configStatus);
    for (size_t i = 0; i < request.streams.size(); ++i)
        SLUICE_TRY(readStream(i, request.streams[i], sink));
    return {};
}

Status HttpSource::readStream(size_t index, const StreamReadSpec& spec, RecordSink& sink) {
    const HttpConfig& c = *m_config;
    const std::string& name = spec.stream.stream.name;
    if (name != c.streamName)
        return Error::config("http source: this connection's stream is `" + c.streamName + "`, not `" + name +
                             "`");
    const bool incremental = spec.stream.mode.sync == SyncMode::Incremental;
    const FieldPath& cursorField = spec.stream.cursorField;
    if (incremental && cursorField.empty())
        return Error::config("http source: incremental stream `" + name + "` needs a cursor field");
    std::optional<CursorFilter> filter;
    if (incremental) {
        filter.emplace(spec);
        if (!filter->problem().empty())
            return Error::invalid("http source: " + filter->problem());
    }

    Position at{c.paging.start, 0, {}};
    const std::string saved = incremental ? filter->resumePosition() : spec.stateJson;
    if (readPosition(c.paging, saved, at))
        sink.log(LogLevel::Info, "http source: stream " + name + " resumes at " + positionJson(c.paging, at));
    QueryParams cursorQuery;
    if (incremental && !c.cursorParam.empty() && filter->hasLowerBound())
        cursorQuery.emplace_back(c.cursorParam, filter->lowerBound()->toDisplay());
    const auto warn = [&](const std::string& m) { sink.log(LogLevel::Warn, m); };
    if (c.insecure)
        warn(insecureWarning(c));

    while (true) {
        auto url = urlFor(c, at, cursorQuery);
        if (!url)
            return url.error();
        auto fetched = fetchPage(*url, m_retry.maxTries, warn);
        if (!fetched)
            return fetched.error();
        const HttpPage& page = fetched->page;
        for (size_t i = 0; i < page.size(); ++i) {
            Row row = page.row(i, spec.stream.stream.columns);
            if (filter && !filter->offer(page.field(i, cursorField), hashValues(row.values)))
                continue;
            row.reread = filter && filter->lastWasReread();
            SLUICE_TRY(sink.record(index, std::move(row)));
        }
        const auto next = nextPosition(c, at, page, fetched->link);
        if (!next)
            break;
        at = *next;
        const std::string position = positionJson(c.paging, at);
        SLUICE_TRY(sink.state(index, filter ? filter->checkpoint(position) : position));
    }
    SLUICE_TRY(sink.state(index, filter ? filter->finalState() : "{}"));
    return sink.streamComplete(index);
}

} // namespace sluice::core
