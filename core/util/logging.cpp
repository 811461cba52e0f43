#include "util/logging.h"

#include "util/home.h"

#include <atomic>
#include <mutex>
#include <set>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <vector>

namespace sluice::core {
namespace {

std::mutex g_mutex;
std::set<std::string> g_secrets;
LogListener g_listener;
std::vector<spdlog::sink_ptr> g_sinks;
std::atomic<spdlog::level::level_enum> g_level{spdlog::level::debug};

// Redacts secrets before any other sink sees the line, then forwards it.
class RedactingSink : public spdlog::sinks::base_sink<std::mutex> {
protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
        std::string text = redactSecrets(std::string(msg.payload.data(), msg.payload.size()));
        spdlog::details::log_msg copy(msg.time, msg.source, msg.logger_name, msg.level, text);
        for (auto& s : m_targets)
            if (s->should_log(msg.level))
                s->log(copy);
        LogListener listener;
        {
            std::lock_guard lock(g_mutex);
            listener = g_listener;
        }
        if (listener)
            listener(std::string(msg.logger_name.data(), msg.logger_name.size()), static_cast<int>(msg.level), text);
    }
    void flush_() override {
        for (auto& s : m_targets)
            s->flush();
    }

public:
    std::vector<spdlog::sink_ptr> m_targets;
};

std::shared_ptr<RedactingSink> g_root;

std::shared_ptr<RedactingSink> rootSink() {
    if (!g_root) {
        g_root = std::make_shared<RedactingSink>();
        auto console = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
        console->set_level(spdlog::level::warn);
        console->set_pattern("sluice: %v");
        g_root->m_targets.push_back(console);
    }
    return g_root;
}

} // namespace

void initLogging(const std::string& home, bool verboseConsole) {
    auto root = rootSink();
    if (verboseConsole)
        root->m_targets.front()->set_level(spdlog::level::debug);
    try {
        auto file = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(logDir(home) + "/sluice.log",
                                                                           5 * 1024 * 1024, 3);
        file->set_pattern("%Y-%m-%dT%H:%M:%S.%e %P %n %l: %v");
        file->set_level(spdlog::level::debug);
        root->m_targets.push_back(file);
    } catch (const spdlog::spdlog_ex&) {
        // A read-only home still lets the user work; logs then go to stderr only.
    }
    spdlog::flush_every(std::chrono::seconds(2));
}

std::shared_ptr<spdlog::logger> logger(const std::string& name) {
    static std::mutex m;
    std::lock_guard lock(m);
    if (auto l = spdlog::get(name))
        return l;
    auto l = std::make_shared<spdlog::logger>(name, rootSink());
    l->set_level(g_level.load());
    l->flush_on(spdlog::level::warn);
    spdlog::register_logger(l);
    return l;
}

void logLine(const std::string& loggerName, const std::string& level, const std::string& message) {
    logger(loggerName)->log(spdlog::level::from_str(level), "{}", message);
}

void setLogLevel(const std::string& level) {
    const auto l = spdlog::level::from_str(level);
    g_level = l;
    spdlog::apply_all([l](const std::shared_ptr<spdlog::logger>& logger) { logger->set_level(l); });
}

void registerSecret(const std::string& value) {
    if (value.size() < 3)
        return; // masking "a" everywhere would mangle every line
    std::lock_guard lock(g_mutex);
    g_secrets.insert(value);
}

std::string redactSecrets(std::string text) {
    std::lock_guard lock(g_mutex);
    for (const auto& s : g_secrets) {
        size_t pos = 0;
        while ((pos = text.find(s, pos)) != std::string::npos) {
            text.replace(pos, s.size(), "**********");
            pos += 10;
        }
    }
    return text;
}

void setLogListener(LogListener listener) {
    std::lock_guard lock(g_mutex);
    g_listener = std::move(listener);
}

} // namespace sluice::core
