#pragma once

#include "postgres/pg_connection.h"
#include "sources/source.h"

#include <memory>
#include <string>

namespace sluice::core {

// The `postgres` source: the tables and views of one schema, one stream each (namespace = the schema).
//
// Full refresh of a table reads it by CTID ranges (physical page slices, each its own short query, so no
// long transaction holds the table); a state {"ctid_page": P, "filenode": F} follows every slice and a later
// attempt resumes at page P, unless the table was rewritten meanwhile (its filenode changed). The last state
// is {}. Slices are sized to hold about checkpointInterval rows. Views are read in one pass (not resumable).
//
// Incremental reads use the user's cursor column with CursorFilter: rows with cursor >= the saved maximum, in
// cursor order, in chunks of checkpointInterval rows; a chunk never splits the rows sharing one cursor value,
// so its state {"from": <last cursor as text>, "inclusive": b} is exact. Rows with a NULL cursor come first,
// on a first read only.
class PostgresSource : public Source {
public:
    explicit PostgresSource(Result<PgConfig> config);

    Status check() override;
    Result<std::vector<StreamInfo>> discover() override;
    Status read(const ReadRequest& request, RecordSink& sink) override;

private:
    struct StreamRead;
    Result<PgConnection> connect();
    Status readStream(PgConnection& conn, size_t index, const ReadRequest& request, RecordSink& sink);
    Status readByCtid(StreamRead& sr);
    Status readIncremental(StreamRead& sr);
    // Reads every row matching `where` through a server-side cursor (bounded memory, one transaction).
    Status readAll(StreamRead& sr, const std::string& where, const PgParams& params);
    Status deliver(StreamRead& sr, const PgResult& result, int fromRow, int toRow);

    Result<PgConfig> m_config;
};

std::unique_ptr<Source> makePostgresSource(const std::string& configJson);

} // namespace sluice::core
