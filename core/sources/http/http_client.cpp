#include "sources/http/http_client.h"

#include "sluice_version.h"
#include "util/logging.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <ctime>
#include <curl/curl.h>
#include <mutex>

namespace sluice::core {

namespace {
constexpr size_t kMaxBodyBytes = 512u * 1024 * 1024;

struct Transfer {
    HttpResponse response;
    bool tooLarge = false;
};

size_t onBody(char* data, size_t size, size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    const size_t n = size * count;
    if (t->response.body.size() + n > kMaxBodyBytes) {
        t->tooLarge = true;
        return 0; // libcurl stops the transfer with CURLE_WRITE_ERROR
    }
    t->response.body.append(data, n);
    return n;
}

std::string trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
        s.remove_suffix(1);
    return std::string(s);
}

// Called once per header line of every response, redirects and interim 1xx included: a status line starts
// the headers afresh, so what remains at the end belongs to the final response.
size_t onHeader(char* data, size_t size, size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    const size_t n = size * count;
    const std::string_view line(data, n);
    if (line.rfind("HTTP/", 0) == 0) {
        t->response.headers.clear();
        // "HTTP/1.1 200 OK"; HTTP/2 has no reason phrase.
        const size_t code = line.find(' ');
        const size_t reason = code == std::string_view::npos ? code : line.find(' ', code + 1);
        t->response.reason = reason == std::string_view::npos ? "" : trim(line.substr(reason + 1));
        return n;
    }
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos)
        return n;
    std::string name(line.substr(0, colon));
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    t->response.headers.emplace_back(std::move(name), trim(line.substr(colon + 1)));
    return n;
}

struct HeaderList {
    curl_slist* list = nullptr;
    ~HeaderList() { curl_slist_free_all(list); }
    void add(const std::string& line) { list = curl_slist_append(list, line.c_str()); }
};

std::string seconds(int ms) {
    return std::to_string(std::max(ms, 1000) / 1000) + " s";
}

// The host a failed request was talking to: the last one of a redirect chain.
std::string hostOf(CURL* curl, const HttpUrl& requested) {
    char* effective = nullptr;
    curl_easy_getinfo(curl, CURLINFO_EFFECTIVE_URL, &effective);
    if (effective) {
        auto url = parseHttpUrl(effective);
        if (url)
            return url->host;
    }
    return requested.host;
}
} // namespace

std::string HttpResponse::header(std::string_view name) const {
    for (const auto& [k, v] : headers)
        if (k == name)
            return v;
    return {};
}

std::optional<int> retryAfterMs(const HttpResponse& r) {
    const std::string v = r.header("retry-after");
    if (v.empty())
        return std::nullopt;
    int value = 0;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), value);
    if (ec == std::errc() && p == v.data() + v.size())
        return value < 0 ? std::nullopt : std::optional<int>(std::min(value, 86400) * 1000);
    const time_t when = curl_getdate(v.c_str(), nullptr);
    if (when < 0)
        return std::nullopt;
    const time_t now = std::time(nullptr);
    return static_cast<int>(std::clamp<time_t>(when - now, 0, 86400) * 1000);
}

HttpClient::HttpClient(HttpClientOptions options) : m_options(std::move(options)) {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    CURL* curl = curl_easy_init();
    m_curl = curl;
    if (!curl)
        return;
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L); // no SIGALRM for timeouts: the engine runs threads
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "Sluice/" SLUICE_VERSION);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    // Redirects are followed by perform(): libcurl would send custom headers (an API key) to any host.
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, ""); // every coding this libcurl decodes (gzip, deflate)
    curl_easy_setopt(curl, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
    curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(m_options.connectTimeoutMs));
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(m_options.timeoutMs));
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, onBody);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, onHeader);
    if (!m_options.caCertificate.empty())
        curl_easy_setopt(curl, CURLOPT_CAINFO, m_options.caCertificate.c_str());
    if (m_options.insecure) {
        curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
    }
}

HttpClient::~HttpClient() {
    if (m_curl)
        curl_easy_cleanup(static_cast<CURL*>(m_curl));
}

Result<HttpResponse> HttpClient::get(const HttpUrl& url, const HttpHeaders& headers) {
    return perform(url, headers, nullptr);
}

Result<HttpResponse> HttpClient::postForm(const HttpUrl& url, const HttpHeaders& headers,
                                          const std::string& body) {
    return perform(url, headers, &body);
}

