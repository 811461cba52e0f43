#pragma once

#include "util/result.h"
#include "util/sql_ident.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

typedef struct pg_conn PGconn;
typedef struct pg_result PGresult;

namespace sluice::core {

// The keys every PostgreSQL connector shares (SPEC §7), with the spec's defaults.
struct PgConfig {
    std::string host = "127.0.0.1";
    int port = 5432;
    std::string database;
    std::string user;
    std::string password;
    std::string schema = "public";

    std::string address() const { return host + ":" + std::to_string(port); }
};

// Reads a connector configuration object. `who` ("PostgreSQL source") starts every error message.
// The password is registered as a secret so no log line ever shows it.
Result<PgConfig> parsePgConfig(const std::string& configJson, const std::string& who);

// A bound parameter in text form; nullopt is SQL NULL.
using PgParam = std::optional<std::string>;
using PgParams = std::vector<PgParam>;

// Type oids of pg_type the connectors care about (stable since PostgreSQL 7).
namespace pgoid {
inline constexpr unsigned Bool = 16, Int8 = 20, Int2 = 21, Int4 = 23, Text = 25, Json = 114, Float4 = 700,
                          Float8 = 701, Timestamp = 1114, TimestampTz = 1184, Numeric = 1700, Jsonb = 3802;
}

// An owned query result (text format).
class PgResult {
public:
    PgResult() = default;
    explicit PgResult(PGresult* result) : m_result(result) {}
    ~PgResult();
    PgResult(PgResult&& other) noexcept;
    PgResult& operator=(PgResult&& other) noexcept;
    PgResult(const PgResult&) = delete;
    PgResult& operator=(const PgResult&) = delete;

    int rows() const;
    int columns() const;
    bool isNull(int row, int column) const;
    std::string_view text(int row, int column) const;
    std::string get(int row, int column) const { return std::string(text(row, column)); }
    int64_t getInt(int row, int column) const; // 0 when NULL or not a number
    unsigned columnType(int column) const;
    PGresult* handle() const { return m_result; }

private:
    PGresult* m_result = nullptr;
};

// One libpq connection, used from one thread. Errors are values whose messages name the server.
class PgConnection {
public:
    PgConnection() = default;
    ~PgConnection();
    PgConnection(PgConnection&& other) noexcept;
    PgConnection& operator=(PgConnection&& other) noexcept;
    PgConnection(const PgConnection&) = delete;
    PgConnection& operator=(const PgConnection&) = delete;

    // Connects with the values passed as separate libpq parameters (never spliced into a conninfo string).
    // The session speaks UTF-8, UTC and ISO dates. A failure is a configuration error: "could not connect to
    // host:port: <reason>", since retrying a wrong address or password does not help.
    static Result<PgConnection> connect(const PgConfig& config, const std::string& who);

    bool isOpen() const { return m_conn != nullptr; }
    const std::string& who() const { return m_who; }

    Result<PgResult> query(const std::string& sql, const PgParams& params = {});
    Status exec(const std::string& sql, const PgParams& params = {});
    // Several statements, no parameters (the simple query protocol): for fixed scripts only.
    Status execScript(const std::string& sql);
    // The first column of the first row, if any row (and not NULL).
    Result<std::optional<std::string>> queryValue(const std::string& sql, const PgParams& params = {});
    // Runs a `COPY ... FROM STDIN` and streams what `produce` makes: each call appends the next piece of
    // data to the emptied `buffer` and says whether more follows. A piece is sent before the next is made,
    // so that the server reads rows while the caller encodes the next ones.
    Status copyIn(const std::string& copySql, std::string& buffer,
                  const std::function<bool(std::string&)>& produce);

    // The server's major version (15 for 15.4).
    int serverMajorVersion() const;

private:
    // A failed statement's error: configuration errors for missing rights, transient for the rest.
    Error failure(const PGresult* result) const;

    PGconn* m_conn = nullptr;
    std::string m_who;
};

// BEGIN ... COMMIT; rolls back when it goes out of scope uncommitted (an error path).
class PgTransaction {
public:
    explicit PgTransaction(PgConnection& conn);
    ~PgTransaction();
    PgTransaction(const PgTransaction&) = delete;
    PgTransaction& operator=(const PgTransaction&) = delete;

    const Status& begun() const { return m_begun; }
    Status commit();

private:
    PgConnection& m_conn;
    Status m_begun;
    bool m_open = false;
};

// Says what was being done in an error of a connection of `who`: "who: doing: reason".
Error pgContext(const Error& error, const std::string& who, const std::string& doing);

// "schema"."table"
std::string qualifiedName(const std::string& schema, const std::string& table);

} // namespace sluice::core
