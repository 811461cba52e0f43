#include "sources/http/http_auth.h"

#include "util/logging.h"

#include <nlohmann/json.hpp>

namespace sluice::core {

using nlohmann::json;

namespace {
// A token is renewed this long before the server says it expires, so it never runs out mid-request.
constexpr std::chrono::seconds kExpiryMargin{30};

std::string form(const QueryParams& params) {
    std::string out;
    for (const auto& [name, value] : params)
        out += (out.empty() ? "" : "&") + percentEncode(name) + "=" + percentEncode(value);
    return out;
}

std::string printable(const std::string& text) {
    std::string out;
    for (char ch : text.substr(0, 200))
        out += ch >= 0x20 && ch < 0x7f ? ch : ' ';
    return redactSecrets(out);
}

void keepSecret(const std::string& value) {
    registerSecret(value);
    registerSecret(percentEncode(value));
}
} // namespace

std::string base64(const std::string& bytes) {
    static const char* const kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) |
                           (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                           static_cast<unsigned char>(bytes[i + 2]);
        out += {kAlphabet[v >> 18], kAlphabet[(v >> 12) & 63], kAlphabet[(v >> 6) & 63], kAlphabet[v & 63]};
    }
    if (i + 1 == bytes.size()) {
        const unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
        out += {kAlphabet[v >> 18], kAlphabet[(v >> 12) & 63], '=', '='};
    } else if (i + 2 == bytes.size()) {
        const unsigned v =
            (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8);
        out += {kAlphabet[v >> 18], kAlphabet[(v >> 12) & 63], kAlphabet[(v >> 6) & 63], '='};
    }
    return out;
}

HttpAuthenticator::HttpAuthenticator(HttpAuth auth) : m_auth(std::move(auth)) {
    if (m_auth.type == HttpAuth::Type::Basic) {
        const std::string encoded = base64(m_auth.username + ":" + m_auth.password);
        keepSecret(encoded);
        m_basic = "Basic " + encoded;
    }
}

Status HttpAuthenticator::apply(HttpClient& client, HttpUrl& url, HttpHeaders& headers) {
    switch (m_auth.type) {
    case HttpAuth::Type::None:
        break;
    case HttpAuth::Type::Bearer:
        headers.emplace_back("Authorization", "Bearer " + m_auth.token);
        break;
    case HttpAuth::Type::Basic:
        headers.emplace_back("Authorization", m_basic);
        break;
    case HttpAuth::Type::ApiKey:
        if (m_auth.keyInQuery)
            url = withQuery(url, {{m_auth.keyName, m_auth.keyValue}});
        else
            headers.emplace_back(m_auth.keyName, m_auth.keyValue);
        break;
    case HttpAuth::Type::OAuth2:
        if (m_accessToken.empty() || std::chrono::steady_clock::now() >= m_expires)
            SLUICE_TRY(fetchToken(client));
        headers.emplace_back("Authorization", "Bearer " + m_accessToken);
        break;
    }
    return {};
}

bool HttpAuthenticator::renew() {
    if (m_auth.type != HttpAuth::Type::OAuth2 || m_accessToken.empty())
        return false;
    m_accessToken.clear();
    return true;
}

Status HttpAuthenticator::fetchToken(HttpClient& client) {
    QueryParams params;
    if (!m_auth.refreshToken.empty()) {
        params = {{"grant_type", "refresh_token"}, {"refresh_token", m_auth.refreshToken}};
    } else {
        params = {{"grant_type", "client_credentials"}};
    }
    if (!m_auth.clientId.empty())
        params.emplace_back("client_id", m_auth.clientId);
    if (!m_auth.clientSecret.empty())
        params.emplace_back("client_secret", m_auth.clientSecret);
    if (!m_auth.scope.empty())
        params.emplace_back("scope", m_auth.scope);
    const std::string where =
        "http source: the OAuth2 token request to " + redactSecrets(m_auth.tokenUrl.text());
    auto response = client.postForm(m_auth.tokenUrl, {}, form(params));
    if (!response)
        return response.error();
    const int s = response->status;
    const json body = json::parse(response->body, nullptr, false);
    if (s < 200 || s >= 300) {
        std::string reason =
            "HTTP " + std::to_string(s) + (response->reason.empty() ? "" : " " + response->reason);
        // RFC 6749 §5.2: {"error": "invalid_client", "error_description": "..."}
        if (body.is_object() && body.contains("error") && body["error"].is_string())
            reason += ": " + printable(body["error"].get<std::string>()) +
                      (body.contains("error_description") && body["error_description"].is_string()
                           ? " (" + printable(body["error_description"].get<std::string>()) + ")"
                           : "");
        if (s == 429 || s == 408 || s >= 500)
            return Error::transient(where + " failed with " + reason);
        return Error::config(where + " was refused with " + reason +
                             "; check `auth.client_id`, `auth.client_secret` or `auth.refresh_token`");
    }
    if (!body.is_object() || !body.contains("access_token") || !body["access_token"].is_string() ||
        body["access_token"].get<std::string>().empty())
        return Error::config(where + " answered without an `access_token`; check `auth.token_url`");
    m_accessToken = body["access_token"].get<std::string>();
    keepSecret(m_accessToken);
    if (body.contains("refresh_token") && body["refresh_token"].is_string() &&
        !body["refresh_token"].get<std::string>().empty() &&
        body["refresh_token"].get<std::string>() != m_auth.refreshToken) {
        m_auth.refreshToken = body["refresh_token"].get<std::string>();
        keepSecret(m_auth.refreshToken);
        if (m_onRotated)
            SLUICE_TRY(m_onRotated(m_auth.refreshToken));
    }
    int64_t expiresIn = 0;
    if (body.contains("expires_in") && body["expires_in"].is_number())
        expiresIn = body["expires_in"].get<int64_t>();
    else if (body.contains("expires_in") && body["expires_in"].is_string())
        expiresIn = std::atoll(body["expires_in"].get<std::string>().c_str());
    // No expiry given: the token is kept until the API refuses it.
    const std::chrono::seconds lifetime(expiresIn);
    m_expires = expiresIn > 0
                    ? std::chrono::steady_clock::now() + lifetime - std::min(kExpiryMargin, lifetime / 2)
                    : std::chrono::steady_clock::time_point::max();
    return {};
}

} // namespace sluice::core
