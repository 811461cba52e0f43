#include "store/secret_store.h"

#include "util/logging.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace sluice::core {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr std::string_view kPrefix = "sluice-secret:";

// References are immutable (a changed secret gets a new one), so a value once read is valid for good.
std::mutex g_cacheMutex;
std::map<std::string, std::string> g_cache;

std::string newId() {
    static std::mutex m;
    static std::random_device rd;
    std::lock_guard lock(m);
    static const char* hex = "0123456789abcdef";
    std::string id;
    for (int i = 0; i < 4; ++i) {
        uint32_t r = rd();
        for (int k = 0; k < 8; ++k, r >>= 4)
            id += hex[r & 15];
    }
    return id;
}

enum class Backend { File, Keyring };

Result<Backend> backendForWrite() {
    const char* env = std::getenv("SLUICE_SECRET_STORE");
    const std::string choice = env ? env : "";
    if (choice == "file")
        return Backend::File;
    if (choice == "keyring") {
        if (!keyringAvailable())
            return Error::config("SLUICE_SECRET_STORE=keyring, but no keyring answers (is a Secret Service "
                                 "such as GNOME Keyring or KWallet running in this session?)");
        return Backend::Keyring;
    }
    return keyringAvailable() ? Backend::Keyring : Backend::File;
}

// "sluice-secret:file:<id>" -> (File, id)
std::optional<std::pair<Backend, std::string>> parseReference(std::string_view ref) {
    if (ref.substr(0, kPrefix.size()) != kPrefix)
        return std::nullopt;
    ref.remove_prefix(kPrefix.size());
    const size_t colon = ref.find(':');
    if (colon == std::string_view::npos || colon + 1 == ref.size())
        return std::nullopt;
    const std::string_view backend = ref.substr(0, colon);
    const std::string id(ref.substr(colon + 1));
    if (backend == "file")
        return std::make_pair(Backend::File, id);
    if (backend == "keyring")
        return std::make_pair(Backend::Keyring, id);
    return std::nullopt;
}

// Opened and created with mode 0600 whatever the umask, and tightened if someone loosened it.
int openPrivate(const std::string& path, int flags) {
    const int fd = ::open(path.c_str(), flags | O_CLOEXEC, S_IRUSR | S_IWUSR);
    if (fd >= 0)
        (void)::fchmod(fd, S_IRUSR | S_IWUSR);
    return fd;
}

Result<json> loadSecrets(const std::string& path) {
    const int fd = openPrivate(path, O_RDONLY);
    if (fd < 0) {
        if (errno == ENOENT)
            return json{{"version", 1}, {"secrets", json::object()}};
        return Error::internal("cannot read " + path + ": " + std::strerror(errno));
    }
    std::string text;
    char buf[8192];
    for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;)
        text.append(buf, static_cast<size_t>(n));
    ::close(fd);
    json j = json::parse(text, nullptr, false);
    // The parser's message would quote the file, secrets and all: say only where.
    if (!j.is_object() || !j.contains("secrets") || !j["secrets"].is_object())
        return Error::internal(path + " is damaged (not the JSON object Sluice writes); restore it from a "
                                      "backup or set the connections' secrets again");
    return j;
}

Status writeAll(int fd, const std::string& text, const std::string& path) {
    size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return Error::transient("cannot write " + path + ": " + std::strerror(errno));
        done += static_cast<size_t>(n);
    }
    if (::fsync(fd) != 0)
        return Error::transient("cannot write " + path + ": " + std::strerror(errno));
    return {};
}

} // namespace

SecretStore::SecretStore(std::string home) : m_home(std::move(home)) {}

std::string SecretStore::filePath() const {
    return (fs::path(m_home) / "secrets.json").string();
}

bool SecretStore::isReference(std::string_view text) {
    return parseReference(text).has_value();
}

