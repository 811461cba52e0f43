#pragma once

#include "catalog/stream.h"
#include "mapping/mapper_spec.h"

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace sluice::core {

// What a configured stream asks of its records before the destination: a projection to the selected
// top-level fields, then Airbyte's mappers in order.
struct MappingConfig {
    std::optional<std::vector<std::string>> selectedFields; // nullopt: every field
    std::vector<MapperSpec> mappers;
    bool empty() const { return !selectedFields && mappers.empty(); }
};

// The fields a stream's sync mode depends on, which no selection or mapper may take away or change.
struct ProtectedFields {
    std::vector<std::string> primaryKey; // top-level names
    std::string cursor;                  // empty when the mode has none
};

// A configured stream's mapping compiled against the columns its source delivers: the destination's columns
// are known once (columns()), and apply() rewrites each row in place with precomputed indexes.
class StreamMapping {
public:
    // Checks the selection and every mapper against the columns (each mapper sees the columns the ones
    // before it left); errors name the stream, the mapper by its 1-based position and the field.
    static Result<StreamMapping> build(const std::string& stream, const std::vector<Column>& columns,
                                       const MappingConfig& config, const ProtectedFields& keep);

    StreamMapping();
    ~StreamMapping();
    StreamMapping(StreamMapping&&) noexcept;
    StreamMapping& operator=(StreamMapping&&) noexcept;

    const std::vector<Column>& columns() const { return m_columns; }
    bool identity() const { return m_identity; }
    // Maps `row` (values in the source's column order) to the destination's columns; false when a
    // row-filtering mapper drops it. Not thread-safe: one mapping per reading stream.
    bool apply(Row& row);

    struct Step;
    struct Condition;

private:
    bool m_identity = true;
    std::vector<Column> m_columns;
    std::vector<size_t> m_keep; // source index of each kept column, increasing; empty: all
    std::vector<Step> m_steps;
    // Source field -> destination field, for the NULLED changes a source lists ("" when not kept).
    std::unordered_map<std::string, std::string> m_changeNames;
    std::string m_scratch; // digest hex of the current row, reused
};

// The key and cursor fields a resolved stream's mode depends on.
ProtectedFields protectedFieldsOf(const ResolvedStream& r);
// The stream's mapping compiled against its resolved (source) columns.
Result<StreamMapping> mappingFor(const ResolvedStream& r, const MappingConfig& config);

// The refusals build() makes of key and cursor fields, for what a connection file names itself (before the
// source is asked): a deselected key or cursor, a mapper that hashes, encrypts or renames one.
Status checkProtectedFields(const std::string& stream, const MappingConfig& config,
                            const ProtectedFields& keep);

// Lowercase hex of `method`'s digest of `text` (a method parseMappers accepts); used by the preview too.
std::string hashHex(const std::string& method, std::string_view text);
// AES-CBC with PKCS#5 padding under `hexKey`, a random IV: base64 of IV || ciphertext. Empty on failure.
std::string encryptAesCbc(const std::string& hexKey, std::string_view plain);
// The inverse, for tests and the preview; nullopt when the text is not one of ours under that key.
std::optional<std::string> decryptAesCbc(const std::string& hexKey, const std::string& base64);

} // namespace sluice::core
