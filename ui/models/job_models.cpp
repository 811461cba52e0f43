#include "models/job_models.h"

#include "format.h"

#include <QFontDatabase>
#include <QRegularExpression>

namespace sluice::ui {

namespace {
QVariant rightAligned() {
    return QVariant(Qt::AlignRight | Qt::AlignVCenter);
}

QString typeLabel(const sluice::core::JobSummary& j) {
    if (j.type == QLatin1String("refresh"))
        return QObject::tr("refresh (%1)")
            .arg(j.refreshMode.isEmpty() ? QObject::tr("retain") : j.refreshMode);
    return j.type;
}

// Who started the job, in the words of the person reading the list.
QString triggerLabel(const QString& trigger) {
    if (trigger == QLatin1String("gui"))
        return QObject::tr("You (desktop app)");
    if (trigger == QLatin1String("schedule"))
        return QObject::tr("Schedule");
    if (trigger == QLatin1String("cli"))
        return QObject::tr("sluicectl");
    return QObject::tr("unknown"); // jobs of a Sluice that did not record it
}
} // namespace

JobListModel::JobListModel(QObject* parent)
    : TableModel({tr("Job"), tr("Type"), tr("Status"), tr("Started"), tr("Started by"), tr("Duration"),
                  tr("Attempts"), tr("Records")},
                 parent) {}

QVariant JobListModel::cell(const sluice::core::JobSummary& j, int column, int role) const {
    if (role == IdRole)
        return j.id;
    if (role == Qt::DisplayRole) {
        switch (column) {
        case Job:
            return QStringLiteral("#%1").arg(j.id);
        case Type:
            return typeLabel(j);
        case Status:
            return j.status;
        case Started:
            return formatTime(j.startedAt);
        case StartedBy:
            return triggerLabel(j.trigger);
        case Duration:
            return formatDuration(j.startedAt, j.endedAt);
        case Attempts:
            return j.attempts;
        case Records:
            return formatCount(j.recordsCommitted);
        }
    }
    if (role == Qt::DecorationRole && column == Status)
        return statusIcon(j.status);
    if (role == Qt::ToolTipRole && column == Status && !j.error.isEmpty())
        return j.error;
    if (role == Qt::TextAlignmentRole && (column == Attempts || column == Records || column == Duration))
        return rightAligned();
    return {};
}

int JobListModel::rowOfJob(qint64 id) const {
    for (int i = 0; i < rows().size(); ++i)
        if (rows()[i].id == id)
            return i;
    return -1;
}

JobProgressModel::JobProgressModel(QObject* parent)
    : TableModel({tr("Stream"), tr("Progress"), tr("Committed"), tr("Expected"), tr("Source says")}, parent) {
}

void JobProgressModel::update(const QVector<sluice::core::StreamProgress>& streams) {
    QVector<sluice::core::StreamProgress> added;
    for (const auto& s : streams) {
        int row = -1;
        for (int i = 0; i < rows().size(); ++i)
            if (rows()[i].stream == s.stream)
                row = i;
        if (row >= 0)
            replaceRow(row, s);
        else
            added.push_back(s);
    }
    appendRows(added);
}

QVariant JobProgressModel::cell(const sluice::core::StreamProgress& s, int column, int role) const {
    const bool done = s.phase == QLatin1String("done");
    const bool waiting = s.phase == QLatin1String("waiting");
    // A finished stream is complete whatever was expected, also when there was nothing new to read.
    const int percent = done              ? 100
                        : s.estimate > 0  ? int(qMin<qint64>(99, s.committed * 100 / s.estimate))
                        : s.estimate == 0 ? 0
                                          : -1;
    if (role == ProgressRole)
        return waiting ? -1 : percent;
    if (role == Qt::DisplayRole) {
        switch (column) {
        case Stream:
            return s.stream;
        case Progress:
            if (done)
                return s.committed == 0 ? tr("done, nothing new") : tr("done");
            if (waiting)
                return tr("waiting");
            return percent >= 0 ? QStringLiteral("%1%").arg(percent) : tr("running");
        case Committed:
            return formatCount(s.committed);
        case Estimate:
            if (s.bytesEstimate >= 0)
                return s.estimate >= 0
                           ? tr("%1 (%2)").arg(formatCount(s.estimate), formatBytes(s.bytesEstimate))
                           : formatBytes(s.bytesEstimate);
            return s.estimate >= 0 ? formatCount(s.estimate) : tr("unknown");
        case SourceSays:
            // The connector's own STREAM_STATUS word; built-in sources say nothing here.
            return s.connectorStatus.isEmpty() ? QStringLiteral("—") : s.connectorStatus.toLower();
        }
    }
    if (role == Qt::TextAlignmentRole && (column == Committed || column == Estimate))
        return rightAligned();
    return {};
}

AttemptListModel::AttemptListModel(QObject* parent)
    : TableModel({tr("Attempt"), tr("Status"), tr("Started"), tr("Duration"), tr("Records"), tr("Failure")},
                 parent) {}

QVariant AttemptListModel::cell(const sluice::core::AttemptInfo& a, int column, int role) const {
    if (role == Qt::DisplayRole) {
        switch (column) {
        case Attempt:
            return a.number;
        case Status:
            return a.status;
        case Started:
            return formatTime(a.startedAt);
        case Duration:
            return formatDuration(a.startedAt, a.endedAt);
        case Records:
            return formatCount(a.recordsCommitted);
        case Failure:
            return a.failure;
        }
    }
    if (role == Qt::DecorationRole && column == Status)
        return statusIcon(a.status);
    if (role == Qt::ToolTipRole && column == Failure)
        return a.failure;
    if (role == Qt::TextAlignmentRole && (column == Records || column == Duration))
        return rightAligned();
    return {};
}

LogModel::LogModel(QObject* parent) : TableModel({tr("Time"), tr("Level"), tr("Message")}, parent) {}

// Airbyte's own lines stay in the log word for word (tools grep for them); the job view says them as
// sentences, with the original in the tooltip.
QString readableLogMessage(const QString& message) {
    static const QRegularExpression resumedCount(
        QStringLiteral(R"(^Number of Resumed Full Refresh Streams: \{(\d+)\}$)"));
    static const QRegularExpression resumedStream(
        QStringLiteral(R"(^\s*Resumed stream name: (.+) namespace: (\S+)$)"));
    if (const auto m = resumedCount.match(message); m.hasMatch()) {
        const int n = m.captured(1).toInt();
        if (n == 0)
            return QObject::tr("No full refresh to resume: refreshed streams are read from the start.");
        return n == 1 ? QObject::tr("1 full refresh resumes from its last checkpoint.")
                      : QObject::tr("%1 full refreshes resume from their last checkpoint.").arg(n);
    }
    if (const auto m = resumedStream.match(message); m.hasMatch())
        return m.captured(2) == QLatin1String("null")
                   ? QObject::tr("Stream %1 resumes its full refresh.").arg(m.captured(1))
                   : QObject::tr("Stream %1 (namespace %2) resumes its full refresh.")
                         .arg(m.captured(1), m.captured(2));
    return message;
}

QVariant LogModel::cell(const sluice::core::LogEntry& l, int column, int role) const {
    if (role == Qt::DisplayRole || role == Qt::ToolTipRole) {
        switch (column) {
        case Time:
            return formatTime(l.ts).mid(11); // the day is the job's
        case Level:
            return l.level;
        case Message: {
            const QString readable = readableLogMessage(l.message);
            if (role == Qt::ToolTipRole && readable != l.message)
                return tr("%1\n\nIn the log: %2").arg(readable, l.message);
            return readable;
        }
        }
    }
    if (role == Qt::DecorationRole && column == Level) {
        if (l.level == QLatin1String("ERROR"))
            return statusIcon(QStringLiteral("failed"));
        if (l.level == QLatin1String("WARN"))
            return statusIcon(QStringLiteral("blocked"));
    }
    if (role == Qt::FontRole && column != Level)
        return QFontDatabase::systemFont(QFontDatabase::FixedFont);
    return {};
}

QString LogModel::text(const QModelIndexList& selection) const {
    QStringList lines;
    auto line = [](const sluice::core::LogEntry& l) {
        return QStringLiteral("%1 %2 [attempt %3] %4")
            .arg(formatTime(l.ts), l.level)
            .arg(l.attempt)
            .arg(l.message);
    };
    if (selection.isEmpty()) {
        for (const auto& l : rows())
            lines << line(l);
    } else {
        for (const auto& idx : selection)
            if (const auto* l = rowAt(idx.row()))
                lines << line(*l);
    }
    return lines.join(QLatin1Char('\n'));
}

} // namespace sluice::ui
