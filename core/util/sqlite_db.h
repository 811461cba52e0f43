#pragma once

#include "util/result.h"
#include "util/sql_ident.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace sluice::core {

class Statement;

// One SQLite connection. One per thread: never share a Database between threads.
class Database {
public:
    enum class Mode { ReadWrite, ReadOnly };

    Database() = default;
    ~Database();
    Database(Database&& other) noexcept;
    Database& operator=(Database&& other) noexcept;
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    // Opens (creating when ReadWrite) the file and sets a busy timeout so several processes can share it.
    static Result<Database> open(const std::string& path, Mode mode = Mode::ReadWrite, int busyTimeoutMs = 10000);

    bool isOpen() const { return m_db != nullptr; }
    sqlite3* handle() const { return m_db; }
    const std::string& path() const { return m_path; }

    Status exec(std::string_view sql);
    Result<Statement> prepare(std::string_view sql);
    std::string lastError() const;
    int64_t lastInsertRowId() const;
    int changes() const;
    bool tableExists(const std::string& name);

    // Runs a one-value query; nullopt when it returned no row or NULL.
    Result<std::optional<int64_t>> queryInt(std::string_view sql);

    // Prepares `sql`, binds `args` to ?1, ?2, ... and runs it (a statement that returns no rows).
    template <typename... Args>
    Status execute(std::string_view sql, const Args&... args);
    // Runs a query with `args` bound and calls onRow(Statement&) for each row.
    template <typename F, typename... Args>
    Status forEachRow(std::string_view sql, F&& onRow, const Args&... args);

private:
    sqlite3* m_db = nullptr;
    std::string m_path;
};

// A prepared statement: bind by 1-based index, step, read columns by 0-based index.
class Statement {
public:
    Statement() = default;
    Statement(sqlite3_stmt* stmt, sqlite3* db) : m_stmt(stmt), m_db(db) {}
    ~Statement();
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&& other) noexcept;
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    Statement& bind(int index, std::nullptr_t);
    Statement& bind(int index, int64_t value);
    Statement& bind(int index, int value) { return bind(index, static_cast<int64_t>(value)); }
    Statement& bind(int index, double value);
    Statement& bind(int index, std::string_view value);
    Statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
    Statement& bind(int index, const std::string& value) { return bind(index, std::string_view(value)); }
    Statement& bind(int index, const std::optional<std::string>& value);
    Statement& bind(int index, const std::optional<int64_t>& value);
    template <typename... Args>
    Statement& bindAll(const Args&... args) {
        int i = 0;
        (bind(++i, args), ...);
        return *this;
    }

    // Advances: true when a row is available, false when done; an error is kept in lastError().
    Result<bool> step();
    // Steps a statement that returns no rows and resets it for the next use.
    Status run();
    void reset();

    int columnCount() const;
    bool isNull(int col) const;
    int columnType(int col) const;
    int64_t getInt(int col) const;
    double getDouble(int col) const;
    std::string getText(int col) const;
    std::string_view getTextView(int col) const;
    std::optional<std::string> getOptText(int col) const;
    std::optional<int64_t> getOptInt(int col) const;
    std::string columnName(int col) const;

    sqlite3_stmt* handle() const { return m_stmt; }

private:
    sqlite3_stmt* m_stmt = nullptr;
    sqlite3* m_db = nullptr;
};

// Commits on commit(), rolls back when destroyed without it.
class Transaction {
public:
    explicit Transaction(Database& db, bool immediate = true);
    ~Transaction();
    Status begun() const { return m_begin; }
    Status commit();

private:
    Database& m_db;
    Status m_begin;
    bool m_done = false;
};

template <typename... Args>
Status Database::execute(std::string_view sql, const Args&... args) {
    auto st = prepare(sql);
    if (!st)
        return st.error();
    st->bindAll(args...);
    return st->run();
}

template <typename F, typename... Args>
Status Database::forEachRow(std::string_view sql, F&& onRow, const Args&... args) {
    auto st = prepare(sql);
    if (!st)
        return st.error();
    st->bindAll(args...);
    while (true) {
        auto r = st->step();
        if (!r)
            return r.error();
        if (!r.value())
            return {};
        onRow(*st);
    }
}

// NULL for an empty string: optional text columns store NULL, not ''.
inline std::optional<std::string> nullIfEmpty(const std::string& s) {
    return s.empty() ? std::nullopt : std::optional<std::string>(s);
}

} // namespace sluice::core
