#include "mapping/stream_mapping.h"

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <openssl/evp.h>
#include <openssl/rand.h>

namespace sluice::core {

struct StreamMapping::Condition {
    bool negate = false;
    size_t index = 0;
    std::string text;
    bool isInt = false, isReal = false;
    int64_t i = 0;
    double d = 0;
    std::vector<Condition> subs;
};

struct StreamMapping::Step {
    enum class Kind { Hash, Encrypt, Filter };
    Kind kind = Kind::Hash;
    size_t index = 0;
    const EVP_MD* md = nullptr;
    std::string key; // hex, for encryption
    Condition condition;
};

namespace {

const EVP_MD* digestOf(const std::string& method) {
    if (method == "MD5")
        return EVP_md5();
    if (method == "SHA-1")
        return EVP_sha1();
    if (method == "SHA-224")
        return EVP_sha224();
    if (method == "SHA-256")
        return EVP_sha256();
    if (method == "SHA-384")
        return EVP_sha384();
    if (method == "SHA-512")
        return EVP_sha512();
    return nullptr;
}

void toHex(const unsigned char* bytes, size_t n, std::string& out) {
    static const char digits[] = "0123456789abcdef";
    out.resize(n * 2);
    for (size_t k = 0; k < n; ++k) {
        out[2 * k] = digits[bytes[k] >> 4];
        out[2 * k + 1] = digits[bytes[k] & 15];
    }
}

void digestHex(const EVP_MD* md, std::string_view text, std::string& out) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (EVP_Digest(text.data(), text.size(), digest, &n, md, nullptr) != 1)
        n = 0;
    toHex(digest, n, out);
}

std::vector<unsigned char> keyBytes(const std::string& hex) {
    std::vector<unsigned char> out;
    for (size_t k = 0; k + 1 < hex.size(); k += 2)
        out.push_back(static_cast<unsigned char>(std::strtoul(hex.substr(k, 2).c_str(), nullptr, 16)));
    return out;
}

const EVP_CIPHER* cbcCipher(size_t keyLength) {
    return keyLength == 16   ? EVP_aes_128_cbc()
           : keyLength == 24 ? EVP_aes_192_cbc()
           : keyLength == 32 ? EVP_aes_256_cbc()
                             : nullptr;
}

// The text a hash or a cipher reads: what the value says, as a user would write it.
std::string_view textOf(const Value& v, std::string& scratch) {
    if (v.kind == Value::Kind::Text || v.kind == Value::Kind::Json)
        return v.s;
    scratch = v.kind == Value::Kind::Bool ? (v.i ? "true" : "false") : v.toDisplay();
    return scratch;
}

bool holds(const StreamMapping::Condition& c, const Row& row) {
    if (c.negate) {
        for (const auto& sub : c.subs)
            if (holds(sub, row))
                return false;
        return true;
    }
    const Value& v = row.values[c.index];
    switch (v.kind) {
    case Value::Kind::Null:
        return false;
    case Value::Kind::Text:
    case Value::Kind::Json:
        return v.s == c.text;
    case Value::Kind::Int:
        return c.isInt && v.i == c.i;
    case Value::Kind::Bool:
        return c.text == (v.i ? "true" : "false") || (c.isInt && v.i == c.i);
    case Value::Kind::Real:
        return c.isReal && v.d == c.d;
    }
    return false;
}

std::string fieldList(const std::vector<Column>& cols) {
    std::string out;
    for (const auto& c : cols)
        out += (out.empty() ? "" : ", ") + c.name;
    return out;
}

int indexOf(const std::vector<Column>& cols, const std::string& name) {
    for (size_t k = 0; k < cols.size(); ++k)
        if (cols[k].name == name)
            return static_cast<int>(k);
    return -1;
}

} // namespace

StreamMapping::StreamMapping() = default;
StreamMapping::~StreamMapping() = default;
StreamMapping::StreamMapping(StreamMapping&&) noexcept = default;
StreamMapping& StreamMapping::operator=(StreamMapping&&) noexcept = default;

