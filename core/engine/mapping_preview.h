#pragma once

#include "engine/engine_types.h"

#include <QMetaType>

namespace sluice::core {

struct ConnectionConfig;

// A few of a stream's records as its source delivers them, before the selected fields and the mappers: what
// the mapper editor previews its mappers on. Plain values, like every answer of the engine.
struct RecordSample {
    qint64 connectionId = 0;
    QString stream;
    QString schemaJson;  // the stream as the source discovered it for this read (catalog JSON)
    QStringList columns; // its top-level fields, in the source's order
    QString recordsJson; // a JSON array of records, each an array of values in the schema's column order
    int count = 0;
    QString error;
};

// The stream's first `limit` records, read from its start without its state (nothing is written).
RecordSample readRecordSample(const ConnectionConfig& c, const QString& stream, int limit);

// What a stream's mapping makes of a sample: the source's rows, the rows the destination would get, and
// which sample rows a row-filtering mapper drops. `error` is the refusal a sync would give (naming the
// mapper); the rows are empty then.
struct MappingPreview {
    RowSet before;
    RowSet after;
    QVector<bool> kept; // per row of `before`
    int dropped = 0;
    bool placeholderKey = false; // an encryption key was masked: the preview encrypts with a stand-in key
    QString error;
};

// `mappingJson` is {"selected_fields": [...], "mappers": [...]} (or empty) for the stream `row` describes;
// its mode, cursor and key are checked as a sync checks them.
MappingPreview previewMapping(const RecordSample& sample, const StreamRow& row, const QString& mappingJson);

} // namespace sluice::core

Q_DECLARE_METATYPE(sluice::core::RecordSample)
