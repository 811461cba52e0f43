#pragma once

#include <string>
#include <utility>
#include <variant>

namespace sluice::core {

// What kind of failure an Error is: decides exit codes in the CLI and whether a job retries.
enum class ErrorKind {
    Invalid,   // bad input from the user: refused, nothing changed (CLI exit 2)
    Refused,   // a valid request that cannot be done now (CLI exit 2)
    Config,    // a connector configuration error: never retried
    Transient, // source or destination failed; a retry may succeed
    Cancelled, // the user cancelled
    Internal,  // a bug or an environment problem
};

struct Error {
    ErrorKind kind = ErrorKind::Internal;
    std::string message;
    // SQLite refused a lock another connection held (SQLITE_BUSY and its extended codes): the one failure
    // Database::write() answers by running the whole transaction again.
    bool busy = false;

    static Error invalid(std::string m) { return {ErrorKind::Invalid, std::move(m)}; }
    static Error refused(std::string m) { return {ErrorKind::Refused, std::move(m)}; }
    static Error config(std::string m) { return {ErrorKind::Config, std::move(m)}; }
    static Error transient(std::string m) { return {ErrorKind::Transient, std::move(m)}; }
    static Error cancelled(std::string m = "cancelled by the user") {
        return {ErrorKind::Cancelled, std::move(m)};
    }
    static Error internal(std::string m) { return {ErrorKind::Internal, std::move(m)}; }
    static Error locked(std::string m) { return {ErrorKind::Transient, std::move(m), true}; }

    // Prefixes the message with where the failure happened ("file x.json: ...").
    Error context(const std::string& where) const { return {kind, where + ": " + message, busy}; }
};

// A value or an Error: how failures cross every boundary in Sluice (no exceptions across threads).
template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : m_data(std::in_place_index<0>, std::move(value)) {}
    Result(Error error) : m_data(std::in_place_index<1>, std::move(error)) {}

    bool ok() const { return m_data.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() & { return std::get<0>(m_data); }
    const T& value() const& { return std::get<0>(m_data); }
    // By value: `for (auto& x : f().value())` must not dangle.
    T value() && { return std::get<0>(std::move(m_data)); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    const Error& error() const { return std::get<1>(m_data); }

private:
    std::variant<T, Error> m_data;
};

template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error) : m_error(std::move(error)), m_ok(false) {}

    bool ok() const { return m_ok; }
    explicit operator bool() const { return m_ok; }
    const Error& error() const { return m_error; }

private:
    Error m_error;
    bool m_ok = true;
};

using Status = Result<void>;

} // namespace sluice::core

// Propagates an Error from an expression returning Result<...>.
#define SLUICE_TRY(expr)                                                                                    \
    do {                                                                                                    \
        auto&& sluice_try_result_ = (expr);                                                                 \
        if (!sluice_try_result_.ok())                                                                       \
            return sluice_try_result_.error();                                                              \
    } while (0)
