#pragma once

#include <QMetaType>
#include <QString>
#include <QVector>

namespace sluice::core {

// One entry of a stream's state edit history, for the GUI.
struct StateEditEntry {
    qint64 id = 0;
    QString action; // set | undo
    QString previousState, newState;
    qint64 generation = 0;
    QString program; // gui | cli
    QString createdAt;
};

// What the state editor shows of a stream (loadStreamState).
struct StreamStateReport {
    qint64 connectionId = 0;
    QString stream;
    QString stateJson; // empty: none
    qint64 generation = -1;
    QString updatedAt;
    bool opaque = false;           // a connector's state: edited as a whole JSON object, not by its cursor
    QString cursorColumn;          // the cursor a built-in source filters by; empty when unknown
    QString cursorType;            // its column type ("integer", "string", ...)
    QVector<StateEditEntry> edits; // newest first
    bool canUndo = false;
    QString error;
};

// A state edit asked for by the GUI: with apply false only planned (for the confirmation), with apply true
// planned again and stored when the state is still `expectedPrevious`.
struct StateEditQuestion {
    int token = 0;
    qint64 connectionId = 0;
    QString stream;
    bool undo = false;
    bool useCursor = false; // cursor holds the value; else stateJson holds the whole state
    QString cursor;
    QString stateJson;
    bool apply = false;
    QString expectedPrevious;
};

struct StateEditAnswer {
    int token = 0;
    qint64 connectionId = 0;
    QString stream;
    bool applied = false;
    QString previousState, newState;
    QString explanation;
    QString error;
};

} // namespace sluice::core

Q_DECLARE_METATYPE(sluice::core::StreamStateReport)
Q_DECLARE_METATYPE(sluice::core::StateEditQuestion)
Q_DECLARE_METATYPE(sluice::core::StateEditAnswer)