Result<StreamMapping> StreamMapping::build(const std::string& stream, const std::vector<Column>& columns,
                                           const MappingConfig& config, const ProtectedFields& keep) {
    StreamMapping out;
    const std::string s = "stream `" + stream + "`: ";
    std::vector<Column> cols = columns;
    std::vector<std::string> origin; // the source field each current column comes from
    for (const auto& c : columns)
        origin.push_back(c.name);

    if (config.selectedFields) {
        const auto& selected = *config.selectedFields;
        for (const auto& f : selected)
            if (indexOf(columns, f) < 0)
                return Error::invalid(s + "`selected_fields` names `" + f +
                                      "`, which is not a field of the stream (fields: " + fieldList(columns) +
                                      ")");
        auto isSelected = [&](const std::string& f) {
            return std::find(selected.begin(), selected.end(), f) != selected.end();
        };
        for (const auto& k : keep.primaryKey)
            if (!isSelected(k))
                return Error::invalid(s + "the primary key field `" + k +
                                      "` cannot be deselected: add it to `selected_fields`");
        if (!keep.cursor.empty() && !isSelected(keep.cursor))
            return Error::invalid(s + "the cursor field `" + keep.cursor +
                                  "` cannot be deselected: add it to `selected_fields`");
        std::vector<Column> kept;
        std::vector<std::string> keptOrigin;
        for (size_t k = 0; k < columns.size(); ++k)
            if (isSelected(columns[k].name)) {
                out.m_keep.push_back(k);
                kept.push_back(columns[k]);
                keptOrigin.push_back(origin[k]);
            }
        if (out.m_keep.size() == columns.size())
            out.m_keep.clear();
        cols = std::move(kept);
        origin = std::move(keptOrigin);
    }

    auto isKey = [&](const std::string& f) {
        return std::find(keep.primaryKey.begin(), keep.primaryKey.end(), f) != keep.primaryKey.end();
    };
    bool renamed = false;
    for (size_t n = 0; n < config.mappers.size(); ++n) {
        const MapperSpec& m = config.mappers[n];
        const std::string who = s + "mapper " + std::to_string(n + 1) + " (" + m.describe() + ")";
        auto field = [&](const std::string& name) -> Result<size_t> {
            const int i = indexOf(cols, name);
            if (i < 0)
                return Error::invalid(
                    who + " names `" + name +
                    "`, which is not a field of the stream at that point (fields: " + fieldList(cols) + ")");
            return static_cast<size_t>(i);
        };
        auto guard = [&](const std::string& name, const char* verb) -> Status {
            if (isKey(name))
                return Error::invalid(who + " would " + verb + " the primary key");
            if (!keep.cursor.empty() && name == keep.cursor)
                return Error::invalid(who + " would " + verb + " the cursor");
            return {};
        };
        auto freeName = [&](const std::string& name, size_t self) -> Status {
            const int i = indexOf(cols, name);
            if (i >= 0 && static_cast<size_t>(i) != self)
                return Error::invalid(who + " would name its output `" + name +
                                      "`, which is already a field");
            return {};
        };
        Step step;
        switch (m.type) {
        case MapperSpec::Type::Hashing:
        case MapperSpec::Type::Encryption: {
            auto i = field(m.targetField);
            if (!i)
                return i.error();
            SLUICE_TRY(guard(m.targetField, "rewrite"));
            const std::string name = m.targetField + m.fieldNameSuffix;
            SLUICE_TRY(freeName(name, *i));
            cols[*i] = Column{name, ColumnType::String};
            step.index = *i;
            if (m.type == MapperSpec::Type::Hashing) {
                step.kind = Step::Kind::Hash;
                step.md = digestOf(m.method);
                if (!step.md)
                    return Error::invalid(who + ": unknown hashing method `" + m.method + "`");
            } else {
                step.kind = Step::Kind::Encrypt;
                step.key = m.key;
                if (!cbcCipher(m.key.size() / 2))
                    return Error::invalid(who + ": the key must be 32, 48 or 64 hex digits");
            }
            renamed = true;
            out.m_steps.push_back(std::move(step));
            break;
        }
        case MapperSpec::Type::FieldRenaming: {
            auto i = field(m.originalFieldName);
            if (!i)
                return i.error();
            SLUICE_TRY(guard(m.originalFieldName, "rename"));
            SLUICE_TRY(freeName(m.newFieldName, *i));
            cols[*i].name = m.newFieldName;
            renamed = true;
            break;
        }
        case MapperSpec::Type::RowFiltering: {
            std::function<Result<Condition>(const FilterCondition&)> compile =
                [&](const FilterCondition& fc) -> Result<Condition> {
                Condition c;
                if (fc.kind == FilterCondition::Kind::Not) {
                    c.negate = true;
                    for (const auto& sub : fc.conditions) {
                        auto cs = compile(sub);
                        if (!cs)
                            return cs.error();
                        c.subs.push_back(std::move(*cs));
                    }
                    return c;
                }
                auto i = field(fc.fieldName);
                if (!i)
                    return i.error();
                c.index = *i;
                c.text = fc.comparisonValue;
                char* end = nullptr;
                const long long iv = std::strtoll(c.text.c_str(), &end, 10);
                c.isInt = !c.text.empty() && end && *end == '\0';
                c.i = iv;
                const double dv = std::strtod(c.text.c_str(), &end);
                c.isReal = !c.text.empty() && end && *end == '\0';
                c.d = dv;
                return c;
            };
            auto c = compile(m.condition);
            if (!c)
                return c.error();
            step.kind = Step::Kind::Filter;
            step.condition = std::move(*c);
            out.m_steps.push_back(std::move(step));
            break;
        }
        }
    }
    for (size_t k = 0; k < cols.size(); ++k)
        out.m_changeNames[origin[k]] = cols[k].name;
    for (const auto& c : columns)
        out.m_changeNames.try_emplace(c.name, std::string());
    out.m_identity = out.m_keep.empty() && out.m_steps.empty() && !renamed;
    out.m_columns = std::move(cols);
    return out;
}

