#pragma once

#include "sources/http/http_client.h"
#include "sources/http/http_url.h"

#include <cstdint>
#include <string>

namespace sluice::core {

// How an API splits its records into pages (the `paging` key of the http spec).
struct HttpPaging {
    // Token: a token or next-page URL in the body; Link: the URL of the `Link: <...>; rel="next"` header.
    enum class Type { None, Page, Offset, Token, Link };
    Type type = Type::None;
    std::string pageParam = "page"; // page: the page number's query parameter
    std::string sizeParam;          // page, token, link: the page size's query parameter ("" = not sent)
    int64_t start = 1;              // page: the first page's number
    std::string offsetParam = "offset";
    std::string limitParam = "limit";  // offset: the page size's query parameter
    std::string tokenPath = "next";    // token: dot path in the response to the next token or next-page URL
    std::string tokenParam = "cursor"; // token: the query parameter that carries a token
};

// How requests authenticate (the `auth` key). Every credential is a secret: stored in the secret store,
// registered for redaction, never part of a message.
struct HttpAuth {
    enum class Type { None, Bearer, Basic, ApiKey, OAuth2 };
    Type type = Type::None;
    std::string token;                                       // bearer
    std::string username, password;                          // basic
    std::string keyName;                                     // api_key: the header or query parameter
    std::string keyValue;                                    // api_key
    bool keyInQuery = false;                                 // api_key: `in` is "query" (else "header")
    HttpUrl tokenUrl;                                        // oauth2: where tokens are issued
    std::string clientId, clientSecret, refreshToken, scope; // oauth2; a refresh token picks that grant
};

// The `http` source's configuration (SPEC §7 keys plus this spec's own), defaults applied.
struct HttpConfig {
    HttpUrl url;
    std::string urlText;
    std::string streamName;  // `stream_name`, else the URL's last path segment
    std::string recordsPath; // dot path to the records array; "" = the response is the array
    HttpPaging paging;
    int64_t pageSize = 100;
    HttpHeaders headers; // values are secrets
    HttpAuth auth;
    std::string caCertificate;      // PEM file of a private CA; "" = the system's CA store
    bool insecure = false;          // skip certificate checks (logged as a warning)
    std::string cursorParam;        // query parameter that receives the saved cursor in incremental reads
    int timeoutSeconds = 30;        // one whole request
    int connectTimeoutSeconds = 10; // connecting, TLS handshake included
};

// Parses and checks the configuration; every header value and credential is registered as a secret first.
Result<HttpConfig> parseHttpConfig(const std::string& configJson);

} // namespace sluice::core
