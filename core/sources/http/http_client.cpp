#include "sources/http/http_client.h"

#include "sluice_version.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace sluice::core {

namespace {
constexpr size_t kMaxHeaderBytes = 64 * 1024;
constexpr size_t kMaxBodyBytes = 512u * 1024 * 1024;

class Socket {
public:
    explicit Socket(int fd = -1) : m_fd(fd) {}
    ~Socket() {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    Socket(Socket&& o) noexcept : m_fd(o.m_fd) { o.m_fd = -1; }
    Socket& operator=(Socket&& o) noexcept {
        std::swap(m_fd, o.m_fd);
        return *this;
    }
    int fd() const { return m_fd; }

private:
    int m_fd;
};

// Waits until the socket is ready for `events`; false on timeout or error.
bool waitFor(int fd, short events, int timeoutMs) {
    pollfd p{fd, events, 0};
    int rc;
    do {
        rc = ::poll(&p, 1, timeoutMs);
    } while (rc < 0 && errno == EINTR);
    return rc > 0;
}

Result<Socket> connectTo(const HttpUrl& url, int timeoutMs) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    const std::string port = std::to_string(url.port);
    if (int rc = ::getaddrinfo(url.host.c_str(), port.c_str(), &hints, &found); rc != 0)
        return Error::transient("cannot resolve " + url.host + ": " + gai_strerror(rc));
    std::string failure = "no address";
    for (addrinfo* a = found; a; a = a->ai_next) {
        Socket s(::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol));
        if (s.fd() < 0) {
            failure = std::strerror(errno);
            continue;
        }
        int rc = ::connect(s.fd(), a->ai_addr, a->ai_addrlen);
        if (rc < 0 && errno == EINPROGRESS) {
            if (!waitFor(s.fd(), POLLOUT, timeoutMs)) {
                failure = "connection timed out";
                continue;
            }
            int err = 0;
            socklen_t len = sizeof err;
            ::getsockopt(s.fd(), SOL_SOCKET, SO_ERROR, &err, &len);
            rc = err == 0 ? 0 : -1;
            errno = err;
        }
        if (rc == 0) {
            ::freeaddrinfo(found);
            return s;
        }
        failure = std::strerror(errno);
    }
    ::freeaddrinfo(found);
    return Error::transient("cannot connect to " + url.hostHeader() + ": " + failure);
}

Status sendAll(int fd, std::string_view data, int timeoutMs) {
    while (!data.empty()) {
        const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
        if (n > 0) {
            data.remove_prefix(static_cast<size_t>(n));
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
            if (!waitFor(fd, POLLOUT, timeoutMs))
                return Error::transient("timed out sending the request");
        } else {
            return Error::transient(std::string("sending the request failed: ") + std::strerror(errno));
        }
    }
    return {};
}

// Buffered reading of the response, pulling from the socket as the parser needs bytes.
class Reader {
public:
    Reader(int fd, int timeoutMs) : m_fd(fd), m_timeoutMs(timeoutMs) {}

    // Appends what arrives next; 0 at the end of the stream.
    Result<size_t> fill() {
        char buf[16384];
        while (true) {
            const ssize_t n = ::recv(m_fd, buf, sizeof buf, 0);
            if (n >= 0) {
                m_buf.append(buf, static_cast<size_t>(n));
                return static_cast<size_t>(n);
            }
            if (errno == EINTR)
                continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                return Error::transient(std::string("reading the response failed: ") + std::strerror(errno));
            if (!waitFor(m_fd, POLLIN, m_timeoutMs))
                return Error::transient("no response within " + std::to_string(m_timeoutMs / 1000) + " s");
        }
    }

    Result<std::string> line() {
        while (true) {
            const size_t eol = m_buf.find("\r\n", m_pos);
            if (eol != std::string::npos) {
                std::string out = m_buf.substr(m_pos, eol - m_pos);
                m_pos = eol + 2;
                return out;
            }
            if (m_buf.size() - m_pos > kMaxHeaderBytes)
                return Error::transient("a response line is longer than 64 KiB");
            auto n = fill();
            if (!n)
                return n.error();
            if (*n == 0)
                return Error::transient("the connection closed in the middle of the response");
        }
    }

    Status exact(size_t count, std::string& out) {
        while (m_buf.size() - m_pos < count) {
            auto n = fill();
            if (!n)
                return n.error();
            if (*n == 0)
                return Error::transient("the connection closed in the middle of the response body");
        }
        out.append(m_buf, m_pos, count);
        m_pos += count;
        compact();
        return {};
    }

    Status toEnd(std::string& out) {
        while (true) {
            out.append(m_buf, m_pos);
            m_buf.clear();
            m_pos = 0;
            if (out.size() > kMaxBodyBytes)
                return Error::transient("the response body is larger than 512 MiB");
            auto n = fill();
            if (!n)
                return n.error();
            if (*n == 0)
                return {};
        }
    }

private:
    void compact() {
        if (m_pos > 65536) {
            m_buf.erase(0, m_pos);
            m_pos = 0;
        }
    }