bool StreamMapping::apply(Row& row) {
    if (m_identity)
        return true;
    if (!m_keep.empty()) {
        // Indexes increase, so each value moves forward onto a slot already read.
        for (size_t k = 0; k < m_keep.size(); ++k)
            if (m_keep[k] != k)
                row.values[k] = std::move(row.values[m_keep[k]]);
        row.values.resize(m_keep.size());
    }
    for (auto& step : m_steps) {
        if (step.kind == Step::Kind::Filter) {
            if (!holds(step.condition, row))
                return false;
            continue;
        }
        Value& v = row.values[step.index];
        if (v.isNull())
            continue; // NULL stays NULL: there is nothing to protect
        if (step.kind == Step::Kind::Hash) {
            std::string scratch;
            digestHex(step.md, textOf(v, scratch), m_scratch);
            v.assignText(m_scratch);
        } else {
            std::string scratch;
            v = Value::text(encryptAesCbc(step.key, textOf(v, scratch)));
        }
    }
    if (!row.changes.empty()) [[unlikely]] {
        std::erase_if(row.changes, [&](FieldChange& c) {
            const auto it = m_changeNames.find(c.field);
            if (it == m_changeNames.end())
                return false;
            if (it->second.empty())
                return true;
            c.field = it->second;
            return false;
        });
    }
    return true;
}

ProtectedFields protectedFieldsOf(const ResolvedStream& r) {
    ProtectedFields keep;
    if (!r.cursorField.empty())
        keep.cursor = r.cursorField[0];
    for (const auto& k : r.primaryKey)
        if (!k.empty())
            keep.primaryKey.push_back(k[0]);
    return keep;
}

