#pragma once

#include "sources/http/http_config.h"
#include "sources/source.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace sluice::core {

class HttpAuthenticator;
class HttpClient;

// The `http` source: one stream read from a paged JSON API over HTTP or HTTPS (libcurl, http_client.h),
// authenticated by `auth` (http_auth.h) and `headers`.
//
// Pages: the first request goes to `url`; paging adds the page number, offset or token as query parameters
// (or follows a next-page URL found at `paging.token_path`, or the Link header's rel="next" URL). Reading
// stops at an empty page, at a page shorter than `page_size` (page and offset paging) or when a response
// has no next token or link.
//
// States: full refresh saves where the next page starts after each page, {"page": n}, {"offset": k} or
// {"token": "..."}, and a later attempt of the job continues there; the final state is {}. A page is the
// smallest step: an API's page holds the records between two checkpoints. Incremental reads keep
// CursorFilter's state with that position as its mid-read "position", send the saved cursor as the
// `cursor_param` query parameter when one is configured (the API must include records whose cursor equals it)
// and filter every record client-side, so ties at the boundary are neither lost nor duplicated.
//
// Failures: HTTP 429, 408 and 5xx, network errors, timeouts and bodies cut short are retried (Retry-After
// honoured, else a doubling backoff from 1 s) up to 5 tries, then fail the attempt as Transient naming the
// URL and the status, so the job's next attempt resumes at the last checkpointed page; other 4xx and
// untrusted certificates are Config errors. A 401 under OAuth2 first gets a fresh token. Header values and
// credentials are secrets: registered for redaction and never put into a message.
class HttpSource : public Source {
public:
    struct RetryPolicy {
        int maxTries = 5;
        int firstBackoffMs = 1000;
        int maxWaitMs = 300000;
    };

    // `configJson` is the configuration `config` came from: a refresh token the server rotates is reported
    // (Source::setConfigHandler) as that configuration with `auth.refresh_token` replaced.
    explicit HttpSource(Result<HttpConfig> config, std::string configJson = {});
    ~HttpSource() override;

    void setRetryPolicy(RetryPolicy policy) { m_retry = policy; }

    Status check() override;
    Result<std::vector<StreamInfo>> discover() override;
    Status read(const ReadRequest& request, RecordSink& sink) override;

private:
    using LogFn = std::function<void(const std::string&)>;
    struct Fetched;
    // The client and the credentials, made on first use and kept: connections and OAuth2 tokens are reused
    // by check, discover and every page of a read.
    struct Session;
    Session& session();
    Result<Fetched> fetchPage(const HttpUrl& url, int maxTries, const LogFn& warn);
    Result<Fetched> firstPage(); // for check and discover
    Status readStream(size_t index, const StreamReadSpec& spec, RecordSink& sink);

    std::optional<HttpConfig> m_config;
    std::string m_configJson; // never logged: it holds the credentials
    Status m_configStatus;
    RetryPolicy m_retry;
    std::unique_ptr<Session> m_session;
};

// The source for a configuration object; a bad configuration makes every call fail with a Config error.
std::unique_ptr<Source> makeHttpSource(const std::string& configJson);

} // namespace sluice::core
