#include "engine/stream_choice.h"

#include "config/stream_resolution.h"

#include <nlohmann/json.hpp>

namespace sluice::core {

using nlohmann::json;

namespace {
QString q(const std::string& s) {
    return QString::fromStdString(s);
}

QString pathText(const FieldPath& p) {
    return q(fieldPathToString(p));
}

FieldPath pathOf(const QString& text) {
    FieldPath out;
    for (const auto& part : text.split(QLatin1Char('.'), Qt::SkipEmptyParts))
        out.push_back(part.trimmed().toStdString());
    return out;
}

QStringList keyText(const std::vector<FieldPath>& key) {
    QStringList out;
    for (const auto& p : key)
        out << pathText(p);
    return out;
}

std::vector<FieldPath> keyOf(const QStringList& fields) {
    std::vector<FieldPath> out;
    for (const auto& f : fields)
        if (auto p = pathOf(f); !p.empty())
            out.push_back(p);
    return out;
}

// The engine's rule, said in the streams table's terms (its Cursor and Primary key columns) rather than
// the connection file's keys: the table is where the user fixes it.
QString inTableTerms(const StreamInfo& info, const ConfiguredStreamConfig& c,
                     const std::string& engineMessage) {
    const QString stream = q(c.name);
    if (c.mode.needsCursor() && !info.sourceDefinedCursor) {
        const FieldPath cursor = c.cursorField.empty() ? info.defaultCursorField : c.cursorField;
        if (cursor.empty())
            return QStringLiteral("%1: choose a cursor in the Cursor column. Incremental sync reads the "
                                  "records whose cursor is past the last sync's, and the source names none.")
                .arg(stream);
        if (cursor.size() != 1 || info.columnIndex(cursor[0]) < 0)
            return QStringLiteral("%1: `%2` is not a column of this stream: choose the cursor in the Cursor "
                                  "column.")
                .arg(stream, pathText(cursor));
    }
    if (c.mode.needsPrimaryKey() && info.sourceDefinedPrimaryKey.empty()) {
        if (c.primaryKey.empty())
            return QStringLiteral("%1: choose a primary key in the Primary key column. %2 keeps one record "
                                  "per key, and the source names none.")
                .arg(stream, q(c.mode.label()));
        for (const auto& p : c.primaryKey)
            if (p.size() != 1 || info.columnIndex(p[0]) < 0)
                return QStringLiteral(
                           "%1: `%2` is not a column of this stream: choose the primary key in the "
                           "Primary key column.")
                    .arg(stream, pathText(p));
    }
    return q(engineMessage);
}
} // namespace

ConfiguredStreamConfig streamConfigOf(const StreamRow& row) {
    ConfiguredStreamConfig c;
    c.name = row.name.toStdString();
    c.ns = row.ns.toStdString();
    c.selected = row.selected;
    if (auto m = modeFromLabel(row.mode.toStdString()))
        c.mode = *m;
    // A source-defined cursor or key is not the user's to set: leave it out of the configuration.
    if (!row.cursorSourceDefined)
        c.cursorField = pathOf(row.configuredCursor);
    if (!row.keySourceDefined)
        c.primaryKey = keyOf(row.configuredKey);
    return c;
}

StreamRow streamRowOf(const StreamInfo& info, bool schemaKnown, const ConfiguredStreamConfig& config) {
    StreamRow r;
    r.name = q(config.name);
    r.ns = q(config.ns);
    r.selected = config.selected;
    r.mode = q(config.mode.label());
    for (const auto& m : allStreamModes())
        if (!schemaKnown || info.supports(m.sync))
            r.supportedModes << q(m.label());
    for (const auto& c : info.columns) {
        r.columns << q(c.name);
        if (c.type == ColumnType::Integer || c.type == ColumnType::Number)
            r.numericColumns << q(c.name);
    }
    r.cursorSourceDefined = info.sourceDefinedCursor;
    r.defaultCursor = pathText(info.defaultCursorField);
    r.configuredCursor = pathText(config.cursorField);
    r.cursor = info.sourceDefinedCursor || config.cursorField.empty() ? r.defaultCursor : r.configuredCursor;
    r.keySourceDefined = !info.sourceDefinedPrimaryKey.empty();
    r.configuredKey = keyText(config.primaryKey);
    r.primaryKey = r.keySourceDefined ? keyText(info.sourceDefinedPrimaryKey) : r.configuredKey;
    if (schemaKnown)
        r.schemaJson = q(streamToJson(info));
    if (!config.mapping.empty()) {
        json m = json::object();
        if (config.mapping.selectedFields)
            m["selected_fields"] = *config.mapping.selectedFields;
        if (!config.mapping.mappers.empty())
            m["mappers"] = mappersToJson(config.mapping.mappers, false);
        r.mappingJson = q(m.dump());
    }
    return r;
}

ConfiguredStreamConfig defaultStreamConfig(const StreamInfo& info) {
    ConfiguredStreamConfig c;
    c.name = info.name;
    c.ns = info.ns;
    const bool cursor = !info.defaultCursorField.empty();
    const bool key = !info.sourceDefinedPrimaryKey.empty();
    if (info.supports(SyncMode::Incremental) && cursor)
        c.mode = {SyncMode::Incremental,
                  key ? DestinationSyncMode::AppendDedup : DestinationSyncMode::Append};
    else
        c.mode = {SyncMode::FullRefresh,
                  key ? DestinationSyncMode::OverwriteDedup : DestinationSyncMode::Overwrite};
    if (!info.supports(c.mode.sync))
        c.mode = {SyncMode::Incremental, DestinationSyncMode::Append};
    return c;
}

QString validateStreamChoice(const StreamRow& row) {
    if (!row.selected)
        return {};
    auto mode = modeFromLabel(row.mode.toStdString());
    if (!mode)
        return QStringLiteral("`%1` is not one of Sluice's sync modes").arg(row.mode);
    const ConfiguredStreamConfig config = streamConfigOf(row);
    if (row.schemaJson.isEmpty())
        return {}; // the source has not been asked yet: its cursor and key are unknown, the engine checks
                   // first
    auto info = streamFromJson(row.schemaJson.toStdString());
    if (!info)
        return q(info.error().message);
    auto resolved = resolveStream(info.value(), config);
    return resolved ? QString() : inTableTerms(info.value(), config, resolved.error().message);
}

QString applyStreamRows(const QString& connectionJson, const QVector<StreamRow>& rows, QString* error) {
    json root;
    try {
        root = json::parse(connectionJson.toStdString());
    } catch (const json::exception& e) {
        if (error)
            *error = QStringLiteral("the connection is not valid JSON: %1").arg(QString::fromUtf8(e.what()));
        return connectionJson;
    }
    root.erase("id"); // the file format has no id: the store gives it
    if (!root.contains("streams") || !root["streams"].is_array())
        root["streams"] = json::array();
    json& streams = root["streams"];
    for (const auto& row : rows) {
        const ConfiguredStreamConfig c = streamConfigOf(row);
        json* target = nullptr;
        for (auto& s : streams)
            if (s.value("name", std::string()) == c.name && s.value("namespace", std::string()) == c.ns)
                target = &s;
        if (!target) {
            streams.push_back({{"name", c.name}});
            target = &streams.back();
            if (!c.ns.empty())
                (*target)["namespace"] = c.ns;
        }
        json& s = *target;
        s["selected"] = c.selected;
        s["sync_mode"] = toString(c.mode.sync);
        s["destination_sync_mode"] = toString(c.mode.destination);
        if (c.cursorField.empty())
            s.erase("cursor_field");
        else
            s["cursor_field"] = c.cursorField;
        if (c.primaryKey.empty())
            s.erase("primary_key");
        else
            s["primary_key"] = c.primaryKey;
        s.erase("selected_fields");
        s.erase("mappers");
        const json m = json::parse(row.mappingJson.toStdString(), nullptr, false);
        if (m.is_object())
            for (auto it = m.begin(); it != m.end(); ++it)
                s[it.key()] = it.value();
    }
    return QString::fromStdString(root.dump(2));
}

bool changeNeedsRefresh(const StreamRow& before, const StreamRow& after) {
    if (!after.selected || before.generation < 0)
        return false; // never synced: there is nothing to re-import
    // A full refresh without dedupe re-imports everything on every sync: the next sync is the refresh.
    auto mode = modeFromLabel(after.mode.toStdString());
    if (!mode || !isRefreshAvailable(*mode, RefreshKind::Retain))
        return false;
    return before.mode != after.mode || before.configuredCursor != after.configuredCursor ||
           before.configuredKey != after.configuredKey || before.mappingJson != after.mappingJson;
}

QVector<FieldChoice> fieldChoices(const StreamRow& row) {
    const json m = json::parse(row.mappingJson.toStdString(), nullptr, false);
    const bool all = !m.is_object() || !m.contains("selected_fields") || !m["selected_fields"].is_array();
    auto mode = modeFromLabel(row.mode.toStdString());
    QStringList required;
    if (mode && mode->needsCursor() && !row.cursor.isEmpty())
        required << row.cursor.section(QLatin1Char('.'), 0, 0);
    if (mode && mode->needsPrimaryKey())
        for (const auto& k : row.primaryKey)
            required << k.section(QLatin1Char('.'), 0, 0);
    QVector<FieldChoice> out;
    for (const auto& c : row.columns) {
        FieldChoice f;
        f.name = c;
        f.required = required.contains(c);
        if (!all) {
            f.chosen = false;
            for (const auto& n : m["selected_fields"])
                if (n.is_string() && q(n.get<std::string>()) == c)
                    f.chosen = true;
        }
        f.chosen = f.chosen || f.required;
        out.push_back(f);
    }
    return out;
}

QString withSelectedFields(const StreamRow& row, const QStringList& fields) {
    json m = json::parse(row.mappingJson.toStdString(), nullptr, false);
    if (!m.is_object())
        m = json::object();
    bool all = true;
    for (const auto& c : row.columns)
        all = all && fields.contains(c);
    if (all) {
        m.erase("selected_fields");
    } else {
        json list = json::array();
        for (const auto& f : fields)
            list.push_back(f.toStdString());
        m["selected_fields"] = list;
    }
    return m.empty() ? QString() : q(m.dump());
}

} // namespace sluice::core
