#include "postgres/pg_connection.h"

#include "util/logging.h"

#include <algorithm>
#include <charconv>
#include <libpq-fe.h>
#include <nlohmann/json.hpp>
#include <utility>

namespace sluice::core {

namespace {
std::string trim(std::string s) {
    const auto notSpace = [](unsigned char c) { return !std::isspace(c); };
    s.erase(s.begin(), std::find_if(s.begin(), s.end(), notSpace));
    s.erase(std::find_if(s.rbegin(), s.rend(), notSpace).base(), s.end());
    return s;
}

// libpq says `connection to server at "h", port 5433 failed: Connection refused\n\tIs the server running...`.
// Users are told which host:port failed in their own terms, the reason, and what to check.
std::string connectReason(std::string message) {
    const std::string prefix = "connection to server ";
    if (message.rfind(prefix, 0) == 0)
        if (auto at = message.find(" failed: "); at != std::string::npos)
            message = message.substr(at + 9);
    if (message.rfind("FATAL:", 0) == 0)
        message = trim(message.substr(6));
    std::string first = trim(message.substr(0, message.find('\n')));
    std::string hint;
    if (auto nl = message.find('\n'); nl != std::string::npos) {
        hint = trim(message.substr(nl + 1));
        hint = hint.substr(0, hint.find('\n'));
        if (hint.rfind(prefix, 0) == 0) // another address of the same host failed too: one reason is enough
            hint.clear();
    }
    if (!first.empty())
        first[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(first[0])));
    if (first.find("password authentication failed") != std::string::npos ||
        first.find("no password supplied") != std::string::npos)
        hint = "check `user` and `password`";
    else if (first.find("database") != std::string::npos && first.find("does not exist") != std::string::npos)
        hint = "check `database`";
    else if (first.find("no pg_hba.conf entry") != std::string::npos)
        hint = "the server's pg_hba.conf does not admit this user from this host";
    if (!hint.empty()) {
        hint[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(hint[0])));
        first += " (" + hint + ")";
    }
    return first;
}

void ignoreNotice(void*, const char*) {}
} // namespace

Result<PgConfig> parsePgConfig(const std::string& configJson, const std::string& who) {
    const auto j = nlohmann::json::parse(configJson, nullptr, false);
    if (!j.is_object())
        return Error::config(who + ": the configuration is not a JSON object");
    PgConfig c;
    auto text = [&](const char* key, std::string& out) -> Status {
        if (!j.contains(key) || j[key].is_null())
            return {};
        if (!j[key].is_string())
            return Error::config(who + ": `" + key + "` must be a string");
        out = j[key].get<std::string>();
        return {};
    };
    SLUICE_TRY(text("host", c.host));
    SLUICE_TRY(text("database", c.database));
    SLUICE_TRY(text("user", c.user));
    SLUICE_TRY(text("password", c.password));
    SLUICE_TRY(text("schema", c.schema));
    if (j.contains("port") && !j["port"].is_null()) {
        if (!j["port"].is_number_integer() || j["port"].get<int64_t>() < 1 ||
            j["port"].get<int64_t>() > 65535)
            return Error::config(who + ": `port` must be an integer from 1 to 65535");
        c.port = j["port"].get<int>();
    }
    if (!c.password.empty())
        registerSecret(c.password);
    if (c.host.empty())
        return Error::config(who + ": `host` is required");
    if (c.database.empty())
        return Error::config(who + ": `database` is required");
    if (c.user.empty())
        return Error::config(who + ": `user` is required");
    if (c.schema.empty())
        c.schema = "public";
    return c;
}

PgResult::~PgResult() {
    if (m_result)
        PQclear(m_result);
}

PgResult::PgResult(PgResult&& other) noexcept : m_result(std::exchange(other.m_result, nullptr)) {}

PgResult& PgResult::operator=(PgResult&& other) noexcept {
    if (this != &other) {
        if (m_result)
            PQclear(m_result);
        m_result = std::exchange(other.m_result, nullptr);
    }
    return *this;
}

int PgResult::rows() const {
    return m_result ? PQntuples(m_result) : 0;
}
int PgResult::columns() const {
    return m_result ? PQnfields(m_result) : 0;
}
bool PgResult::isNull(int row, int column) const {
    return PQgetisnull(m_result, row, column) != 0;
}
unsigned PgResult::columnType(int column) const {
    return PQftype(m_result, column);
}

std::string_view PgResult::text(int row, int column) const {
    return {PQgetvalue(m_result, row, column), static_cast<size_t>(PQgetlength(m_result, row, column))};
}

int64_t PgResult::getInt(int row, int column) const {
    const std::string_view t = text(row, column);
    int64_t v = 0;
    std::from_chars(t.data(), t.data() + t.size(), v);
    return v;
}

PgConnection::~PgConnection() {
    if (m_conn)
        PQfinish(m_conn);
}

PgConnection::PgConnection(PgConnection&& other) noexcept
    : m_conn(std::exchange(other.m_conn, nullptr)), m_who(std::move(other.m_who)) {}

PgConnection& PgConnection::operator=(PgConnection&& other) noexcept {
    if (this != &other) {
        if (m_conn)
            PQfinish(m_conn);
        m_conn = std::exchange(other.m_conn, nullptr);
        m_who = std::move(other.m_who);
    }
    return *this;
}

