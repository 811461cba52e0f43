#pragma once

#include "util/result.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice::core {

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// An http:// URL taken apart for a request line and a Host header.
struct HttpUrl {
    std::string host; // an IPv6 address without its brackets
    uint16_t port = 80;
    std::string target = "/"; // path and query, as sent in the request line

    std::string hostHeader() const;
    std::string text() const; // the URL again, for messages
    std::string path() const; // the target without its query
};

// Parses an absolute URL; https (not supported yet) and malformed URLs are Config errors that say so.
Result<HttpUrl> parseHttpUrl(const std::string& url);

// The URL with each parameter set: an existing one of the same name is replaced, others are appended.
HttpUrl withQuery(HttpUrl url, const QueryParams& params);

// A link found in a response (a next-page URL): absolute, host-relative ("/x?y") or relative to `base`.
Result<HttpUrl> resolveHttpUrl(const HttpUrl& base, const std::string& link);

// Percent-encoding of a query component (RFC 3986 unreserved characters stay as they are).
std::string percentEncode(std::string_view text);

} // namespace sluice::core
