#include "destinations/sqlite/sqlite_destination.h"

#include "destinations/destination_log.h"
#include "destinations/sqlite/sqlite_table_names.h"
#include "util/fault_injection.h"
#include "util/logging.h"
#include "util/time_util.h"

#include <algorithm>
#include <fcntl.h>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

namespace sluice::core {

namespace fs = std::filesystem;

namespace {
const char* kCheckpointTable = "_airbyte_sluice_checkpoints";
// Another sync into the same file (another connection) holds the write lock for a whole batch or swap:
// wait for it rather than fail with "database is locked".
constexpr int kBusyTimeoutMs = 120000;
} // namespace

Error SqliteDestination::failure(const std::string& what, const std::string& cause) const {
    std::string msg = "SQLite destination " + m_path + ": " + what + ": " + cause;
    // The codes are gone once a failed COMMIT rolled back: SQLite's messages are what is left to go by.
    if (cause.find("disk is full") != std::string::npos)
        msg += " (free space on the disk that holds " + m_path + "; nothing of this attempt was kept)";
    else if (cause.find("readonly") != std::string::npos || cause.find("unable to open") != std::string::npos)
        msg += " (check that " + m_path + " and its folder are writable)";
    else if (cause.find("database is locked") != std::string::npos)
        msg += " (another program or sync held the file's write lock for over " +
               std::to_string(kBusyTimeoutMs / 60000) + " minutes; run the syncs that share " + m_path +
               " one after the other, or give each connection a file of its own)";
    logger("destination")->warn("{}", msg);
    return Error::transient(msg);
}

std::unique_ptr<Destination> makeSqliteDestination(const std::string& configJson) {
    auto config = nlohmann::json::parse(configJson);
    return std::make_unique<SqliteDestination>(config.value("path", std::string()));
}

SqliteDestination::SqliteDestination(std::string path) : m_path(std::move(path)) {}

Status SqliteDestination::open() {
    if (m_db.isOpen())
        return {};
    std::error_code ec;
    const fs::path parent = fs::path(m_path).parent_path();
    if (!parent.empty() && !fs::exists(parent, ec))
        return Error::config("SQLite destination: the folder " + parent.string() + " does not exist");
    // A warehouse holds copies of private data: a new file is the user's alone, whatever the umask.
    if (const int fd = ::open(m_path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, S_IRUSR | S_IWUSR);
        fd >= 0)
        ::close(fd);
    auto db = Database::open(m_path, Database::Mode::ReadWrite, kBusyTimeoutMs);
    if (!db)
        return Error::config("SQLite destination: " + db.error().message);
    m_db = std::move(db.value());
    m_db.describeSharing("The SQLite destination", "another sync into the same file");
    auto wal = m_db.useWal();
    if (!wal)
        return Error::config("SQLite destination " + m_path + " cannot be written: " + wal.error().message);
    // Bulk loads: a checkpoint costs two fsyncs whatever its size (on a busy disk, 10-50 ms each), so the log
    // is copied into the database every 64 MiB instead of every 4 MiB (161 fsyncs for a million rows become
    // 23); and a dedupe batch's pages (final table, history, key index) stay in a 32 MiB cache instead of
    // spilling out of the default 2 MiB one and being read back.
    SLUICE_TRY(m_db.exec("PRAGMA wal_autocheckpoint=16384; PRAGMA cache_size=-32768;"));
    SLUICE_TRY(m_db.exec(std::string("CREATE TABLE IF NOT EXISTS ") + kCheckpointTable +
                         " (connection_id INTEGER NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL, "
                         "generation_id INTEGER NOT NULL, seq INTEGER NOT NULL, state TEXT NOT NULL, "
                         "updated_at TEXT NOT NULL, PRIMARY KEY (connection_id, namespace, name))"));
    return SqliteTableNames(m_db).ensureTable();
}

Status SqliteDestination::check() {
    SLUICE_TRY(open());
    auto probe = m_db.exec("BEGIN IMMEDIATE; CREATE TABLE IF NOT EXISTS _airbyte_sluice_probe (x); "
                           "DROP TABLE _airbyte_sluice_probe; COMMIT;");
    if (!probe) {
        (void)m_db.exec("ROLLBACK");
        return Error::config("SQLite destination " + m_path + " is not writable: " + probe.error().message);
    }
    return {};
}

Result<std::optional<DestinationCheckpoint>>
SqliteDestination::checkpointOf(int64_t localId, const std::string& ns, const std::string& name) {
    auto st = m_db.prepare(std::string("SELECT generation_id, seq, state FROM ") + kCheckpointTable +
                           " WHERE connection_id=? AND namespace=? AND name=?");
    if (!st)
        return st.error();
    st->bind(1, localId).bind(2, ns).bind(3, name);
    auto r = st->step();
    if (!r)
        return r.error();
    if (!r.value())
        return std::optional<DestinationCheckpoint>{};
    return std::optional<DestinationCheckpoint>{
        DestinationCheckpoint{st->getInt(0), st->getInt(1), st->getText(2)}};
}

Result<std::optional<DestinationCheckpoint>>
SqliteDestination::lastCheckpoint(int64_t connectionId, const std::string& ns, const std::string& name) {
    SLUICE_TRY(open());
    // One snapshot: the owner's number and its checkpoint (another process may claim in between). The write
    // lock is taken first, as for every transaction here: a deferred one could not be upgraded safely later.
    Transaction tx(m_db);
    SLUICE_TRY(tx.begun());
    auto claims = SqliteTableNames(m_db).claims();
    if (!claims)
        return claims.error();
    const auto id = localIdOf(claims.value(), ownerFor(m_owner, connectionId));
    if (!id)
        return std::optional<DestinationCheckpoint>{};
    return checkpointOf(*id, ns, name);
}

Result<std::vector<std::string>> SqliteDestination::claimTables(const std::vector<StreamWritePlan>& plans) {
    SqliteTableNames names(m_db);
    auto claims = names.claims();
    if (!claims)
        return failure("cannot read the tables of the connections", claims.error().message);
    auto maxId = names.maxCheckpointId();
    if (!maxId)
        return failure("cannot read the checkpoints", maxId.error().message);
    // Streams that already have data choose their table first: they keep the one they have.
    const auto known = localIdOf(claims.value(), m_owner);
    std::vector<StreamRef> streams;
    for (const auto& p : plans) {
        StreamRef s{p.stream.stream.ns, p.stream.stream.name, false};
        if (known) {
            auto cp = checkpointOf(*known, s.ns, s.name);
            if (!cp)
                return cp.error();
            s.hasData = cp.value().has_value();
        }
        streams.push_back(std::move(s));
    }
    auto plan = planClaims(claims.value(), m_owner, streams,
                           SqliteTableNames::naming("SQLite destination " + m_path), maxId.value());
    if (!plan)
        return warnIfFailed("SQLite destination " + m_path, "choosing the tables of the connection",
                            plan.error())
            .error();
    if (auto applied = names.apply(plan.value(), m_owner); !applied)
        return failure("cannot record the tables of the connection", applied.error().message);
    m_localId = plan->localId;
    return plan->tables;
}

Status SqliteDestination::begin(int64_t connectionId, const std::vector<StreamWritePlan>& plans) {
    SLUICE_TRY(open());
    m_owner = ownerFor(m_owner, connectionId);
    m_streams.clear();
    Transaction tx(m_db);
    if (!tx.begun())
        return failure("cannot start writing", tx.begun().error().message);
    // Claimed in the transaction that creates the tables: two processes cannot both take one.
    auto tables = claimTables(plans);
    if (!tables)
        return tables.error();
    for (size_t i = 0; i < plans.size(); ++i) {
        auto s = std::make_unique<StreamState>();
        s->plan = plans[i];
        s->layout = SqliteTableLayout::of(plans[i].stream, tables.value()[i]);
        auto st = prepareStream(*s);
        if (!st)
            return failure("cannot prepare the tables of stream `" + plans[i].stream.stream.name + "`",
                           st.error().message);
        m_streams.push_back(std::move(s));
    }
    auto c = tx.commit();
    if (!c)
        return failure("cannot prepare the tables", c.error().message);
    for (const auto& s : m_streams)
        logStreamTables("SQLite destination " + m_path, connectionId, s->plan, s->layout, s->target);
    return {};
}

Result<int64_t> SqliteDestination::releaseTables() {
    std::error_code ec;
    if (!fs::exists(m_path, ec))
        return int64_t{0}; // nothing was ever written there; do not create the file
    SLUICE_TRY(open());
    Transaction tx(m_db);
    if (!tx.begun())
        return failure("cannot release the tables", tx.begun().error().message);
    auto released = SqliteTableNames(m_db).release(m_owner);
    if (!released)
        return failure("cannot release the tables", released.error().message);
    if (auto c = tx.commit(); !c)
        return failure("cannot release the tables", c.error().message);
    return released;
}

Status SqliteDestination::prepareStream(StreamState& s) {
    const auto& l = s.layout;
    const bool dedupe = s.plan.stream.mode.isDedupe();
    SLUICE_TRY(m_db.exec(l.createSql(l.finalTable)));
    SLUICE_TRY(ensureColumns(m_db, l.finalTable, l));
    if (dedupe) {
        SLUICE_TRY(m_db.exec(l.createSql(l.historyTable)));
        SLUICE_TRY(ensureColumns(m_db, l.historyTable, l));
        SLUICE_TRY(ensureKeyIndex(m_db, l));
    }
    SLUICE_TRY(ensureGenerationIndexes(m_db, l, dedupe));
    if (s.plan.minimumGeneration > 0) {
        // Staging survives only for a later attempt of the same generation, whose checkpoint covers it.
        auto cp = checkpointOf(m_localId, s.plan.stream.stream.ns, s.plan.stream.stream.name);
        if (!cp)
            return cp.error();
        const bool reuse = cp.value() && cp.value()->generation == s.plan.generation && !s.plan.clear &&
                           m_db.tableExists(l.stagingTable);
        if (!reuse)
            SLUICE_TRY(m_db.exec("DROP TABLE IF EXISTS " + quoteIdent(l.stagingTable)));
        SLUICE_TRY(m_db.exec(l.createSql(l.stagingTable)));
        SLUICE_TRY(ensureColumns(m_db, l.stagingTable, l));
        s.target = Target::Staging;
    } else {
        s.target = dedupe ? Target::HistoryAndFinal : Target::Final;
    }
    const std::string into = s.target == Target::Staging ? l.stagingTable
                             : s.target == Target::Final ? l.finalTable
                                                         : l.historyTable;
    SLUICE_TRY(s.insert.prepare(m_db, l.insertSql(into), l.columns.size()));
    if (s.target == Target::HistoryAndFinal) {
        // Only this sync writes the table until it ends, and only with its generation.
        auto same = holdsOnlyGeneration(m_db, l.finalTable, s.plan.generation);
        if (!same)
            return same.error();
        SLUICE_TRY(s.upsert.prepare(m_db, l.upsertSql(!same.value()), l.columns.size()));
        if (l.cdcColumn >= 0) {
            const std::string cdc = quoteIdent(l.columns[static_cast<size_t>(l.cdcColumn)]);
            SLUICE_TRY(m_db.exec("CREATE INDEX IF NOT EXISTS " + quoteIdent("_airbyte_cdc_" + l.finalTable) +
                                 " ON " + quoteIdent(l.finalTable) + " (" + cdc + ") WHERE " + cdc +
                                 " IS NOT NULL"));
            auto purge =
                m_db.prepare("DELETE FROM " + quoteIdent(l.finalTable) + " WHERE " + cdc + " IS NOT NULL");
            if (!purge)
                return purge.error();
            s.purgeDeleted = std::move(purge.value());
        }
    }
    return {};
}

Status SqliteDestination::writeRows(StreamState& s, std::vector<Row>& rows) {
    const bool upsert = s.target == Target::HistoryAndFinal;
    const size_t many = upsert ? std::min(s.insert.rowsPerStatement(), s.upsert.rowsPerStatement())
                               : s.insert.rowsPerStatement();
    for (size_t i = 0; i < rows.size();) {
        const size_t count = many > 1 && rows.size() - i >= many ? many : 1;
        stampRows(m_stamper, s.plan.syncId, rows, i, count, m_stamps);
        // History first, then the final table, group by group: a row is upserted after every row before it.
        for (SqliteRowWriter* w : {&s.insert, upsert ? &s.upsert : nullptr})
            if (w && !w->write(rows, i, count, m_stamps, s.plan.generation))
                return failure("cannot write a record of stream `" + s.plan.stream.stream.name + "`",
                               m_db.lastError());
        i += count;
    }
    if (s.purgeDeleted.handle() && !rows.empty())
        SLUICE_TRY(s.purgeDeleted.run());
    return {};
}

Status SqliteDestination::saveCheckpoint(const StreamState& s, const DestinationCheckpoint& c) {
    auto st = m_db.prepare(std::string("INSERT INTO ") + kCheckpointTable +
                           " (connection_id, namespace, name, generation_id, seq, state, updated_at) VALUES "
                           "(?,?,?,?,?,?,?) ON CONFLICT(connection_id, namespace, name) DO UPDATE SET "
                           "generation_id=excluded.generation_id, seq=excluded.seq, state=excluded.state, "
                           "updated_at=excluded.updated_at");
    if (!st)
        return st.error();
    st->bind(1, m_localId).bind(2, s.plan.stream.stream.ns).bind(3, s.plan.stream.stream.name);
    st->bind(4, c.generation).bind(5, c.seq).bind(6, c.stateJson).bind(7, nowIso());
    return st->run();
}

Status SqliteDestination::write(std::vector<StreamBatch>& batches) {
    Transaction tx(m_db);
    if (!tx.begun())
        return failure("cannot start writing", tx.begun().error().message);
    for (auto& b : batches) {
        if (b.stream >= m_streams.size())
            return Error::internal("write to an unknown stream index");
        StreamState& s = *m_streams[b.stream];
        SLUICE_TRY(writeRows(s, b.rows));
        if (b.checkpoint)
            if (auto saved = saveCheckpoint(s, *b.checkpoint); !saved)
                return failure("cannot save the checkpoint of stream `" + s.plan.stream.stream.name + "`",
                               saved.error().message);
    }
    faultPoint("before-destination-commit");
    auto c = tx.commit();
    if (!c)
        return failure("commit failed", c.error().message);
    return {};
}

Status SqliteDestination::swapIn(StreamState& s) {
    const auto& l = s.layout;
    const std::string finalT = quoteIdent(l.finalTable);
    const std::string staging = quoteIdent(l.stagingTable);
    if (!s.plan.stream.mode.isDedupe()) {
        // Old generations vanish and the new one appears in one commit: readers never see a gap.
        SLUICE_TRY(m_db.exec("DROP TABLE IF EXISTS " + finalT));
        SLUICE_TRY(m_db.exec("ALTER TABLE " + staging + " RENAME TO " + finalT));
        // Built once from the finished table, which is cheaper than keeping it up to date row by row.
        return ensureGenerationIndexes(m_db, l, false);
    }
    const std::string history = quoteIdent(l.historyTable);
    SLUICE_TRY(m_db.exec("DROP TABLE IF EXISTS " + history));
    SLUICE_TRY(m_db.exec("ALTER TABLE " + staging + " RENAME TO " + history));
    SLUICE_TRY(m_db.exec("DROP TABLE IF EXISTS " + finalT));
    SLUICE_TRY(m_db.exec(l.createSql(l.finalTable)));
    SLUICE_TRY(ensureKeyIndex(m_db, l));
    std::string where = "rn = 1";
    if (l.cdcColumn >= 0)
        where += " AND " + quoteIdent(l.columns[static_cast<size_t>(l.cdcColumn)]) + " IS NULL";
    SLUICE_TRY(m_db.exec("INSERT INTO " + finalT + " (" + l.columnList() + ") SELECT " + l.columnList() +
                         " FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY " + l.keyList() + " ORDER BY " +
                         l.winnerOrder() + ") AS rn FROM " + history + ") WHERE " + where));
    return ensureGenerationIndexes(m_db, l, true);
}

Status SqliteDestination::completeStream(StreamBatch& batch) {
    if (batch.stream >= m_streams.size() || !batch.checkpoint)
        return Error::internal("completeStream needs a known stream and a final checkpoint");
    StreamState& s = *m_streams[batch.stream];
    Transaction tx(m_db);
    if (!tx.begun())
        return failure("cannot start writing", tx.begun().error().message);
    if (s.plan.clear)
        SLUICE_TRY(m_db.exec("DELETE FROM " + quoteIdent(s.layout.stagingTable)));
    else
        SLUICE_TRY(writeRows(s, batch.rows));
    if (s.target == Target::Staging) {
        // Statements on the staging table must be gone before it is renamed.
        s.insert.release();
        faultPoint("during-swap");
        auto swapped = swapIn(s);
        if (!swapped)
            return warnIfFailed(
                "SQLite destination " + m_path, "swapping in stream `" + s.plan.stream.stream.name + "`",
                Error::transient("SQLite destination: swapping in stream `" + s.plan.stream.stream.name +
                                 "` failed: " + swapped.error().message));
    }
    if (auto saved = saveCheckpoint(s, *batch.checkpoint); !saved)
        return failure("cannot save the checkpoint of stream `" + s.plan.stream.stream.name + "`",
                       saved.error().message);
    auto c = tx.commit();
    if (!c)
        return failure("commit failed", c.error().message);
    if (s.target == Target::Staging)
        logSwappedIn("SQLite destination " + m_path, s.plan, s.layout);
    return {};
}

} // namespace sluice::core
