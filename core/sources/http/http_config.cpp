#include "sources/http/http_config.h"

#include "util/logging.h"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace sluice::core {

using nlohmann::json;

namespace {
Status stringKey(const json& obj, const char* key, const std::string& where, std::string& out) {
    if (!obj.contains(key) || obj[key].is_null())
        return {};
    if (!obj[key].is_string())
        return Error::config("http source: `" + where + key + "` must be a string");
    out = obj[key].get<std::string>();
    return {};
}

Status intKey(const json& obj, const char* key, const std::string& where, int64_t minimum, int64_t& out) {
    if (!obj.contains(key) || obj[key].is_null())
        return {};
    if (!obj[key].is_number_integer() || obj[key].get<int64_t>() < minimum)
        return Error::config("http source: `" + where + key + "` must be an integer of at least " +
                             std::to_string(minimum));
    out = obj[key].get<int64_t>();
    return {};
}

Status parsePaging(const json& p, HttpPaging& out) {
    if (p.is_null())
        return {};
    if (!p.is_object())
        return Error::config("http source: `paging` must be an object such as {\"type\": \"page\"}");
    std::string type = "none";
    SLUICE_TRY(stringKey(p, "type", "paging.", type));
    if (type == "none")
        out.type = HttpPaging::Type::None;
    else if (type == "page")
        out.type = HttpPaging::Type::Page;
    else if (type == "offset")
        out.type = HttpPaging::Type::Offset;
    else if (type == "token")
        out.type = HttpPaging::Type::Token;
    else if (type == "link")
        out.type = HttpPaging::Type::Link;
    else
        return Error::config("http source: `paging.type` is \"" + type +
                             "\", expected one of \"none\", \"page\", \"offset\", \"token\", \"link\"");
    if (out.type == HttpPaging::Type::Page)
        out.sizeParam = "per_page";
    SLUICE_TRY(stringKey(p, "page_param", "paging.", out.pageParam));
    SLUICE_TRY(stringKey(p, "size_param", "paging.", out.sizeParam));
    SLUICE_TRY(intKey(p, "start", "paging.", 0, out.start));
    SLUICE_TRY(stringKey(p, "offset_param", "paging.", out.offsetParam));
    SLUICE_TRY(stringKey(p, "limit_param", "paging.", out.limitParam));
    SLUICE_TRY(stringKey(p, "token_path", "paging.", out.tokenPath));
    SLUICE_TRY(stringKey(p, "token_param", "paging.", out.tokenParam));
    if (out.type == HttpPaging::Type::Page && out.pageParam.empty())
        return Error::config("http source: `paging.page_param` must name the page number's query parameter");
    if (out.type == HttpPaging::Type::Offset && (out.offsetParam.empty() || out.limitParam.empty()))
        return Error::config(
            "http source: offset paging needs `paging.offset_param` and `paging.limit_param`");
    if (out.type == HttpPaging::Type::Token && out.tokenPath.empty())
        return Error::config(
            "http source: `paging.token_path` must say where the next token is in a response");
    return {};
}

// A credential: registered for redaction before anything can mention it, with its percent-encoded form
// (an API key sent as a query parameter shows up encoded in URLs).
Status secretKey(const json& auth, const char* key, std::string& out) {
    SLUICE_TRY(stringKey(auth, key, "auth.", out));
    if (!out.empty()) {
        registerSecret(out);
        registerSecret(percentEncode(out));
    }
    return {};
}

Status parseAuth(const json& a, HttpAuth& out) {
    if (a.is_null())
        return {};
    if (!a.is_object())
        return Error::config(
            "http source: `auth` must be an object such as {\"type\": \"bearer\", \"token\": ...}");
    SLUICE_TRY(secretKey(a, "token", out.token));
    SLUICE_TRY(secretKey(a, "password", out.password));
    SLUICE_TRY(secretKey(a, "value", out.keyValue));
    SLUICE_TRY(secretKey(a, "client_secret", out.clientSecret));
    SLUICE_TRY(secretKey(a, "refresh_token", out.refreshToken));
    std::string type = "none";
    SLUICE_TRY(stringKey(a, "type", "auth.", type));
    SLUICE_TRY(stringKey(a, "username", "auth.", out.username));
    SLUICE_TRY(stringKey(a, "name", "auth.", out.keyName));
    SLUICE_TRY(stringKey(a, "client_id", "auth.", out.clientId));
    SLUICE_TRY(stringKey(a, "scope", "auth.", out.scope));
    std::string in = "header";
    SLUICE_TRY(stringKey(a, "in", "auth.", in));
    const auto need = [&](const std::string& value, const char* key, const char* what) -> Status {
        if (value.empty())
            return Error::config("http source: `auth.type` \"" + type + "\" needs `auth." + key + "` (" +
                                 what + ")");
        return {};
    };
    if (type == "none") {
        out.type = HttpAuth::Type::None;
    } else if (type == "bearer") {
        out.type = HttpAuth::Type::Bearer;
        SLUICE_TRY(need(out.token, "token", "the bearer token"));
    } else if (type == "basic") {
        out.type = HttpAuth::Type::Basic;
        SLUICE_TRY(need(out.username, "username", "the user name"));
    } else if (type == "api_key") {
        out.type = HttpAuth::Type::ApiKey;
        SLUICE_TRY(need(out.keyName, "name", "the header or query parameter that carries the key"));
        SLUICE_TRY(need(out.keyValue, "value", "the key"));
        if (in != "header" && in != "query")
            return Error::config("http source: `auth.in` is \"" + in +
                                 "\", expected \"header\" or \"query\"");
        out.keyInQuery = in == "query";
    } else if (type == "oauth2") {
        out.type = HttpAuth::Type::OAuth2;
        std::string tokenUrl;
        SLUICE_TRY(stringKey(a, "token_url", "auth.", tokenUrl));
        SLUICE_TRY(need(tokenUrl, "token_url", "where the API issues access tokens"));
        auto url = parseHttpUrl(tokenUrl);
        if (!url)
            return url.error();
        out.tokenUrl = *url;
        if (out.refreshToken.empty()) {
            SLUICE_TRY(need(out.clientId, "client_id", "client credentials, or set `auth.refresh_token`"));
            SLUICE_TRY(
                need(out.clientSecret, "client_secret", "client credentials, or set `auth.refresh_token`"));
        }
    } else {
        return Error::config("http source: `auth.type` is \"" + type +
                             "\", expected one of \"none\", \"bearer\", \"basic\", \"api_key\", \"oauth2\"");
    }
    return {};
}

Status boolKey(const json& obj, const char* key, bool& out) {
    if (!obj.contains(key) || obj[key].is_null())
        return {};
    if (!obj[key].is_boolean())
        return Error::config(std::string("http source: `") + key + "` must be true or false");
    out = obj[key].get<bool>();
    return {};
}

int seconds(int64_t value) {
    return static_cast<int>(std::min<int64_t>(value, 3600));
}
} // namespace

