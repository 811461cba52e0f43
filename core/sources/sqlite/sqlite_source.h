#pragma once

#include "sources/source.h"

#include <memory>
#include <string>

namespace sluice::core {

// The `sqlite` source (SPEC §7: key `path`): every table and view of a SQLite file is a stream, read through
// a read-only connection with a busy timeout, so an application writing the file meanwhile is not disturbed.
//
// Discovery: columns typed from their declared SQL types (sqliteColumnType), the PRIMARY KEY as the
// source-defined key, no source-defined cursor, and resumable full refresh for rowid tables only.
//
// States (the engine stores them; only this source reads them):
//   - full refresh of a rowid table: {"last_rowid": N} after each chunk of rows in rowid order and every
//     checkpointInterval records; a later attempt continues after N; the final state is {}.
//   - full refresh of a view or WITHOUT ROWID table: one query, no position; the final state is {}.
//   - incremental: CursorFilter's state. Rows come in cursor order from the saved cursor on (`cursor >= ?`),
//     and the mid-read "position" is {"cursor": C, "rowid": R} for rowid tables (the last row read, so rows
//     inserted or deleted meanwhile cannot shift it) and {"offset": K} (rows of the same query already read)
//     for views and WITHOUT ROWID tables. Cursor values are compared as SQLite stores them, so the saved
//     maximum means the same in the next query.
class SqliteSource : public Source {
public:
    SqliteSource(std::string path, Status configStatus);

    Status check() override;
    Result<std::vector<StreamInfo>> discover() override;
    Status read(const ReadRequest& request, RecordSink& sink) override;

private:
    std::string m_path;
    Status m_configStatus;
};

// The source for a configuration object; a bad configuration makes every call fail with a Config error.
std::unique_ptr<Source> makeSqliteSource(const std::string& configJson);

} // namespace sluice::core