Result<std::string> SecretStore::put(const std::string& value) {
    auto backend = backendForWrite();
    if (!backend)
        return backend.error();
    const std::string id = newId();
    if (*backend == Backend::Keyring)
        SLUICE_TRY(keyringWrite(id, value));
    else
        SLUICE_TRY(updateFile({{id, value}}, {}));
    const std::string ref = std::string(kPrefix) + (*backend == Backend::Keyring ? "keyring:" : "file:") + id;
    std::lock_guard lock(g_cacheMutex);
    g_cache[ref] = value;
    return ref;
}

Result<std::optional<std::string>> SecretStore::get(const std::string& reference) {
    {
        std::lock_guard lock(g_cacheMutex);
        if (auto it = g_cache.find(reference); it != g_cache.end())
            return std::optional<std::string>(it->second);
    }
    auto parsed = parseReference(reference);
    if (!parsed)
        return std::optional<std::string>{};
    auto value = parsed->first == Backend::Keyring ? keyringRead(parsed->second) : readFile(parsed->second);
    if (value && value.value()) {
        std::lock_guard lock(g_cacheMutex);
        g_cache[reference] = **value;
    }
    return value;
}

Status SecretStore::remove(const std::vector<std::string>& references) {
    std::vector<std::string> fromFile;
    for (const auto& ref : references) {
        auto parsed = parseReference(ref);
        if (!parsed)
            continue;
        if (parsed->first == Backend::Keyring)
            SLUICE_TRY(keyringDelete(parsed->second));
        else
            fromFile.push_back(parsed->second);
        std::lock_guard lock(g_cacheMutex);
        g_cache.erase(ref);
    }
    return fromFile.empty() ? Status{} : updateFile({}, fromFile);
}

Result<std::optional<std::string>> SecretStore::readFile(const std::string& id) {
    auto all = loadSecrets(filePath());
    if (!all)
        return all.error();
    const json& secrets = (*all)["secrets"];
    auto it = secrets.find(id);
    if (it == secrets.end() || !it->is_string())
        return std::optional<std::string>{};
    return std::optional<std::string>(it->get<std::string>());
}

Status SecretStore::updateFile(const std::vector<std::pair<std::string, std::string>>& add,
                               const std::vector<std::string>& drop) {
    const std::string path = filePath();
    // Processes (the GUI and sluicectl) read, change and replace the file under one lock, or lose updates.
    const int lockFd = openPrivate((fs::path(m_home) / "secrets.lock").string(), O_RDWR | O_CREAT);
    if (lockFd < 0)
        return Error::internal("cannot lock " + path + ": " + std::strerror(errno));
    while (::flock(lockFd, LOCK_EX) != 0 && errno == EINTR) {
    }
    auto finish = [&](Status s) {
        ::close(lockFd); // releases the lock
        return s;
    };
    auto all = loadSecrets(path);
    if (!all)
        return finish(all.error());
    json& secrets = (*all)["secrets"];
    for (const auto& [id, value] : add)
        secrets[id] = value;
    for (const auto& id : drop)
        secrets.erase(id);
    // A new file renamed over the old: a crash leaves either whole, never half of one.
    const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
    const int fd = openPrivate(tmp, O_WRONLY | O_CREAT | O_TRUNC);
    if (fd < 0)
        return finish(Error::transient("cannot write " + tmp + ": " + std::strerror(errno)));
    Status written = writeAll(fd, all->dump(2) + "\n", tmp);
    ::close(fd);
    if (!written.ok() || ::rename(tmp.c_str(), path.c_str()) != 0) {
        const std::string why = written.ok() ? std::strerror(errno) : written.error().message;
        ::unlink(tmp.c_str());
        return finish(Error::transient("cannot replace " + path + ": " + why));
    }
    if (const int dir = ::open(m_home.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dir >= 0) {
        (void)::fsync(dir); // the rename itself must survive a power cut
        ::close(dir);
    }
    return finish({});
}

} // namespace sluice::core
