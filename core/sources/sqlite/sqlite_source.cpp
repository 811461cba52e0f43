#include "sources/sqlite/sqlite_source.h"

#include "sources/sqlite/sqlite_schema.h"
#include "sources/sqlite/sqlite_stream_reader.h"
#include "util/sqlite_db.h"

#include <filesystem>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

namespace sluice::core {

namespace {
namespace fs = std::filesystem;

// Opens the file and reads its schema once, so a file that is not a database fails here with a clear
// message rather than on the first query of a read.
Result<Database> openSourceDatabase(const std::string& path) {
    std::error_code ec;
    if (!fs::exists(path, ec))
        return Error::config("sqlite source: " + path + " does not exist");
    if (fs::is_directory(path, ec))
        return Error::config("sqlite source: " + path + " is a folder, not a SQLite database file");
    auto db = Database::open(path, Database::Mode::ReadOnly);
    if (!db)
        return Error::config("sqlite source: cannot open " + path + ": " + db.error().message);
    auto probe = db->queryInt("SELECT count(*) FROM sqlite_master");
    if (!probe) {
        const int code = sqlite3_errcode(db->handle()) & 0xff;
        if (code == SQLITE_NOTADB)
            return Error::config("sqlite source: " + path + " is not a SQLite database");
        if (code == SQLITE_CORRUPT)
            return Error::config("sqlite source: " + path + " is corrupt: " + probe.error().message);
        return Error::transient("sqlite source: cannot read " + path + ": " + probe.error().message);
    }
    return db;
}

struct OpenedSource {
    Database db;
    std::vector<SqliteTable> tables;
};

Result<OpenedSource> openWithTables(const std::string& path) {
    auto db = openSourceDatabase(path);
    if (!db)
        return db.error();
    auto tables = listSqliteTables(*db);
    if (!tables)
        return tables.error().context("sqlite source: " + path);
    return OpenedSource{std::move(db.value()), std::move(tables.value())};
}
} // namespace

SqliteSource::SqliteSource(std::string path, Status configStatus)
    : m_path(std::move(path)), m_configStatus(std::move(configStatus)) {}

std::unique_ptr<Source> makeSqliteSource(const std::string& configJson) {
    const auto invalid = [](const std::string& message) {
        return std::make_unique<SqliteSource>("", Error::config("sqlite source: " + message));
    };
    const auto config = nlohmann::json::parse(configJson.empty() ? "{}" : configJson, nullptr, false);
    if (!config.is_object())
        return invalid("the configuration is not a JSON object");
    if (!config.contains("path") || !config["path"].is_string() || config["path"].get<std::string>().empty())
        return invalid("`path` (the database file) is missing");
    return std::make_unique<SqliteSource>(config["path"].get<std::string>(), Status{});
}

Status SqliteSource::check() {
    SLUICE_TRY(m_configStatus);
    SLUICE_TRY(openWithTables(m_path));
    return {};
}

Result<std::vector<StreamInfo>> SqliteSource::discover() {
    SLUICE_TRY(m_configStatus);
    auto opened = openWithTables(m_path);
    if (!opened)
        return opened.error();
    std::vector<StreamInfo> streams;
    for (const auto& t : opened->tables)
        streams.push_back(sqliteStreamInfo(t));
    return streams;
}

Status SqliteSource::read(const ReadRequest& request, RecordSink& sink) {
    SLUICE_TRY(m_configStatus);
    auto opened = openWithTables(m_path);
    if (!opened)
        return opened.error();
    for (size_t i = 0; i < request.streams.size(); ++i) {
        const StreamReadSpec& spec = request.streams[i];
        const SqliteTable* table = nullptr;
        for (const auto& t : opened->tables)
            if (t.name == spec.stream.stream.name)
                table = &t;
        if (!table)
            return Error::config("sqlite source: there is no table or view `" + spec.stream.stream.name +
                                 "` in " + m_path);
        SqliteStreamReader reader(opened->db, *table, spec, i, request.checkpointInterval, sink);
        SLUICE_TRY(reader.run());
    }
    return {};
}

} // namespace sluice::core
