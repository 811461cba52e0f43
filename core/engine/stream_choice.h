#pragma once

#include "catalog/stream.h"
#include "config/connection_config.h"
#include "engine/engine_types.h"

namespace sluice::core {

// A configured stream as the streams table shows it. `schemaKnown` is false before discovery or the first
// sync: then only the configuration is shown.
StreamRow streamRowOf(const StreamInfo& info, bool schemaKnown, const ConfiguredStreamConfig& config);

// The stream's configuration as the table's row says it (selection, mode, cursor, key; not the mapping).
ConfiguredStreamConfig streamConfigOf(const StreamRow& row);

// The configuration a newly discovered stream starts with: the richest mode its cursor and key allow.
ConfiguredStreamConfig defaultStreamConfig(const StreamInfo& info);

// Checks a stream's mode, cursor and key with the engine's own rules (resolveStream) against the stream's
// known schema; empty when valid, or when the schema is not known yet (the engine checks before a job).
QString validateStreamChoice(const StreamRow& row);

// The connection JSON with each stream's selection, mode, cursor and key taken from `rows` (matched by
// name); streams not in `rows` are kept, rows not in the JSON are added. Errors come back in `error`.
QString applyStreamRows(const QString& connectionJson, const QVector<StreamRow>& rows,
                        QString* error = nullptr);

// The fields a stream's picker offers, and which of them it must keep checked (key and cursor).
struct FieldChoice {
    QString name;
    bool chosen = true;
    bool required = false; // the primary key or the cursor of the stream's mode
};
QVector<FieldChoice> fieldChoices(const StreamRow& row);
// `row.mappingJson` with `selected_fields` set to `fields` (every field: the key removed).
QString withSelectedFields(const StreamRow& row, const QStringList& fields);

// True when a change from `before` to `after` needs a refresh to take effect (SPEC §4): a selected, synced
// stream whose mode, cursor, primary key, selected fields or mappers changed, in a mode that can be refreshed
// (retaining records).
bool changeNeedsRefresh(const StreamRow& before, const StreamRow& after);

} // namespace sluice::core
