#include "util/sqlite_db.h"

#include "util/cancel_scope.h"
#include "util/sqlite_error.h"

#include <sqlite3.h>

namespace sluice::core {

namespace {
// Called by SQLite every kProgressSteps virtual machine steps of a statement: non-zero interrupts it.
// The flag is read at each call (not captured at open), so a connection never points at a gone task.
constexpr int kProgressSteps = 1000;
int interruptWhenCancelled(void*) {
    return CancelScope::requested() ? 1 : 0;
}
} // namespace

Database::~Database() {
    if (m_db)
        sqlite3_close_v2(m_db);
}

Database::Database(Database&& other) noexcept
    : m_db(other.m_db), m_path(std::move(other.m_path)), m_busyTimeoutMs(other.m_busyTimeoutMs),
      m_what(std::move(other.m_what)), m_writers(std::move(other.m_writers)) {
    other.m_db = nullptr;
}

Database& Database::operator=(Database&& other) noexcept {
    if (this != &other) {
        if (m_db)
            sqlite3_close_v2(m_db);
        m_db = other.m_db;
        m_path = std::move(other.m_path);
        m_busyTimeoutMs = other.m_busyTimeoutMs;
        m_what = std::move(other.m_what);
        m_writers = std::move(other.m_writers);
        other.m_db = nullptr;
    }
    return *this;
}

Result<Database> Database::open(const std::string& path, Mode mode, int busyTimeoutMs) {
    Database db;
    int flags = SQLITE_OPEN_NOMUTEX;
    flags |= mode == Mode::ReadOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    int rc = sqlite3_open_v2(path.c_str(), &db.m_db, flags, nullptr);
    if (rc != SQLITE_OK) {
        std::string msg = db.m_db ? sqlite3_errmsg(db.m_db) : sqlite3_errstr(rc);
        return Error::transient("cannot open SQLite database " + path + ": " + msg);
    }
    db.m_path = path;
    db.m_busyTimeoutMs = busyTimeoutMs;
    sqlite3_busy_timeout(db.m_db, busyTimeoutMs);
    sqlite3_extended_result_codes(db.m_db, 1);
    // A connection opened by a cancellable task (a diff of two big generations) stops when it is cancelled.
    if (CancelScope::current())
        sqlite3_progress_handler(db.m_db, kProgressSteps, &interruptWhenCancelled, nullptr);
    return db;
}

void Database::describeSharing(std::string what, std::string writers) {
    m_what = std::move(what);
    m_writers = std::move(writers);
}

Status Database::exec(std::string_view sql) {
    // Statement by statement (not sqlite3_exec), so that each one gets the checks and resets of step().
    const char* next = sql.data();
    const char* end = next + sql.size();
    while (next < end) {
        sqlite3_stmt* stmt = nullptr;
        const int rc = sqlite3_prepare_v2(m_db, next, static_cast<int>(end - next), &stmt, &next);
        if (rc != SQLITE_OK)
            return sqliteError(m_db, rc);
        if (!stmt)
            break; // only whitespace or comments were left
        Statement st(stmt, m_db);
        while (true) {
            auto r = st.step();
            if (!r)
                return r.error();
            if (!r.value())
                break;
        }
    }
    return {};
}

Result<Statement> Database::prepare(std::string_view sql) {
    sqlite3_stmt* stmt = nullptr;
    if (const int rc = sqlite3_prepare_v2(m_db, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
        rc != SQLITE_OK)
        return sqliteError(m_db, rc);
    return Statement(stmt, m_db);
}

std::string Database::lastError() const { return m_db ? sqlite3_errmsg(m_db) : "database is not open"; }
int64_t Database::lastInsertRowId() const { return sqlite3_last_insert_rowid(m_db); }
int Database::changes() const { return sqlite3_changes(m_db); }

bool Database::tableExists(const std::string& name) {
    bool found = false;
    auto st = forEachRow(
        "SELECT 1 FROM sqlite_master WHERE type IN ('table','view') AND name = ?",
        [&](Statement&) { found = true; }, name);
    return st.ok() && found;
}

bool Database::inTransaction() const {
    return m_db && !sqlite3_get_autocommit(m_db);
}

Result<std::optional<int64_t>> Database::queryInt(std::string_view sql) {
    std::optional<int64_t> value;
    bool first = true;
    SLUICE_TRY(forEachRow(sql, [&](Statement& st) {
        if (first && !st.isNull(0))
            value = st.getInt(0);
        first = false;
    }));
    return value;
}

Statement::~Statement() {
    if (m_stmt)
        sqlite3_finalize(m_stmt);
}

Statement::Statement(Statement&& other) noexcept : m_stmt(other.m_stmt), m_db(other.m_db) {
    other.m_stmt = nullptr;
}

Statement& Statement::operator=(Statement&& other) noexcept {
    if (this != &other) {
        if (m_stmt)
            sqlite3_finalize(m_stmt);
        m_stmt = other.m_stmt;
        m_db = other.m_db;
        other.m_stmt = nullptr;
    }
    return *this;
}

Statement& Statement::bind(int index, std::nullptr_t) {
    sqlite3_bind_null(m_stmt, index);
    return *this;
}
Statement& Statement::bind(int index, int64_t value) {
    sqlite3_bind_int64(m_stmt, index, value);
    return *this;
}
Statement& Statement::bind(int index, double value) {
    sqlite3_bind_double(m_stmt, index, value);
    return *this;
}
Statement& Statement::bind(int index, std::string_view value) {
    sqlite3_bind_text(m_stmt, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
    return *this;
}
Statement& Statement::bind(int index, const std::optional<std::string>& value) {
    return value ? bind(index, std::string_view(*value)) : bind(index, nullptr);
}
Statement& Statement::bind(int index, const std::optional<int64_t>& value) {
    return value ? bind(index, *value) : bind(index, nullptr);
}

Result<bool> Statement::step() {
    if (!sqlite3_stmt_busy(m_stmt) && !sqlite3_stmt_readonly(m_stmt) && holdsReadSnapshot(m_db))
        return readThenWrite(m_db, sqlite3_sql(m_stmt));
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE) {
        sqlite3_reset(m_stmt);
        return false;
    }
    Error e = sqliteError(m_db, rc);
    sqlite3_reset(m_stmt);
    return e;
}

Status Statement::run() {
    auto r = step();
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
    if (!r)
        return r.error();
    return {};
}

void Statement::reset() {
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
}

int Statement::columnCount() const { return sqlite3_column_count(m_stmt); }
bool Statement::isNull(int col) const { return sqlite3_column_type(m_stmt, col) == SQLITE_NULL; }
int Statement::columnType(int col) const { return sqlite3_column_type(m_stmt, col); }
int64_t Statement::getInt(int col) const { return sqlite3_column_int64(m_stmt, col); }
double Statement::getDouble(int col) const { return sqlite3_column_double(m_stmt, col); }

std::string_view Statement::getTextView(int col) const {
    auto* p = reinterpret_cast<const char*>(sqlite3_column_text(m_stmt, col));
    int n = sqlite3_column_bytes(m_stmt, col);
    return p ? std::string_view(p, static_cast<size_t>(n)) : std::string_view();
}
std::string Statement::getText(int col) const { return std::string(getTextView(col)); }
std::optional<std::string> Statement::getOptText(int col) const {
    if (isNull(col))
        return std::nullopt;
    return getText(col);
}
std::optional<int64_t> Statement::getOptInt(int col) const {
    if (isNull(col))
        return std::nullopt;
    return getInt(col);
}
std::string Statement::columnName(int col) const { return sqlite3_column_name(m_stmt, col); }

} // namespace sluice::core
