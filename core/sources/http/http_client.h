#pragma once

#include "sources/http/http_url.h"
#include "util/result.h"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice::core {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpResponse {
    int status = 0;
    std::string reason;
    HttpHeaders headers; // of the final response after redirects; names in lower case
    std::string body;    // decoded (gzip and deflate are asked for and undone)

    // The first header of that (lower-case) name; empty when absent.
    std::string header(std::string_view name) const;
};

// How long a 429 or 503 asks to wait (Retry-After: delta-seconds or an HTTP-date), in milliseconds;
// nullopt when the header is absent or unreadable.
std::optional<int> retryAfterMs(const HttpResponse& response);

struct HttpClientOptions {
    std::string caCertificate; // PEM file of the CAs to trust; empty: the system's store
    bool insecure = false;     // no certificate or host name check at all
    int connectTimeoutMs = 10000;
    int timeoutMs = 30000; // the whole request, body included
};

// Requests over libcurl: TLS with certificate checks, redirects followed (http and https only), the
// http_proxy/https_proxy/no_proxy variables honoured, gzip/deflate, HTTP/2 where the server offers it.
// One client keeps its connections open between requests, so the pages of one read share a TLS session.
//
// Failures come back as errors naming the URL (registered secrets masked), never a header value: a
// certificate that does not verify is a Config error naming the host; timeouts, refused or reset
// connections and bodies cut short are Transient.
class HttpClient {
public:
    explicit HttpClient(HttpClientOptions options);
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    Result<HttpResponse> get(const HttpUrl& url, const HttpHeaders& headers);
    // A POST of an application/x-www-form-urlencoded body (OAuth2 token requests).
    Result<HttpResponse> postForm(const HttpUrl& url, const HttpHeaders& headers, const std::string& body);

private:
    static constexpr int kMaxRedirects = 10;

    // Follows redirects itself; the headers go only to the URL's own scheme, host and port.
    Result<HttpResponse> perform(const HttpUrl& url, const HttpHeaders& headers, const std::string* postBody);
    // One request; `redirectTo` gets the Location of a 3xx answer (absolute), else stays empty.
    Result<HttpResponse> performOnce(const HttpUrl& url, const std::string& where, const HttpHeaders& headers,
                                     const std::string* postBody, std::string& redirectTo);

    HttpClientOptions m_options;
    void* m_curl = nullptr; // CURL*, kept out of this header so only this layer sees libcurl
};

} // namespace sluice::core
