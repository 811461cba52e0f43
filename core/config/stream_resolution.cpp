#include "config/stream_resolution.h"

namespace sluice::core {

Result<ResolvedStream> resolveStream(const StreamInfo& d, const ConfiguredStreamConfig& c) {
    ResolvedStream r;
    r.stream = d;
    r.mode = c.mode;
    const std::string where = "stream `" + c.name + "`";
    if (!d.supports(c.mode.sync))
        return Error::invalid(where + ": the source does not support " + std::string(toString(c.mode.sync)) +
                              " sync for this stream");
    if (c.mode.needsCursor()) {
        if (d.sourceDefinedCursor) {
            if (!c.cursorField.empty() && c.cursorField != d.defaultCursorField)
                return Error::invalid(where + ": the source defines the cursor `" +
                                      fieldPathToString(d.defaultCursorField) +
                                      "`; it cannot be overridden with `" + fieldPathToString(c.cursorField) +
                                      "` (remove cursor_field)");
            r.cursorField = d.defaultCursorField;
        } else if (!c.cursorField.empty()) {
            r.cursorField = c.cursorField;
        } else if (!d.defaultCursorField.empty()) {
            r.cursorField = d.defaultCursorField;
        } else {
            return Error::invalid(where +
                                  ": incremental sync needs a cursor: set `cursor_field` (for example "
                                  "[\"updated_at\"]); the source defines none");
        }
        if (r.cursorField.size() != 1 || d.columnIndex(r.cursorField[0]) < 0)
            return Error::invalid(where + ": cursor field `" + fieldPathToString(r.cursorField) +
                                  "` is not a top-level field of the stream");
        if (c.lookback) {
            const Column& cursor = d.columns[static_cast<size_t>(d.columnIndex(r.cursorField[0]))];
            if (auto problem = lookbackTypeProblem(*c.lookback, cursor.type, cursor.name); !problem.empty())
                return Error::invalid(where + ": " + problem);
            r.lookback = c.lookback;
        }
    }
    if (c.mode.isDedupe() && !c.mode.needsCursor()) {
        // Overwrite + Dedupe needs no cursor, but one orders versions of a key when there is one.
        FieldPath cursor = d.sourceDefinedCursor
                               ? d.defaultCursorField
                               : (!c.cursorField.empty() ? c.cursorField : d.defaultCursorField);
        if (cursor.size() == 1 && d.columnIndex(cursor[0]) >= 0)
            r.cursorField = cursor;
    }
    if (c.mode.needsPrimaryKey()) {
        if (!d.sourceDefinedPrimaryKey.empty()) {
            if (!c.primaryKey.empty() && c.primaryKey != d.sourceDefinedPrimaryKey)
                return Error::invalid(where + ": the source defines the primary key; it cannot be overridden "
                                              "(remove primary_key)");
            r.primaryKey = d.sourceDefinedPrimaryKey;
        } else if (!c.primaryKey.empty()) {
            r.primaryKey = c.primaryKey;
        } else {
            return Error::invalid(where + ": " + c.mode.label() +
                                  " needs a primary key: set `primary_key` "
                                  "(for example [[\"id\"]])");
        }
        for (const auto& p : r.primaryKey)
            if (p.size() != 1 || d.columnIndex(p[0]) < 0)
                return Error::invalid(where + ": primary key field `" + fieldPathToString(p) +
                                      "` is not a top-level field of the stream");
    }
    return r;
}

} // namespace sluice::core
