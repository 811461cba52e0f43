// Write transactions on a SQLite file that other processes share, and the one bounded retry of them.
#include "util/logging.h"
#include "util/sqlite_db.h"
#include "util/sqlite_error.h"

#include <chrono>
#include <random>
#include <spdlog/spdlog.h>
#include <sqlite3.h>
#include <thread>

namespace sluice::core {

namespace {

using Clock = std::chrono::steady_clock;

// A pause of 1 ms up to 10 ms * 2^(attempt-1), at most 250 ms, chosen at random so that connections refused
// together do not all come back together.
std::chrono::milliseconds pauseBefore(int attempt) {
    thread_local std::minstd_rand random{std::random_device{}()};
    const int ceiling = std::min(250, 10 << std::min(attempt - 1, 5));
    return std::chrono::milliseconds(std::uniform_int_distribution<int>(1, ceiling)(random));
}

} // namespace

Transaction::Transaction(Database& db) : m_db(db), m_nested(db.inTransaction()) {
    // BEGIN counts as read-only for SQLite, so Statement::step() does not see this upgrade: look here.
    if (!m_nested && holdsReadSnapshot(db.handle())) {
        m_begin = readThenWrite(db.handle(), "BEGIN IMMEDIATE");
        m_done = true;
        return;
    }
    // A savepoint: the body of one write() inside another is undone alone when it fails, and the outer
    // transaction (which holds the write lock already) decides about the rest.
    m_begin = m_db.exec(m_nested ? "SAVEPOINT sluice_nested" : "BEGIN IMMEDIATE");
    if (!m_begin)
        m_done = true;
}

Transaction::~Transaction() {
    if (!m_done)
        rollback();
}

void Transaction::rollback() {
    m_done = true;
    if (m_nested)
        (void)m_db.exec("ROLLBACK TO sluice_nested; RELEASE sluice_nested");
    else if (m_db.inTransaction())
        (void)m_db.exec("ROLLBACK");
}

Status Transaction::commit() {
    if (m_done)
        return m_begin.ok() ? Status(Error::internal("transaction already finished")) : m_begin;
    auto st = m_db.exec(m_nested ? "RELEASE sluice_nested" : "COMMIT");
    if (!st) {
        rollback();
        return st;
    }
    m_done = true;
    return {};
}

Status Database::writeWithRetry(std::string_view what, const std::function<Status()>& body) {
    auto once = [&]() -> Status {
        Transaction tx(*this);
        SLUICE_TRY(tx.begun());
        SLUICE_TRY(body());
        return tx.commit();
    };
    if (inTransaction())
        return once(); // the outer write() runs the whole transaction again if need be
    return retryWhileBusy(what, once);
}

Status Database::useWal() {
    return retryWhileBusy("switching it to WAL mode",
                          [this] { return exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"); });
}

Status Database::retryWhileBusy(std::string_view what, const std::function<Status()>& once) {
    // BEGIN IMMEDIATE already waits up to the busy timeout for the lock; what still fails with SQLITE_BUSY
    // (a lock SQLite would not wait for, or a writer that kept it that long) gets more time, up to a bound.
    const auto start = Clock::now();
    const auto budget = std::chrono::milliseconds(3 * std::max(m_busyTimeoutMs, 100));
    for (int attempt = 1;; ++attempt) {
        Status st = once();
        if (st.ok() || !st.error().busy)
            return st;
        const auto waited = Clock::now() - start;
        if (waited >= budget) {
            const auto tenths = std::chrono::duration_cast<std::chrono::milliseconds>(waited).count() / 100;
            return Error::locked(
                m_what + " " + m_path + " stayed locked for " + std::to_string(tenths / 10) + "." +
                std::to_string(tenths % 10) + " s while " + std::string(what) + ": " + m_writers +
                " held its write lock all that time. Wait until it is done (or close it), then "
                "try again (SQLite: " +
                st.error().message + ")");
        }
        // Rare enough to be worth a line: the busy timeout ran out, or SQLite would not wait at all.
        logger("store")->warn("{}: SQLITE_BUSY while {} ({}); running it again (attempt {})", m_path, what,
                              st.error().message, attempt + 1);
        std::this_thread::sleep_for(pauseBefore(attempt));
    }
}

} // namespace sluice::core
