#pragma once

#include "util/result.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice::core {

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// An http:// or https:// URL taken apart, so paging can set query parameters and resolve relative links.
struct HttpUrl {
    bool https = false;
    std::string host; // an IPv6 address without its brackets
    uint16_t port = 80;
    std::string target = "/"; // path and query, as sent in the request line

    std::string hostHeader() const; // host, and the port when it is not the scheme's default
    std::string text() const;       // the whole URL, as requested
    std::string path() const;       // the target without its query
};

// Parses an absolute http:// or https:// URL; other schemes and malformed URLs are Config errors saying so.
Result<HttpUrl> parseHttpUrl(const std::string& url);

// The URL with each parameter set: an existing one of the same name is replaced, others are appended.
HttpUrl withQuery(HttpUrl url, const QueryParams& params);

// A link found in a response (a next-page URL): absolute, host-relative ("/x?y") or relative to `base`.
Result<HttpUrl> resolveHttpUrl(const HttpUrl& base, const std::string& link);

// The target of the rel="next" link in a `Link` header (RFC 8288); nullopt when there is none.
std::optional<std::string> nextLink(std::string_view linkHeader);

// Percent-encoding of a query component (RFC 3986 unreserved characters stay as they are).
std::string percentEncode(std::string_view text);

} // namespace sluice::core