Result<StreamMapping> mappingFor(const ResolvedStream& r, const MappingConfig& config) {
    return StreamMapping::build(r.stream.name, r.stream.columns, config, protectedFieldsOf(r));
}

Status checkProtectedFields(const std::string& stream, const MappingConfig& config,
                            const ProtectedFields& keep) {
    // The protected fields as columns: build() then says exactly what it says at a sync.
    std::vector<Column> columns;
    auto add = [&](const std::string& name) {
        if (!name.empty() && indexOf(columns, name) < 0)
            columns.push_back(Column{name, ColumnType::String});
    };
    for (const auto& k : keep.primaryKey)
        add(k);
    add(keep.cursor);
    if (config.selectedFields)
        for (const auto& f : *config.selectedFields)
            add(f);
    for (const auto& m : config.mappers) {
        add(m.targetField);
        add(m.originalFieldName);
    }
    auto built = StreamMapping::build(stream, columns, config, keep);
    if (!built && built.error().message.find(" would ") == std::string::npos &&
        built.error().message.find("cannot be deselected") == std::string::npos)
        return {}; // a field unknown here may well be the source's: the sync checks
    return built ? Status() : Status(built.error());
}

std::string hashHex(const std::string& method, std::string_view text) {
    std::string out;
    if (const EVP_MD* md = digestOf(method))
        digestHex(md, text, out);
    return out;
}

std::string encryptAesCbc(const std::string& hexKey, std::string_view plain) {
    const auto key = keyBytes(hexKey);
    const EVP_CIPHER* cipher = cbcCipher(key.size());
    if (!cipher)
        return {};
    std::vector<unsigned char> buf(16 + plain.size() + 16);
    if (RAND_bytes(buf.data(), 16) != 1)
        return {};
    EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
    int n = 0, tail = 0;
    const bool ok =
        ctx && EVP_EncryptInit_ex(ctx, cipher, nullptr, key.data(), buf.data()) == 1 &&
        EVP_EncryptUpdate(ctx, buf.data() + 16, &n, reinterpret_cast<const unsigned char*>(plain.data()),
                          static_cast<int>(plain.size())) == 1 &&
        EVP_EncryptFinal_ex(ctx, buf.data() + 16 + n, &tail) == 1;
    EVP_CIPHER_CTX_free(ctx);
    if (!ok)
        return {};
    const size_t total = 16 + static_cast<size_t>(n + tail);
    std::string out(4 * ((total + 2) / 3), '\0');
    const int written =
        EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), buf.data(), static_cast<int>(total));
    out.resize(static_cast<size_t>(written));
    return out;
}

std::optional<std::string> decryptAesCbc(const std::string& hexKey, const std::string& base64) {
    const auto key = keyBytes(hexKey);
    const EVP_CIPHER* cipher = cbcCipher(key.size());
    if (!cipher || base64.empty() || base64.size() % 4)
        return std::nullopt;
    std::vector<unsigned char> raw(base64.size() / 4 * 3);
    int len = EVP_DecodeBlock(raw.data(), reinterpret_cast<const unsigned char*>(base64.data()),
                              static_cast<int>(base64.size()));
    if (len < 32)
        return std::nullopt;
    len -= static_cast<int>(std::count(base64.end() - 2, base64.end(), '='));
    std::string out(static_cast<size_t>(len), '\0');
    EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
    int n = 0, tail = 0;
    auto* dst = reinterpret_cast<unsigned char*>(out.data());
    const bool ok = ctx && EVP_DecryptInit_ex(ctx, cipher, nullptr, key.data(), raw.data()) == 1 &&
                    EVP_DecryptUpdate(ctx, dst, &n, raw.data() + 16, len - 16) == 1 &&
                    EVP_DecryptFinal_ex(ctx, dst + n, &tail) == 1;
    EVP_CIPHER_CTX_free(ctx);
    if (!ok)
        return std::nullopt;
    out.resize(static_cast<size_t>(n + tail));
    return out;
}

} // namespace sluice::core
