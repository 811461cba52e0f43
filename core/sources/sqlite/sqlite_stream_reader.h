#pragma once

#include "sources/source.h"
#include "sources/sqlite/sqlite_schema.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace sluice::core {

// Reads one stream of a source database (the state formats are described at SqliteSource).
//
// Rowid-ordered reads come in chunks of separate queries whose rows are buffered before they are emitted:
// the read transaction ends before the destination writes, so a writer of the source file (in rollback
// journal mode, blocked by any reader) gets its turn between chunks.
class SqliteStreamReader {
public:
    SqliteStreamReader(Database& db, const SqliteTable& table, const StreamReadSpec& spec, size_t index,
                       int64_t checkpointInterval, RecordSink& sink);

    Status run();

    static constexpr int64_t kChunkRows = 10000;

private:
    struct Fetched {
        Row row;
        std::vector<Value> extra; // the raw values of the trailing columns after the stream's own
    };

    Status fullRefreshByRowid();
    Status fullRefreshAtOnce();
    Status incremental();

    // Runs a query to its end; the statement is finalized (its read lock released) when this returns.
    Status query(const std::string& sql, const std::vector<Value>& binds,
                 const std::function<Status(const Statement&)>& onRow);
    // Runs a whole query (with its LIMIT) and buffers the rows; `extras` trailing columns are kept raw.
    Result<std::vector<Fetched>> fetch(const std::string& sql, const std::vector<Value>& binds, int extras);
    Row toRow(const Statement& st) const;
    void estimate(const std::string& where, const std::vector<Value>& binds);
    std::string what() const; // "table `x`" or "view `x`", for messages

    Database& m_db;
    const SqliteTable& m_table;
    const StreamReadSpec& m_spec;
    size_t m_index;
    int64_t m_interval;
    RecordSink& m_sink;
    std::vector<Column> m_columns; // what the engine asks for, in its order
    std::string m_select;          // m_columns as SQL: NULL for a column the table no longer has
    std::string m_from;
};

} // namespace sluice::core
