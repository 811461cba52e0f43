#pragma once

#include <QIcon>
#include <QString>

namespace sluice::ui {

// How the GUI shows what the engine reports: times in local time, counts with digit grouping, durations
// in words, and a coloured dot per status that reads on light and dark palettes alike.
QString formatTime(const QString& isoUtc);     // "2024-05-01 14:03:07"; "" for an empty time
QString formatRelative(const QString& isoUtc); // "3 min ago", "in 12 min", "never" for empty
QString formatDuration(const QString& startIso, const QString& endIso); // "1 min 05 s"; running: so far
QString formatSeconds(double seconds);
QString formatCount(qint64 n);
QString formatBytes(qint64 bytes); // "12.5 MB" (decimal units), "—" when negative  // "12,345"; "—" for a
                                   // negative (unknown) count
QString formatNumber(double v);    // up to 2 decimals, grouped
QIcon statusIcon(const QString& status);
// A connection's status as the list and the header say it: "idle" before any sync reads "not synced yet"
// (with a grey dot, not the green of a connection whose last job succeeded).
QString connectionStatusText(const QString& status,
                             const QString& lastSync); // running, succeeded, failed, ...
QString sourceIconPath(const QString& type);
QString displayName(bool source, const QString& type); // "Demo generator", "SQLite"
QString destinationIconPath(const QString& type);

// Text colour for error messages: readable on light and dark backgrounds.
QString errorColorName();

} // namespace sluice::ui
