#include "store/migrations.h"

#include <string>
#include <vector>

namespace sluice::core {
namespace {

// Never edit a migration that has shipped: add a new one. Each runs inside the migration transaction.
const std::vector<const char*>& migrations() {
    static const std::vector<const char*> list = {
        // 1: the first schema
        R"sql(
CREATE TABLE connections (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    source_type TEXT NOT NULL,
    source_config TEXT NOT NULL,
    destination_type TEXT NOT NULL,
    destination_config TEXT NOT NULL,
    settings TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE configured_streams (
    connection_id INTEGER NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    namespace TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL,
    position INTEGER NOT NULL,
    selected INTEGER NOT NULL DEFAULT 1,
    sync_mode TEXT NOT NULL,
    destination_sync_mode TEXT NOT NULL,
    cursor_field TEXT,
    primary_key TEXT,
    json_schema TEXT,
    PRIMARY KEY (connection_id, namespace, name)
);
CREATE TABLE jobs (
    id INTEGER PRIMARY KEY,
    connection_id INTEGER NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    type TEXT NOT NULL,
    status TEXT NOT NULL,
    refresh_mode TEXT,
    created_at TEXT NOT NULL,
    started_at TEXT,
    ended_at TEXT,
    pid INTEGER,
    error TEXT
);
CREATE TABLE attempts (
    job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    status TEXT NOT NULL,
    started_at TEXT NOT NULL,
    ended_at TEXT,
    records_committed INTEGER NOT NULL DEFAULT 0,
    failure TEXT,
    PRIMARY KEY (job_id, number)
);
CREATE TABLE job_streams (
    job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    namespace TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL,
    generation_id INTEGER NOT NULL,
    min_generation_id INTEGER NOT NULL DEFAULT 0,
    action TEXT NOT NULL,
    records_committed INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL,
    message TEXT,
    PRIMARY KEY (job_id, namespace, name)
);
CREATE TABLE stream_state (
    connection_id INTEGER NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    namespace TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL,
    state TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (connection_id, namespace, name)
);
CREATE TABLE generations (
    connection_id INTEGER NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    namespace TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL,
    generation_id INTEGER NOT NULL,
    job_id INTEGER,
    reason TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (connection_id, namespace, name, generation_id)
);
CREATE TABLE job_logs (
    id INTEGER PRIMARY KEY,
    job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    attempt INTEGER NOT NULL DEFAULT 0,
    ts TEXT NOT NULL,
    level TEXT NOT NULL,
    logger TEXT NOT NULL,
    message TEXT NOT NULL
);
CREATE INDEX job_logs_by_job ON job_logs(job_id, id);
)sql",
        // 2: cancellation across processes, pending refreshes, blocked streams, checkpoint sequence
        R"sql(
ALTER TABLE jobs ADD COLUMN cancel_requested INTEGER NOT NULL DEFAULT 0;
ALTER TABLE configured_streams ADD COLUMN blocked_reason TEXT;
ALTER TABLE stream_state ADD COLUMN generation_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stream_state ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
CREATE TABLE pending_refreshes (
    connection_id INTEGER NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    namespace TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    generation_id INTEGER,
    job_id INTEGER,
    created_at TEXT NOT NULL,
    PRIMARY KEY (connection_id, namespace, name)
);
CREATE INDEX jobs_by_connection ON jobs(connection_id, id);
CREATE INDEX jobs_by_status ON jobs(status);
)sql",
        // 3: settings of the home itself (e.g. that the first start already happened)
        R"sql(
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
)sql",
        // 4: the home's identity, by which destinations shared with other homes know its connections
        R"sql(
INSERT OR IGNORE INTO settings (key, value) VALUES ('home_id', lower(hex(randomblob(16))));
)sql",
        // 5: what kind of state a connection-wide state is ('' GLOBAL, 'legacy' LEGACY), so it goes back
        // to the connector in the shape the connector wrote it
        R"sql(
ALTER TABLE stream_state ADD COLUMN kind TEXT NOT NULL DEFAULT '';
)sql",
        // 6: what a connector reports on each stream of a job (Airbyte's STREAM_STATUS and ESTIMATE)
        R"sql(
ALTER TABLE job_streams ADD COLUMN connector_status TEXT;
ALTER TABLE job_streams ADD COLUMN records_estimated INTEGER;
ALTER TABLE job_streams ADD COLUMN bytes_estimated INTEGER;
)sql",
        // 7: who started each job (gui, schedule, cli); NULL for jobs started before it was recorded
        R"sql(
ALTER TABLE jobs ADD COLUMN trigger TEXT;
)sql",
        // 8: hand edits of stream states, each with the state it replaced, so that it can be undone
        R"sql(
CREATE TABLE state_edits (
    id INTEGER PRIMARY KEY,
    connection_id INTEGER NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    namespace TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL,
    action TEXT NOT NULL,
    previous_state TEXT NOT NULL,
    new_state TEXT NOT NULL,
    generation_id INTEGER NOT NULL,
    undoes INTEGER REFERENCES state_edits(id),
    program TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX state_edits_stream ON state_edits (connection_id, namespace, name, id);
)sql",
        // 9: a stream's lookback (its JSON value, "P3D" or 1000) and how many of a stream's committed records
        // a job read again within it
        R"sql(
ALTER TABLE configured_streams ADD COLUMN lookback TEXT;
ALTER TABLE job_streams ADD COLUMN records_reread INTEGER NOT NULL DEFAULT 0;
)sql",
    };
    return list;
}

} // namespace

int storeSchemaVersion(Database& db) {
    auto v = db.queryInt("PRAGMA user_version");
    return v.ok() && v.value() ? static_cast<int>(*v.value()) : 0;
}

Status migrateStore(Database& db, int target) {
    const int total = static_cast<int>(migrations().size());
    if (target > total)
        target = total;
    int current = storeSchemaVersion(db);
    if (current > total)
        return Error::refused("Sluice's database " + db.path() + " has schema version " +
                              std::to_string(current) + ", newer than this Sluice understands (" +
                              std::to_string(total) + "): please update Sluice");
    if (current >= target)
        return {};
    // The write lock first: two processes starting at once must not both migrate, nor one read the version
    // and then be refused the upgrade to a write.
    return db.write("upgrading its schema", [&]() -> Status {
        // Re-read inside the write lock: another process may have migrated meanwhile.
        const int now = storeSchemaVersion(db);
        for (int v = now; v < target; ++v) {
            auto st = db.exec(migrations()[static_cast<size_t>(v)]);
            if (!st && st.error().busy)
                return st;
            if (!st)
                return Error::internal("migrating Sluice's database to version " + std::to_string(v + 1) +
                                       " failed: " + st.error().message);
        }
        return now < target ? db.exec("PRAGMA user_version = " + std::to_string(target)) : Status();
    });
}

} // namespace sluice::core
