#pragma once

#include "sources/http/http_client.h"
#include "sources/http/http_url.h"

#include <cstdint>
#include <string>

namespace sluice::core {

// How an API splits its records into pages (the `paging` key of the http spec).
struct HttpPaging {
    enum class Type { None, Page, Offset, Token };
    Type type = Type::None;
    std::string pageParam = "page"; // page: the page number's query parameter
    std::string sizeParam;          // page, token: the page size's query parameter ("" = not sent)
    int64_t start = 1;              // page: the first page's number
    std::string offsetParam = "offset";
    std::string limitParam = "limit";  // offset: the page size's query parameter
    std::string tokenPath = "next";    // token: dot path in the response to the next token or next-page URL
    std::string tokenParam = "cursor"; // token: the query parameter that carries a token
};

// The `http` source's configuration (SPEC §7 keys plus this spec's own), defaults applied.
struct HttpConfig {
    HttpUrl url;
    std::string urlText;
    std::string streamName;  // `stream_name`, else the URL's last path segment
    std::string recordsPath; // dot path to the records array; "" = the response is the array
    HttpPaging paging;
    int64_t pageSize = 100;
    HttpHeaders headers;     // values are secrets
    std::string cursorParam; // query parameter that receives the saved cursor in incremental reads
    int timeoutSeconds = 30;
};

// Parses and checks the configuration; every header value is registered as a secret on the way.
Result<HttpConfig> parseHttpConfig(const std::string& configJson);

} // namespace sluice::core
