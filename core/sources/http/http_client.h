#pragma once

#include "sources/http/http_url.h"
#include "util/result.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice::core {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpResponse {
    int status = 0;
    std::string reason;
    HttpHeaders headers; // names in lower case
    std::string body;

    // The first header of that (lower-case) name; empty when absent.
    std::string header(std::string_view name) const;
};

// One blocking GET over a fresh connection (HTTP/1.1, Connection: close, no TLS): bodies by Content-Length,
// chunked transfer coding or up to the close. `timeoutMs` bounds the connect and every wait for data, so a
// silent server fails the request instead of hanging the job. Network failures are Transient errors naming
// the URL; header values never appear in them.
Result<HttpResponse> httpGet(const HttpUrl& url, const HttpHeaders& headers, int timeoutMs);

} // namespace sluice::core