Result<PgConnection> PgConnection::connect(const PgConfig& config, const std::string& who) {
    const std::string port = std::to_string(config.port);
    // Constant session settings: dates and times come back as ISO text in UTC, floats without loss.
    const char* keys[] = {"host",
                          "port",
                          "dbname",
                          "user",
                          "password",
                          "connect_timeout",
                          "application_name",
                          "client_encoding",
                          "options",
                          nullptr};
    const char* values[] = {
        config.host.c_str(),
        port.c_str(),
        config.database.c_str(),
        config.user.c_str(),
        config.password.empty() ? nullptr : config.password.c_str(),
        "10",
        "sluice",
        "UTF8",
        "-c TimeZone=UTC -c DateStyle=ISO -c IntervalStyle=iso_8601 -c extra_float_digits=3 "
        "-c client_min_messages=warning",
        nullptr};
    PgConnection c;
    c.m_who = who;
    c.m_conn = PQconnectdbParams(keys, values, 0); // 0: dbname is a name, never parsed as a conninfo
    if (!c.m_conn)
        return Error::transient(who + ": out of memory connecting to " + config.address());
    if (PQstatus(c.m_conn) != CONNECTION_OK)
        return Error::config(who + ": could not connect to " + config.address() + ": " +
                             connectReason(PQerrorMessage(c.m_conn)));
    PQsetNoticeProcessor(c.m_conn, ignoreNotice, nullptr);
    return c;
}

int PgConnection::serverMajorVersion() const {
    return m_conn ? PQserverVersion(m_conn) / 10000 : 0;
}

Error PgConnection::failure(const PGresult* result) const {
    if (!result || !m_conn || PQstatus(m_conn) != CONNECTION_OK)
        return Error::transient(
            m_who + ": lost the connection to the server: " + trim(m_conn ? PQerrorMessage(m_conn) : ""));
    const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
    const std::string code = state ? state : "";
    const char* primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
    std::string message = primary ? primary : trim(PQresultErrorMessage(result));
    if (const char* detail = PQresultErrorField(result, PG_DIAG_MESSAGE_DETAIL))
        message += " (" + std::string(detail) + ")";
    if (const char* hint = PQresultErrorField(result, PG_DIAG_MESSAGE_HINT))
        message += "; " + std::string(hint);
    // Missing rights, databases or schemas do not fix themselves: configuration errors, never retried.
    const bool config = code.rfind("28", 0) == 0 || code == "42501" || code == "3D000" || code == "3F000";
    message = m_who + ": " + message;
    return config ? Error::config(message) : Error::transient(message);
}

Result<PgResult> PgConnection::query(const std::string& sql, const PgParams& params) {
    if (!m_conn)
        return Error::internal(m_who + ": not connected");
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const auto& p : params)
        values.push_back(p ? p->c_str() : nullptr);
    PgResult r(PQexecParams(m_conn, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                            nullptr, nullptr, 0));
    const ExecStatusType status = PQresultStatus(r.handle());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
        return failure(r.handle());
    return r;
}

Status PgConnection::exec(const std::string& sql, const PgParams& params) {
    auto r = query(sql, params);
    if (!r)
        return r.error();
    return {};
}

Status PgConnection::execScript(const std::string& sql) {
    if (!m_conn)
        return Error::internal(m_who + ": not connected");
    PgResult r(PQexec(m_conn, sql.c_str()));
    const ExecStatusType status = PQresultStatus(r.handle());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
        return failure(r.handle());
    return {};
}

Result<std::optional<std::string>> PgConnection::queryValue(const std::string& sql, const PgParams& params) {
    auto r = query(sql, params);
    if (!r)
        return r.error();
    if (r->rows() == 0 || r->columns() == 0 || r->isNull(0, 0))
        return std::optional<std::string>{};
    return std::optional<std::string>{r->get(0, 0)};
}

Status PgConnection::copyIn(const std::string& copySql, std::string& buffer,
                            const std::function<bool(std::string&)>& produce) {
    if (!m_conn)
        return Error::internal(m_who + ": not connected");
    PGresult* start = PQexec(m_conn, copySql.c_str());
    if (PQresultStatus(start) != PGRES_COPY_IN) {
        Error e = failure(start);
        PQclear(start);
        return e;
    }
    PQclear(start);
    bool sent = true;
    for (bool more = true; more && sent;) {
        buffer.clear();
        more = produce(buffer);
        if (!buffer.empty())
            sent = PQputCopyData(m_conn, buffer.data(), static_cast<int>(buffer.size())) == 1;
    }
    if (PQputCopyEnd(m_conn, sent ? nullptr : "client failed to send the data") != 1)
        sent = false;
    Status result;
    while (PGresult* r = PQgetResult(m_conn)) {
        if (PQresultStatus(r) != PGRES_COMMAND_OK && result.ok())
            result = failure(r);
        PQclear(r);
    }
    if (result.ok() && !sent)
        return failure(nullptr);
    return result;
}

PgTransaction::PgTransaction(PgConnection& conn) : m_conn(conn) {
    m_begun = m_conn.exec("BEGIN");
    m_open = m_begun.ok();
}

PgTransaction::~PgTransaction() {
    if (m_open)
        (void)m_conn.exec("ROLLBACK");
}

Status PgTransaction::commit() {
    m_open = false;
    return m_conn.exec("COMMIT");
}

Error pgContext(const Error& error, const std::string& who, const std::string& doing) {
    const std::string prefix = who + ": ";
    if (error.message.rfind(prefix, 0) != 0)
        return error.context(who + ": " + doing);
    return {error.kind, prefix + doing + ": " + error.message.substr(prefix.size())};
}

std::string qualifiedName(const std::string& schema, const std::string& table) {
    return quoteIdent(schema) + "." + quoteIdent(table);
}

} // namespace sluice::core