Result<HttpResponse> HttpClient::perform(const HttpUrl& url, const HttpHeaders& headers,
                                         const std::string* postBody) {
    const std::string where = std::string(postBody ? "POST " : "GET ") + redactSecrets(url.text());
    HttpUrl target = url;
    HttpHeaders sent = headers;
    for (int redirects = 0;; ++redirects) {
        std::string next;
        auto response = performOnce(target, where, sent, postBody, next);
        if (!response || next.empty())
            return response;
        if (redirects == kMaxRedirects)
            return Error::config("http source: " + where + ": more than " + std::to_string(kMaxRedirects) +
                                 " redirects");
        auto to = parseHttpUrl(next);
        if (!to)
            return Error::config("http source: " + where + ": redirected to " + redactSecrets(next) +
                                 ", which is not an http:// or https:// URL");
        // The configured credentials are for the configured host: another host (or scheme, or port) gets
        // none of them, and none come back on a later redirect (what browsers do with Authorization).
        if (to->https != target.https || to->host != target.host || to->port != target.port)
            sent.clear();
        // 303, and 301/302 after a POST, turn the request into a GET (as libcurl and browsers do).
        if (response->status == 303 || response->status == 301 || response->status == 302)
            postBody = nullptr;
        target = std::move(*to);
    }
}

Result<HttpResponse> HttpClient::performOnce(const HttpUrl& url, const std::string& where,
                                             const HttpHeaders& headers, const std::string* postBody,
                                             std::string& redirectTo) {
    auto* curl = static_cast<CURL*>(m_curl);
    if (!curl)
        return Error::internal("http source: libcurl could not start a request");
    HeaderList list;
    bool hasAccept = false;
    for (const auto& [name, value] : headers) {
        // A line break would let a configured value smuggle in other headers or requests.
        if (name.empty() || name.find_first_of("\r\n:") != std::string::npos ||
            value.find_first_of("\r\n") != std::string::npos)
            return Error::config("http source: the header `" + name +
                                 "` is empty or has a line break in its name or value");
        std::string lowered = name;
        std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                       [](unsigned char c) { return std::tolower(c); });
        hasAccept = hasAccept || lowered == "accept";
        list.add(value.empty() ? name + ";" : name + ": " + value); // "Name;" is libcurl's empty header
    }
    if (!hasAccept)
        list.add("Accept: application/json");
    if (postBody)
        list.add("Content-Type: application/x-www-form-urlencoded");

    Transfer t;
    char errors[CURL_ERROR_SIZE] = {0};
    const std::string text = url.text();
    curl_easy_setopt(curl, CURLOPT_URL, text.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list.list);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errors);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &t);
    if (postBody) {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(postBody->size()));
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, postBody->c_str());
    } else {
        curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    }
    const CURLcode rc = curl_easy_perform(curl);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
    if (rc == CURLE_OK) {
        long status = 0;
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
        t.response.status = static_cast<int>(status);
        char* location = nullptr;
        if (status >= 300 && status < 400 &&
            curl_easy_getinfo(curl, CURLINFO_REDIRECT_URL, &location) == CURLE_OK && location)
            redirectTo = location;
        return std::move(t.response);
    }

    // libcurl's own words carry the detail (the OpenSSL reason, the byte counts); they hold no header values.
    const std::string detail = redactSecrets(errors[0] ? trim(errors) : curl_easy_strerror(rc));
    switch (rc) {
    case CURLE_PEER_FAILED_VERIFICATION: {
        const std::string host = hostOf(curl, url);
        return Error::config("http source: " + where + ": the TLS certificate of " + host +
                             " is not trusted (" + detail + "); if " + host +
                             " uses a private CA, set `ca_certificate` to its PEM file");
    }
    case CURLE_SSL_CACERT_BADFILE:
        return Error::config("http source: " + where + ": cannot use `ca_certificate` " +
                             m_options.caCertificate + " (" + detail + ")");
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
        return Error::config("http source: " + where + ": " + detail);
    case CURLE_OPERATION_TIMEDOUT:
        // libcurl says "Connection timed out" (or "Resolving timed out") before it is connected.
        if (detail.rfind("Operation timed out", 0) == 0)
            return Error::transient("http source: " + where + ": no complete response within " +
                                    seconds(m_options.timeoutMs) + " (`timeout_seconds`)");
        return Error::transient("http source: " + where + ": could not connect to " + url.hostHeader() +
                                " within " + seconds(m_options.connectTimeoutMs) +
                                " (`connect_timeout_seconds`)");
    case CURLE_PARTIAL_FILE:
        return Error::transient("http source: " + where + ": the body was cut short (" + detail + ")");
    case CURLE_WRITE_ERROR:
        if (t.tooLarge)
            return Error::transient("http source: " + where + ": the response body is larger than 512 MiB");
        break;
    default:
        break;
    }
    return Error::transient("http source: " + where + ": " + detail);
}

} // namespace sluice::core