Result<HttpConfig> parseHttpConfig(const std::string& configJson) {
    const json c = json::parse(configJson.empty() ? "{}" : configJson, nullptr, false);
    if (!c.is_object())
        return Error::config("http source: the configuration is not a JSON object");
    HttpConfig out;
    // Secrets first: nothing below may mention a header value before it is registered.
    if (c.contains("headers") && !c["headers"].is_null()) {
        if (!c["headers"].is_object())
            return Error::config("http source: `headers` must be an object of header names to values");
        for (const auto& [name, value] : c["headers"].items()) {
            if (!value.is_string())
                return Error::config("http source: the value of header `" + name + "` must be a string");
            const auto text = value.get<std::string>();
            registerSecret(text);
            // "Bearer <token>": a server echoing only the token must not reveal it either.
            if (const size_t space = text.find(' '); space != std::string::npos && text.size() - space > 6)
                registerSecret(text.substr(space + 1));
            out.headers.emplace_back(name, text);
        }
    }
    SLUICE_TRY(parseAuth(c.value("auth", json()), out.auth));
    SLUICE_TRY(stringKey(c, "url", "", out.urlText));
    if (out.urlText.empty())
        return Error::config("http source: `url` (the API's first page) is missing");
    auto url = parseHttpUrl(out.urlText);
    if (!url)
        return url.error();
    out.url = *url;
    SLUICE_TRY(stringKey(c, "stream_name", "", out.streamName));
    if (out.streamName.empty()) {
        std::string path = out.url.path();
        while (!path.empty() && path.back() == '/')
            path.pop_back();
        out.streamName = path.substr(path.rfind('/') + 1);
    }
    if (out.streamName.empty())
        return Error::config("http source: " + out.urlText +
                             " has no path to name the stream by; set `stream_name`");
    SLUICE_TRY(stringKey(c, "records_path", "", out.recordsPath));
    SLUICE_TRY(parsePaging(c.value("paging", json()), out.paging));
    SLUICE_TRY(intKey(c, "page_size", "", 1, out.pageSize));
    SLUICE_TRY(stringKey(c, "cursor_param", "", out.cursorParam));
    int64_t timeout = out.timeoutSeconds;
    SLUICE_TRY(intKey(c, "timeout_seconds", "", 1, timeout));
    out.timeoutSeconds = seconds(timeout);
    int64_t connectTimeout = out.connectTimeoutSeconds;
    SLUICE_TRY(intKey(c, "connect_timeout_seconds", "", 1, connectTimeout));
    out.connectTimeoutSeconds = seconds(connectTimeout);
    SLUICE_TRY(boolKey(c, "insecure", out.insecure));
    SLUICE_TRY(stringKey(c, "ca_certificate", "", out.caCertificate));
    if (!out.caCertificate.empty()) {
        // Said now, not as a TLS failure later: a typo in the path is the likeliest mistake.
        if (std::FILE* f = std::fopen(out.caCertificate.c_str(), "rb"))
            std::fclose(f);
        else
            return Error::config("http source: `ca_certificate` " + out.caCertificate +
                                 " cannot be read; it must be the path of a PEM file");
    }
    return out;
}

} // namespace sluice::core
