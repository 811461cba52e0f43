#include "destinations/postgres/postgres_destination.h"

#include "destinations/destination_log.h"
#include "destinations/postgres/pg_table_names.h"
#include "postgres/pg_binary_copy.h"
#include "postgres/pg_value.h"
#include "util/time_util.h"

namespace sluice::core {

namespace {
const char* kWho = "PostgreSQL destination";
const char* kCheckpointTable = "_airbyte_sluice_checkpoints";

// $3: the relkinds that count ("rp" tables, "i" indexes).
const char* kRelationExists = "SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON "
                              "n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2 "
                              "AND strpos($3, c.relkind::text) > 0";
} // namespace

std::unique_ptr<Destination> makePostgresDestination(const std::string& configJson) {
    return std::make_unique<PostgresDestination>(parsePgConfig(configJson, kWho));
}

PostgresDestination::PostgresDestination(Result<PgConfig> config) : m_config(std::move(config)) {}

Status PostgresDestination::open() {
    if (m_conn.isOpen())
        return {};
    if (!m_config)
        return m_config.error();
    auto conn = PgConnection::connect(*m_config, kWho);
    if (!conn)
        return conn.error();
    const std::string& schema = m_config->schema;
    // Two first syncs at once would both create the schema and the bookkeeping tables, and one of them fail.
    auto created = [&]() -> Status {
        PgTransaction tx(conn.value());
        SLUICE_TRY(tx.begun());
        SLUICE_TRY(conn->exec("SELECT pg_advisory_xact_lock(1397518659, hashtext($1))", {schema}));
        // CREATE SCHEMA IF NOT EXISTS needs the CREATE right on the database even when the schema exists.
        auto exists = conn->queryValue("SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1", {schema});
        if (!exists)
            return exists.error();
        if (!exists.value())
            if (auto made = conn->exec("CREATE SCHEMA " + quoteIdent(schema)); !made)
                return pgContext(made.error(), kWho, "creating schema `" + schema + "`");
        auto tables =
            conn->exec("CREATE TABLE IF NOT EXISTS " + qualifiedName(schema, kCheckpointTable) +
                       " (connection_id bigint NOT NULL, namespace text NOT NULL, name text NOT NULL, "
                       "generation_id bigint NOT NULL, seq bigint NOT NULL, state text NOT NULL, "
                       "updated_at timestamptz NOT NULL, PRIMARY KEY (connection_id, namespace, name))");
        if (tables)
            tables = PgTableNames(conn.value(), schema).ensureTable();
        if (!tables)
            return pgContext(tables.error(), kWho, "creating tables in schema `" + schema + "`");
        return tx.commit();
    }();
    if (!created)
        return created.error();
    m_conn = std::move(conn.value());
    return {};
}

Status PostgresDestination::check() {
    SLUICE_TRY(open());
    // A table created and rolled back proves the rights without leaving anything behind.
    PgTransaction tx(m_conn);
    SLUICE_TRY(tx.begun());
    auto probe =
        m_conn.exec("CREATE TABLE " + qualifiedName(m_config->schema, "_airbyte_sluice_probe") + " (x int)");
    if (!probe)
        return pgContext(probe.error(), kWho, "creating tables in schema `" + m_config->schema + "`");
    return {};
}

Result<bool> PostgresDestination::tableExists(const std::string& schema, const std::string& table) {
    auto r = m_conn.queryValue(kRelationExists, {schema, table, "rp"});
    if (!r)
        return r.error();
    return r.value().has_value();
}

std::string PostgresDestination::where() const {
    return std::string(kWho) + " " + m_config->database + " at " + m_config->address() + ", schema `" +
           m_config->schema + "`";
}

Result<std::optional<DestinationCheckpoint>>
PostgresDestination::checkpointOf(int64_t localId, const std::string& ns, const std::string& name) {
    auto r = m_conn.query("SELECT generation_id, seq, state FROM " +
                              qualifiedName(m_config->schema, kCheckpointTable) +
                              " WHERE connection_id = $1 AND namespace = $2 AND name = $3",
                          {std::to_string(localId), ns, name});
    if (!r)
        return r.error();
    if (r->rows() == 0)
        return std::optional<DestinationCheckpoint>{};
    return std::optional<DestinationCheckpoint>{
        DestinationCheckpoint{r->getInt(0, 0), r->getInt(0, 1), r->get(0, 2)}};
}

Result<std::optional<DestinationCheckpoint>>
PostgresDestination::lastCheckpoint(int64_t connectionId, const std::string& ns, const std::string& name) {
    SLUICE_TRY(open());
    // One snapshot: the owner's number and its checkpoint (another process may claim in between).
    PgTransaction tx(m_conn);
    SLUICE_TRY(tx.begun());
    SLUICE_TRY(m_conn.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"));
    auto claims = PgTableNames(m_conn, m_config->schema).claims();
    if (!claims)
        return claims.error();
    const auto id = localIdOf(claims.value(), ownerFor(m_owner, connectionId));
    if (!id)
        return std::optional<DestinationCheckpoint>{};
    return checkpointOf(*id, ns, name);
}

Result<std::vector<std::string>> PostgresDestination::claimTables(const std::vector<StreamWritePlan>& plans) {
    PgTableNames names(m_conn, m_config->schema);
    SLUICE_TRY(names.lock());
    auto claims = names.claims();
    if (!claims)
        return claims.error();
    auto maxId = names.maxCheckpointId();
    if (!maxId)
        return maxId.error();
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
    auto plan = planClaims(claims.value(), m_owner, streams, PgTableNames::naming(where()), maxId.value());
    if (!plan)
        return plan.error();
    SLUICE_TRY(names.apply(plan.value(), m_owner));
    m_localId = plan->localId;
    return plan->tables;
}

Status PostgresDestination::begin(int64_t connectionId, const std::vector<StreamWritePlan>& plans) {
    SLUICE_TRY(open());
    m_owner = ownerFor(m_owner, connectionId);
    m_streams.clear();
    SLUICE_TRY(warnIfFailed(where(), "preparing the tables of connection " + std::to_string(connectionId),
                            prepareTables(plans)));
    for (const auto& s : m_streams)
        logStreamTables(where(), connectionId, s->plan, s->layout, s->target);
    return {};
}

Status PostgresDestination::prepareTables(const std::vector<StreamWritePlan>& plans) {
    PgTransaction tx(m_conn);
    SLUICE_TRY(tx.begun());
    // Claimed in the transaction that creates the tables: two processes cannot both take one.
    auto tables = claimTables(plans);
    if (!tables)
        return tables.error().kind == ErrorKind::Refused
                   ? tables.error()
                   : pgContext(tables.error(), kWho, "choosing the tables of the connection");
    for (size_t i = 0; i < plans.size(); ++i) {
        auto s = std::make_unique<StreamState>();
        s->plan = plans[i];
        s->layout = PgTableLayout::of(plans[i].stream, m_config->schema, tables.value()[i]);
        auto st = prepareStream(*s, i);
        if (!st)
            return pgContext(st.error(), kWho, "stream `" + plans[i].stream.stream.name + "`");
        m_streams.push_back(std::move(s));
    }
    return tx.commit();
}

Result<int64_t> PostgresDestination::releaseTables() {
    SLUICE_TRY(open());
    PgTransaction tx(m_conn);
    SLUICE_TRY(tx.begun());
    auto released = PgTableNames(m_conn, m_config->schema).release(m_owner);
    if (!released)
        return pgContext(released.error(), kWho, "releasing the tables of the connection");
    SLUICE_TRY(tx.commit());
    return released;
}

Result<bool> PostgresDestination::ensureColumns(const std::string& table, const PgTableLayout& l) {
    auto have =
        m_conn.query("SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_catalog.pg_attribute a "
                     "JOIN pg_catalog.pg_class c ON "
                     "c.oid = a.attrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                     "WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped",
                     {l.schema, table});
    if (!have)
        return have.error();
    std::vector<std::string> names, types;
    for (int r = 0; r < have->rows(); ++r) {
        names.push_back(have->get(r, 0));
        types.push_back(have->get(r, 1));
    }
    // A stream that gained fields gets columns; columns it no longer has stay, unfilled.
    for (size_t i = 0; i < l.columns.size(); ++i)
        if (std::find(names.begin(), names.end(), l.columns[i]) == names.end()) {
            SLUICE_TRY(m_conn.exec("ALTER TABLE " + l.qualified(table) + " ADD COLUMN " +
                                   quoteIdent(l.columns[i]) + " " + pgColumnType(l.types[i])));
            names.push_back(l.columns[i]);
            types.push_back(pgColumnType(l.types[i]));
        }
    return l.binaryCopyFits(names, types);
}

Status PostgresDestination::ensureKeyIndex(const PgTableLayout& l) {
    if (l.keyColumns.empty())
        return {};
    auto exists = m_conn.queryValue(kRelationExists, {l.schema, l.keyIndexName(), "i"});
    if (!exists)
        return exists.error();
    if (exists.value())
        return {};
    // The table may hold several versions per key (it was not deduplicated before): keep each key's winner.
    const std::string t = l.qualified(l.finalTable);
    SLUICE_TRY(m_conn.exec("DELETE FROM " + t +
                           " WHERE ctid IN (SELECT ctid FROM (SELECT ctid, row_number() OVER "
                           "(PARTITION BY " +
                           l.keyList() + " ORDER BY " + l.winnerOrder() + ") AS rn FROM " + t +
                           ") w WHERE rn > 1)"));
    return m_conn.exec("CREATE UNIQUE INDEX IF NOT EXISTS " + quoteIdent(l.keyIndexName()) + " ON " + t +
                       " (" + l.keyList() + ")");
}

Status PostgresDestination::prepareStream(StreamState& s, size_t index) {
    const auto& l = s.layout;
    const bool dedupe = s.plan.stream.mode.isDedupe();
    SLUICE_TRY(m_conn.exec(l.createSql(l.finalTable)));
    auto finalBinary = ensureColumns(l.finalTable, l);
    if (!finalBinary)
        return finalBinary.error();
    // A dedupe batch goes through a table made LIKE the final one: the same types.
    s.binary = finalBinary.value();
    if (dedupe) {
        SLUICE_TRY(m_conn.exec(l.createSql(l.historyTable)));
        SLUICE_TRY(ensureColumns(l.historyTable, l));
        SLUICE_TRY(ensureKeyIndex(l));
    }
    if (s.plan.minimumGeneration > 0) {
        // Staging survives only for a later attempt of the same generation, whose checkpoint covers it.
        auto cp = checkpointOf(m_localId, s.plan.stream.stream.ns, s.plan.stream.stream.name);
        if (!cp)
            return cp.error();
        auto staged = tableExists(l.schema, l.stagingTable);
        if (!staged)
            return staged.error();
        const bool reuse =
            cp.value() && cp.value()->generation == s.plan.generation && !s.plan.clear && *staged;
        if (!reuse)
            SLUICE_TRY(m_conn.exec("DROP TABLE IF EXISTS " + l.qualified(l.stagingTable)));
        SLUICE_TRY(m_conn.exec(l.createSql(l.stagingTable)));
        auto stagingBinary = ensureColumns(l.stagingTable, l);
        if (!stagingBinary)
            return stagingBinary.error();
        s.binary = stagingBinary.value();
        s.target = Target::Staging;
        return {};
    }
    s.target = dedupe ? Target::HistoryAndFinal : Target::Final;
    if (s.target == Target::HistoryAndFinal) {
        s.batchTable = quoteIdent("_sluice_batch_" + std::to_string(index));
        SLUICE_TRY(m_conn.exec("DROP TABLE IF EXISTS pg_temp." + s.batchTable));
        SLUICE_TRY(
            m_conn.exec("CREATE TEMP TABLE " + s.batchTable + " (LIKE " + l.qualified(l.finalTable) + ")"));
    }
    return {};
}

void PostgresDestination::fitRow(const StreamState& s, Row& row) const {
    const auto& columns = s.plan.stream.stream.columns;
    const auto& types = s.layout.types;
    for (size_t i = 0; i < row.values.size() && i < types.size(); ++i) {
        Value& v = row.values[i];
        if (pgAccepts(types[i], v) || (coerceTo(types[i], v) && pgAccepts(types[i], v)))
            continue;
        v = Value::null();
        row.changes.push_back({columns[i].name});
    }
}

void PostgresDestination::encodeRow(const StreamState& s, Row& row, std::string& out) {
    fitRow(s, row);
    const size_t n = s.layout.columns.size();
    const int64_t extractedMs = row.extractedAtMs ? row.extractedAtMs : nowMillis();
    m_stamper.uuid(m_rawId);
    const std::string& meta = m_stamper.meta(s.plan.syncId, row);
    if (s.binary) {
        appendBinaryRowStart(out, static_cast<int>(n + 4));
        for (size_t i = 0; i < n; ++i)
            appendBinaryField(out, i < row.values.size() ? row.values[i] : Value());
        appendBinaryText(out, m_rawId);
        appendBinaryTimestamptz(out, extractedMs);
        appendBinaryBigint(out, s.plan.generation);
        appendBinaryJsonb(out, meta);
        return;
    }
    for (size_t i = 0; i < n; ++i) {
        appendCopyField(out, i < row.values.size() ? row.values[i] : Value());
        out += '\t';
    }
    out.append(m_rawId).append(1, '\t').append(m_stamper.extractedAt(extractedMs)).append(1, '\t');
    out.append(m_generationText).append(1, '\t');
    appendCopyText(out, meta);
    out += '\n';
}

Status PostgresDestination::copyRows(const StreamState& s, const std::string& table, std::vector<Row>& rows) {
    // Pieces of 256 KiB: the server parses one while the next is encoded, and libpq's buffer stays small.
    constexpr size_t kPiece = 256 << 10;
    size_t next = 0;
    m_generationText = std::to_string(s.plan.generation); // the text format's, once per batch
    return m_conn.copyIn(s.layout.copySql(table, s.binary), m_copy, [&](std::string& out) {
        if (next == 0 && s.binary)
            appendBinaryCopyHeader(out);
        while (next < rows.size() && out.size() < kPiece)
            encodeRow(s, rows[next++], out);
        const bool more = next < rows.size();
        if (!more && s.binary)
            appendBinaryCopyTrailer(out);
        return more;
    });
}

Status PostgresDestination::writeRows(StreamState& s, std::vector<Row>& rows) {
    if (rows.empty())
        return {};
    const auto& l = s.layout;
    if (s.target != Target::HistoryAndFinal)
        return copyRows(s, l.qualified(s.target == Target::Staging ? l.stagingTable : l.finalTable), rows);
    // Dedupe: every version goes to the history table; each key's winner of the batch is upserted.
    SLUICE_TRY(m_conn.exec("TRUNCATE " + s.batchTable));
    SLUICE_TRY(copyRows(s, s.batchTable, rows));
    SLUICE_TRY(m_conn.exec("INSERT INTO " + l.qualified(l.historyTable) + " (" + l.columnList() +
                           ") SELECT " + l.columnList() + " FROM " + s.batchTable));
    SLUICE_TRY(m_conn.exec(l.upsertSql(s.batchTable)));
    if (l.cdcColumn < 0)
        return {};
    std::string match;
    for (int k : l.keyColumns) {
        const std::string c = quoteIdent(l.columns[static_cast<size_t>(k)]);
        match += " AND f." + c + " = b." + c;
    }
    return m_conn.exec("DELETE FROM " + l.qualified(l.finalTable) + " f USING " + s.batchTable +
                       " b WHERE f." + quoteIdent(l.columns[static_cast<size_t>(l.cdcColumn)]) +
                       " IS NOT NULL" + match);
}

Status PostgresDestination::saveCheckpoint(const StreamState& s, const DestinationCheckpoint& c) {
    return m_conn.exec(
        "INSERT INTO " + qualifiedName(m_config->schema, kCheckpointTable) +
            " (connection_id, namespace, name, generation_id, seq, state, updated_at) VALUES "
            "($1, $2, $3, $4, $5, $6, now()) ON CONFLICT (connection_id, namespace, name) DO UPDATE "
            "SET generation_id = EXCLUDED.generation_id, seq = EXCLUDED.seq, state = EXCLUDED.state, "
            "updated_at = EXCLUDED.updated_at",
        {std::to_string(m_localId), s.plan.stream.stream.ns, s.plan.stream.stream.name,
         std::to_string(c.generation), std::to_string(c.seq), c.stateJson});
}

Status PostgresDestination::write(std::vector<StreamBatch>& batches) {
    return warnIfFailed(where(), "writing a batch", [&]() -> Status {
        PgTransaction tx(m_conn);
        SLUICE_TRY(tx.begun());
        for (auto& b : batches) {
            if (b.stream >= m_streams.size())
                return Error::internal("write to an unknown stream index");
            StreamState& s = *m_streams[b.stream];
            if (auto st = writeRows(s, b.rows); !st)
                return pgContext(st.error(), kWho, "writing stream `" + s.plan.stream.stream.name + "`");
            if (b.checkpoint)
                SLUICE_TRY(saveCheckpoint(s, *b.checkpoint));
        }
        return tx.commit();
    }());
}

Status PostgresDestination::swapIn(StreamState& s) {
    const auto& l = s.layout;
    const std::string finalT = l.qualified(l.finalTable);
    // Old generations vanish and the new one appears in one commit: readers never see a gap.
    SLUICE_TRY(m_conn.exec("DROP TABLE IF EXISTS " + finalT));
    if (!s.plan.stream.mode.isDedupe())
        return m_conn.exec("ALTER TABLE " + l.qualified(l.stagingTable) + " RENAME TO " +
                           quoteIdent(l.finalTable));
    const std::string history = l.qualified(l.historyTable);
    SLUICE_TRY(m_conn.exec("DROP TABLE IF EXISTS " + history));
    SLUICE_TRY(m_conn.exec("ALTER TABLE " + l.qualified(l.stagingTable) + " RENAME TO " +
                           quoteIdent(l.historyTable)));
    SLUICE_TRY(m_conn.exec(l.createSql(l.finalTable)));
    SLUICE_TRY(m_conn.exec("INSERT INTO " + finalT + " (" + l.columnList() + ") " +
                           l.winnersSql(history, "", true)));
    return m_conn.exec("CREATE UNIQUE INDEX " + quoteIdent(l.keyIndexName()) + " ON " + finalT + " (" +
                       l.keyList() + ")");
}

Status PostgresDestination::completeStream(StreamBatch& batch) {
    if (batch.stream >= m_streams.size() || !batch.checkpoint)
        return Error::internal("completeStream needs a known stream and a final checkpoint");
    StreamState& s = *m_streams[batch.stream];
    SLUICE_TRY(
        warnIfFailed(where(), "completing stream `" + s.plan.stream.stream.name + "`", [&]() -> Status {
            PgTransaction tx(m_conn);
            SLUICE_TRY(tx.begun());
            if (s.plan.clear && s.target == Target::Staging)
                SLUICE_TRY(m_conn.exec("TRUNCATE " + s.layout.qualified(s.layout.stagingTable)));
            else if (auto st = writeRows(s, batch.rows); !st)
                return pgContext(st.error(), kWho, "writing stream `" + s.plan.stream.stream.name + "`");
            if (s.target == Target::Staging)
                if (auto swapped = swapIn(s); !swapped)
                    return pgContext(swapped.error(), kWho,
                                     "swapping in stream `" + s.plan.stream.stream.name + "`");
            SLUICE_TRY(saveCheckpoint(s, *batch.checkpoint));
            return tx.commit();
        }()));
    if (s.target == Target::Staging)
        logSwappedIn(where(), s.plan, s.layout);
    return {};
}

} // namespace sluice::core
