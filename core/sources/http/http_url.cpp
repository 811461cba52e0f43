#include "sources/http/http_url.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace sluice::core {

namespace {
bool startsWithNoCase(std::string_view text, std::string_view prefix) {
    return text.size() >= prefix.size() &&
           std::equal(prefix.begin(), prefix.end(), text.begin(), [](char a, char b) {
               return std::tolower(static_cast<unsigned char>(a)) ==
                      std::tolower(static_cast<unsigned char>(b));
           });
}
} // namespace

std::string HttpUrl::hostHeader() const {
    const std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    return port == (https ? 443 : 80) ? h : h + ":" + std::to_string(port);
}

std::string HttpUrl::text() const {
    return (https ? "https://" : "http://") + hostHeader() + target;
}

std::string HttpUrl::path() const {
    return target.substr(0, target.find('?'));
}

Result<HttpUrl> parseHttpUrl(const std::string& url) {
    HttpUrl out;
    out.https = startsWithNoCase(url, "https://");
    if (!out.https && !startsWithNoCase(url, "http://"))
        return Error::config("http source: `" + url + "` is not an http:// or https:// URL");
    out.port = out.https ? 443 : 80;
    std::string_view rest = std::string_view(url).substr(out.https ? 8 : 7);
    const size_t slash = rest.find_first_of("/?#");
    std::string_view authority = rest.substr(0, slash);
    std::string target(slash == std::string_view::npos ? "/" : rest.substr(slash));
    target = target.substr(0, target.find('#')); // fragments never reach the server
    if (target.empty() || target[0] == '?')
        target.insert(0, "/");
    out.target = target;
    if (authority.find('@') != std::string_view::npos)
        return Error::config("http source: " + url +
                             ": put credentials in `auth` or `headers`, not in the URL");
    std::string_view portText;
    if (!authority.empty() && authority[0] == '[') {
        const size_t close = authority.find(']');
        if (close == std::string_view::npos)
            return Error::config("http source: " + url + ": unterminated IPv6 address");
        out.host = std::string(authority.substr(1, close - 1));
        if (close + 1 < authority.size() && authority[close + 1] == ':')
            portText = authority.substr(close + 2);
    } else {
        const size_t colon = authority.rfind(':');
        out.host = std::string(authority.substr(0, colon));
        if (colon != std::string_view::npos)
            portText = authority.substr(colon + 1);
    }
    if (out.host.empty())
        return Error::config("http source: " + url + " has no host name");
    if (!portText.empty()) {
        unsigned port = 0;
        auto [p, ec] = std::from_chars(portText.data(), portText.data() + portText.size(), port);
        if (ec != std::errc() || p != portText.data() + portText.size() || port == 0 || port > 65535)
            return Error::config("http source: " + url + ": the port must be a number from 1 to 65535");
        out.port = static_cast<uint16_t>(port);
    }
    return out;
}

std::string percentEncode(std::string_view text) {
    static const char* const kHex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 15];
        }
    }
    return out;
}

HttpUrl withQuery(HttpUrl url, const QueryParams& params) {
    const size_t q = url.target.find('?');
    std::string path = url.target.substr(0, q);
    std::vector<std::string> parts;
    if (q != std::string::npos) {
        const std::string query = url.target.substr(q + 1);
        size_t start = 0;
        while (start <= query.size()) {
            const size_t amp = std::min(query.find('&', start), query.size());
            if (amp > start)
                parts.push_back(query.substr(start, amp - start));
            start = amp + 1;
        }
    }
    for (const auto& [name, value] : params) {
        const std::string key = percentEncode(name);
        const std::string part = key + "=" + percentEncode(value);
        auto same = std::find_if(parts.begin(), parts.end(),
                                 [&](const std::string& p) { return p.substr(0, p.find('=')) == key; });
        if (same != parts.end())
            *same = part;
        else
            parts.push_back(part);
    }
    url.target = path;
    for (size_t i = 0; i < parts.size(); ++i)
        url.target += (i == 0 ? "?" : "&") + parts[i];
    return url;
}

Result<HttpUrl> resolveHttpUrl(const HttpUrl& base, const std::string& link) {
    if (startsWithNoCase(link, "http://") || startsWithNoCase(link, "https://"))
        return parseHttpUrl(link);
    HttpUrl out = base;
    if (!link.empty() && link[0] == '/') {
        out.target = link;
    } else if (!link.empty() && link[0] == '?') {
        out.target = base.path() + link;
    } else {
        const std::string path = base.path();
        out.target = path.substr(0, path.rfind('/') + 1) + link;
    }
    return out;
}

std::optional<std::string> nextLink(std::string_view header) {
    // <https://api/x?page=2>; rel="next", <https://api/x?page=9>; rel="last"
    size_t at = header.find('<');
    while (at != std::string_view::npos) {
        const size_t close = header.find('>', at);
        if (close == std::string_view::npos)
            return std::nullopt;
        const std::string_view target = header.substr(at + 1, close - at - 1);
        at = header.find('<', close);
        std::string params(header.substr(close + 1, at == std::string_view::npos ? at : at - close - 1));
        std::transform(params.begin(), params.end(), params.begin(),
                       [](unsigned char c) { return std::tolower(c); });
        const size_t rel = params.find("rel=");
        if (rel == std::string::npos)
            continue;
        // rel="next", rel=next or rel="prev next": "next" as one of the space-separated relation types.
        std::string value = params.substr(rel + 4);
        value = value.substr(0, value.find_first_of(";,"));
        for (char& ch : value)
            if (ch == '"')
                ch = ' ';
        value = " " + value + " ";
        if (value.find(" next ") != std::string::npos && !target.empty())
            return std::string(target);
    }
    return std::nullopt;
}

} // namespace sluice::core
