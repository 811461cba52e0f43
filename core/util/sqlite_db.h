#pragma once

#include "util/result.h"
#include "util/sql_ident.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

struct sqlite3;
struct sqlite3_stmt;

namespace sluice::core {

class Statement;

// One SQLite connection. One per thread: never share a Database between threads.
//
// Several processes share one file: Sluice's database (the GUI, every `sluicectl`, every job thread) and a
// destination (every sync into it). In WAL mode SQLite waits for a lock (the busy timeout) only for a
// connection that holds no snapshot yet: one that has read and then writes on a snapshot another connection
// has since committed over is refused at once with SQLITE_BUSY. Hence the rules this class keeps:
//  - a write runs in write() (or execute(), which uses it): BEGIN IMMEDIATE takes the write lock before
//    anything is read, and SQLITE_BUSY that still comes runs the whole transaction again, bounded in time;
//  - a statement resets itself when it is done or failed, so no forgotten read keeps a snapshot open;
//  - a write started while this connection still holds a read snapshot is refused as the bug it is.
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
    static Result<Database> open(const std::string& path, Mode mode = Mode::ReadWrite,
                                 int busyTimeoutMs = 10000);

    bool isOpen() const { return m_db != nullptr; }
    sqlite3* handle() const { return m_db; }
    const std::string& path() const { return m_path; }
    // How the file and the others writing to it are named when it stays locked ("Sluice's database", "the
    // GUI or a `sluicectl` command of this home").
    void describeSharing(std::string what, std::string writers);

    // Runs one or more statements without bound values (schema, pragmas).
    Status exec(std::string_view sql);
    Result<Statement> prepare(std::string_view sql);
    std::string lastError() const;
    int64_t lastInsertRowId() const;
    int changes() const;
    bool tableExists(const std::string& name);
    bool inTransaction() const;

    // Runs a one-value query; nullopt when it returned no row or NULL.
    Result<std::optional<int64_t>> queryInt(std::string_view sql);

    // Prepares `sql`, binds `args` to ?1, ?2, ... and runs it as one write (a statement that returns no
    // rows).
    template <typename... Args> Status execute(std::string_view sql, const Args&... args);
    // Runs a query with `args` bound and calls onRow(Statement&) for each row.
    template <typename F, typename... Args>
    Status forEachRow(std::string_view sql, F&& onRow, const Args&... args);

    // Runs `body` (returning Status or Result<T>) as one write transaction: BEGIN IMMEDIATE, body, COMMIT.
    // When SQLite answers SQLITE_BUSY anyway, the transaction is rolled back and run again after a short
    // random pause, for up to three busy timeouts in all; then the error says what stayed locked and what to
    // do. `body` may therefore run more than once: it changes nothing but this database (or only repeatable
    // things). Inside another transaction it runs as a savepoint of that one, whose write() retries.
    // `what` completes "... while <what>", e.g. "starting a job".
    template <typename F> auto write(std::string_view what, F&& body) -> decltype(body());

    // Switches the file to WAL (and synchronous=NORMAL). The switch needs every other connection out of the
    // file, and SQLite answers SQLITE_BUSY at once when two processes open a new file together, so it is
    // retried within the same bound as write().
    Status useWal();

private:
    Status writeWithRetry(std::string_view what, const std::function<Status()>& body);
    // Runs `once` again after a short random pause while it fails with SQLITE_BUSY, for up to three busy
    // timeouts; then says what stayed locked while `what`.
    Status retryWhileBusy(std::string_view what, const std::function<Status()>& once);

    sqlite3* m_db = nullptr;
    std::string m_path;
    int m_busyTimeoutMs = 0;
    std::string m_what = "the SQLite database";
    std::string m_writers = "another program";
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
    template <typename... Args> Statement& bindAll(const Args&... args) {
        int i = 0;
        (bind(++i, args), ...);
        return *this;
    }

    // Advances: true when a row is available, false when done. Done or failed, the statement is reset (its
    // bindings kept), so it never holds a read snapshot past its last row.
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

// BEGIN IMMEDIATE (the write lock first, never a read that is upgraded later), committed by commit() and
// rolled back when destroyed without it; inside another transaction, a savepoint of it. Prefer
// Database::write().
class Transaction {
public:
    explicit Transaction(Database& db);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    Status begun() const { return m_begin; }
    Status commit();

private:
    void rollback();

    Database& m_db;
    Status m_begin;
    bool m_nested = false;
    bool m_done = false;
};

template <typename... Args> Status Database::execute(std::string_view sql, const Args&... args) {
    return write("writing to it", [&]() -> Status {
        auto st = prepare(sql);
        if (!st)
            return st.error();
        st->bindAll(args...);
        return st->run();
    });
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

template <typename F> auto Database::write(std::string_view what, F&& body) -> decltype(body()) {
    using R = decltype(body());
    if constexpr (std::is_same_v<R, Status>) {
        return writeWithRetry(what, body);
    } else {
        std::optional<R> result;
        Status written = writeWithRetry(what, [&]() -> Status {
            result.emplace(body());
            return result->ok() ? Status() : Status(result->error());
        });
        if (!written)
            return written.error();
        return std::move(*result);
    }
}

// NULL for an empty string: optional text columns store NULL, not ''.
inline std::optional<std::string> nullIfEmpty(const std::string& s) {
    return s.empty() ? std::nullopt : std::optional<std::string>(s);
}

} // namespace sluice::core
