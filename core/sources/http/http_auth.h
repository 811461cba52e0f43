#pragma once

#include "sources/http/http_client.h"
#include "sources/http/http_config.h"

#include <chrono>
#include <functional>
#include <string>

namespace sluice::core {

// Puts a connection's credentials on each request. For OAuth2 it first gets an access token at the token
// URL (client credentials, or a refresh token) and keeps it for the requests that follow, until it expires
// or the API refuses it; a refresh token the server rotates replaces the old one for the next exchange.
// Tokens are registered as secrets the moment they arrive.
class HttpAuthenticator {
public:
    explicit HttpAuthenticator(HttpAuth auth);

    // Adds the credentials to one request, getting an access token first when none is held.
    Status apply(HttpClient& client, HttpUrl& url, HttpHeaders& headers);
    // After a 401: forgets the access token. True when a fresh one can be asked for (OAuth2).
    bool renew();
    // Told each refresh token the server rotated, before it is used: the old one may be spent already.
    void setRotatedHandler(std::function<Status(const std::string& refreshToken)> handler) {
        m_onRotated = std::move(handler);
    }

private:
    Status fetchToken(HttpClient& client);

    HttpAuth m_auth;
    std::string m_basic; // "Basic <base64>", computed once
    std::string m_accessToken;
    std::chrono::steady_clock::time_point m_expires;
    std::function<Status(const std::string&)> m_onRotated;
};

// Base64 (RFC 4648, with padding) for the basic scheme's credentials.
std::string base64(const std::string& bytes);

} // namespace sluice::core
