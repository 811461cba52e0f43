#include "sources/http/http_config.h"

#include "util/logging.h"

#include <algorithm>
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
    else
        return Error::config("http source: `paging.type` is \"" + type +
                             "\", expected one of \"none\", \"page\", \"offset\", \"token\"");
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
    out.timeoutSeconds = static_cast<int>(std::min<int64_t>(timeout, 3600));
    return out;
}

} // namespace sluice::core