    int m_fd;
    int m_timeoutMs;
    std::string m_buf;
    size_t m_pos = 0;
};

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

std::string trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return std::string(s);
}

Status readHead(Reader& in, HttpResponse& r) {
    auto status = in.line();
    if (!status)
        return status.error();
    // "HTTP/1.1 200 OK"
    const std::string& s = *status;
    if (s.rfind("HTTP/", 0) != 0 || s.size() < 12)
        return Error::transient("the server did not answer with HTTP");
    auto [p, ec] = std::from_chars(s.data() + 9, s.data() + 12, r.status);
    if (ec != std::errc() || p != s.data() + 12)
        return Error::transient("the server sent a malformed status line");
    r.reason = trim(std::string_view(s).substr(12));
    r.headers.clear();
    size_t total = 0;
    while (true) {
        auto h = in.line();
        if (!h)
            return h.error();
        if (h->empty())
            return {};
        total += h->size();
        if (total > kMaxHeaderBytes)
            return Error::transient("the response headers are larger than 64 KiB");
        const size_t colon = h->find(':');
        if (colon == std::string::npos)
            continue;
        r.headers.emplace_back(lower(h->substr(0, colon)), trim(std::string_view(*h).substr(colon + 1)));
    }
}

Status readChunked(Reader& in, std::string& body) {
    while (true) {
        auto sizeLine = in.line();
        if (!sizeLine)
            return sizeLine.error();
        const std::string hex = trim(std::string_view(*sizeLine).substr(0, sizeLine->find(';')));
        size_t size = 0;
        auto [p, ec] = std::from_chars(hex.data(), hex.data() + hex.size(), size, 16);
        if (hex.empty() || ec != std::errc() || p != hex.data() + hex.size())
            return Error::transient("the server sent a malformed chunk size");
        if (size == 0)
            break;
        if (body.size() + size > kMaxBodyBytes)
            return Error::transient("the response body is larger than 512 MiB");
        SLUICE_TRY(in.exact(size, body));
        auto crlf = in.line();
        if (!crlf)
            return crlf.error();
    }
    while (true) { // trailers up to the empty line
        auto t = in.line();
        if (!t)
            return t.error();
        if (t->empty())
            return {};
    }
}

Status readBody(Reader& in, HttpResponse& r) {
    r.body.clear();
    if (r.status == 204 || r.status == 304)
        return {};
    if (lower(r.header("transfer-encoding")).find("chunked") != std::string::npos)
        return readChunked(in, r.body);
    const std::string length = r.header("content-length");
    if (length.empty())
        return in.toEnd(r.body);
    size_t n = 0;
    auto [p, ec] = std::from_chars(length.data(), length.data() + length.size(), n);
    if (ec != std::errc() || p != length.data() + length.size())
        return Error::transient("the server sent a malformed Content-Length");
    if (n > kMaxBodyBytes)
        return Error::transient("the response body is larger than 512 MiB");
    return in.exact(n, r.body);
}
} // namespace

std::string HttpResponse::header(std::string_view name) const {
    for (const auto& [k, v] : headers)
        if (k == name)
            return v;
    return {};
}

Result<HttpResponse> httpGet(const HttpUrl& url, const HttpHeaders& headers, int timeoutMs) {
    const auto fail = [&](const Error& e) {
        return Error::transient("GET " + url.text() + ": " + e.message);
    };
    std::string request = "GET " + url.target + " HTTP/1.1\r\nHost: " + url.hostHeader() +
                          "\r\nUser-Agent: Sluice/" SLUICE_VERSION "\r\nAccept: application/json\r\n"
                          "Connection: close\r\n";
    for (const auto& [name, value] : headers) {
        // A line break would let a configured value smuggle in other headers or requests.
        if (name.find_first_of("\r\n:") != std::string::npos ||
            value.find_first_of("\r\n") != std::string::npos)
            return Error::config("http source: the header `" + name +
                                 "` has a line break in its name or value");
        request += name + ": " + value + "\r\n";
    }
    request += "\r\n";

    auto socket = connectTo(url, timeoutMs);
    if (!socket)
        return fail(socket.error());
    if (auto sent = sendAll(socket->fd(), request, timeoutMs); !sent)
        return fail(sent.error());
    Reader in(socket->fd(), timeoutMs);
    HttpResponse r;
    do { // interim 1xx responses come before the real one
        if (auto head = readHead(in, r); !head)
            return fail(head.error());
    } while (r.status >= 100 && r.status < 200);
    if (auto body = readBody(in, r); !body)
        return fail(body.error());
    return r;
}

} // namespace sluice::core
