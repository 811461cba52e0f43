#pragma once

#include "config/connection_config.h"
#include "store/connection_secrets.h"
#include "util/sqlite_db.h"

#include <optional>
#include <string>
#include <vector>

namespace sluice::core {

// Connections and their configured streams in Sluice's database. Secret values (connector_specs.h) are kept
// out of it: they go to the home's SecretStore and the database holds references (connection_secrets.h).
class ConnectionRepository {
public:
    explicit ConnectionRepository(Database& db) : m_db(db) {}

    // Refuses a name that is taken; returns the new id.
    Result<int64_t> create(const ConnectionConfig& config);
    Status update(int64_t id, const ConnectionConfig& config);
    Status remove(int64_t id);
    Result<std::vector<ConnectionConfig>> list();
    Result<ConnectionConfig> get(int64_t id);
    // A numeric id or a name, as the CLI accepts it.
    Result<ConnectionConfig> find(const std::string& idOrName);

    // The JSON schema a stream had when it was last synced (for schema-change detection).
    Result<std::optional<std::string>> streamSchema(int64_t id, const std::string& ns,
                                                    const std::string& name);
    Status setStreamSchema(int64_t id, const std::string& ns, const std::string& name,
                           const std::string& schema);
    // The destination columns (JSON schema) a stream's table was given through its selection and mappers
    // when its schema was last adopted; nullopt when never recorded (then: the stream's own columns).
    Result<std::optional<std::string>> mappedColumns(int64_t id, const std::string& ns,
                                                     const std::string& name);
    Status setMappedColumns(int64_t id, const std::string& ns, const std::string& name,
                            const std::string& schema);
    Result<std::optional<std::string>> blockedReason(int64_t id, const std::string& ns,
                                                     const std::string& name);
    Status setBlockedReason(int64_t id, const std::string& ns, const std::string& name,
                            const std::optional<std::string>& reason);

private:
    Status writeStreams(int64_t id, const ConnectionConfig& config, const std::vector<std::string>& mappings);
    // Each stream's mapping as stored (with secret references).
    Result<StoredMappings> storedMappings(int64_t id);
    Status checkNameFree(const std::string& name, int64_t exceptId);
    Result<ConnectionConfig> readRow(Statement& st);
    // The connector configurations as stored (with secret references).
    Result<std::pair<std::string, std::string>> storedConfigs(int64_t id);

    Database& m_db;
};

} // namespace sluice::core
