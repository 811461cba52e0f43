#include "models/stream_table_model.h"

#include "engine/stream_choice.h"
#include "format.h"

#include <QApplication>
#include <QFont>
#include <QPalette>
#include <QStyle>

namespace sluice::ui {

using sluice::core::StreamRow;

namespace {
bool usesCursor(const QString& mode) {
    return mode.startsWith(QLatin1String("Incremental")) || mode.endsWith(QLatin1String("Dedupe"));
}
bool usesKey(const QString& mode) {
    return mode.endsWith(QLatin1String("Dedupe"));
}

QStringList splitKey(const QString& text) {
    QStringList out;
    for (const auto& part : text.split(QLatin1Char(','), Qt::SkipEmptyParts))
        if (!part.trimmed().isEmpty())
            out << part.trimmed();
    return out;
}
} // namespace

StreamTableModel::StreamTableModel(QObject* parent)
    : TableModel({tr("Stream"), tr("Sync mode"), tr("Cursor"), tr("Primary key"), tr("Records"),
                  tr("Generation"), tr("Last sync"), tr("Status")},
                 parent) {}

void StreamTableModel::setStreams(const QVector<StreamRow>& streams) {
    m_original = streams;
    setRows(streams);
    emit editsChanged();
}

void StreamTableModel::mergeStatus(const QVector<StreamRow>& streams) {
    if (!isDirty() || streams.size() != rows().size()) {
        setStreams(streams);
        return;
    }
    for (int i = 0; i < streams.size(); ++i) {
        StreamRow r = rows()[i];
        if (r.name != streams[i].name) {
            setStreams(streams);
            return;
        }
        r.status = streams[i].status;
        r.statusMessage = streams[i].statusMessage;
        r.lastSync = streams[i].lastSync;
        r.records = streams[i].records;
        r.generation = streams[i].generation;
        replaceRow(i, r);
    }
}

void StreamTableModel::setLiveProgress(const QVector<sluice::core::StreamProgress>& streams) {
    if (streams.isEmpty() && m_live.isEmpty())
        return;
    m_live.clear();
    for (const auto& s : streams)
        m_live.insert(s.stream, s);
    if (rowCount() > 0)
        emit dataChanged(index(0, kFirstStatusColumn), index(rowCount() - 1, ColumnCount - 1));
}

const sluice::core::StreamProgress* StreamTableModel::live(const StreamRow& r) const {
    const auto it = m_live.constFind(r.name);
    return it == m_live.constEnd() ? nullptr : &it.value();
}

QString StreamTableModel::liveStatus(const sluice::core::StreamProgress& p) const {
    if (p.phase == QLatin1String("waiting"))
        return tr("waiting");
    if (p.phase == QLatin1String("done"))
        return p.committed == 0 ? tr("done, nothing new") : tr("done");
    if (p.estimate > 0)
        return tr("syncing %1%").arg(qMin<qint64>(99, p.committed * 100 / p.estimate));
    return tr("syncing");
}

bool StreamTableModel::cursorEditable(const StreamRow& r) const {
    return !r.cursorSourceDefined && usesCursor(r.mode);
}

bool StreamTableModel::keyEditable(const StreamRow& r) const {
    return !r.keySourceDefined && usesKey(r.mode);
}

Qt::ItemFlags StreamTableModel::flags(const QModelIndex& index) const {
    if (!isCell(index))
        return Qt::NoItemFlags;
    Qt::ItemFlags f = Qt::ItemIsEnabled | Qt::ItemIsSelectable;
    const StreamRow& r = rows()[index.row()];
    switch (index.column()) {
    case Stream:
        return f | Qt::ItemIsUserCheckable;
    case Mode:
        return r.supportedModes.size() > 1 || r.supportedModes.value(0) != r.mode ? f | Qt::ItemIsEditable
                                                                                  : f;
    case Cursor:
        return cursorEditable(r) ? f | Qt::ItemIsEditable : f;
    case PrimaryKey:
        return keyEditable(r) ? f | Qt::ItemIsEditable : f;
    }
    return f;
}

// One role per helper: a role a column does not use answers an empty QVariant.
QVariant StreamTableModel::cell(const StreamRow& r, int column, int role) const {
    switch (role) {
    case NameRole:
        return r.name;
    case ErrorRole:
        return sluice::core::validateStreamChoice(r);
    case ChoicesRole:
        return choices(r, column);
    case Qt::CheckStateRole:
        return column == Stream ? QVariant(r.selected ? Qt::Checked : Qt::Unchecked) : QVariant();
    case Qt::DisplayRole:
    case Qt::EditRole:
        return text(r, column, role == Qt::EditRole);
    case Qt::ToolTipRole:
        return toolTip(r, column);
    case Qt::DecorationRole:
        return decoration(r, column);
    case Qt::ForegroundRole:
        return foreground(r, column);
    case Qt::FontRole:
        return column == Stream ? streamFont(r) : QVariant();
    case Qt::TextAlignmentRole:
        return column == Records || column == Generation ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
                                                         : QVariant();
    case Qt::AccessibleTextRole:
        if (column == Stream)
            return r.selected ? tr("%1 selected").arg(r.name) : tr("%1 not selected").arg(r.name);
        return {};
    }
    return {};
}

QVariant StreamTableModel::choices(const StreamRow& r, int column) const {
    if (column == Mode)
        return r.supportedModes;
    if (column == Cursor || column == PrimaryKey)
        return r.columns;
    return {};
}

QVariant StreamTableModel::text(const StreamRow& r, int column, bool edit) const {
    switch (column) {
    case Stream:
        return r.ns.isEmpty() ? r.name : r.ns + QLatin1Char('.') + r.name;
    case Mode:
        return r.mode;
    case Cursor:
        return cursorText(r, edit);
    case PrimaryKey:
        return keyText(r, edit);
    case Status:
        if (const auto* p = live(r); p && m_showStatus)
            return liveStatus(*p);
        return m_showStatus ? r.status : QString();
    case LastSync:
        return m_showStatus ? formatRelative(r.lastSync) : QString();
    case Records:
        if (const auto* p = live(r); p && m_showStatus && p->phase != QLatin1String("waiting"))
            return QStringLiteral("+") + formatCount(p->committed);
        return m_showStatus ? formatCount(r.records) : QString();
    case Generation:
        return m_showStatus && r.generation >= 0 ? QString::number(r.generation) : QStringLiteral("—");
    }
    return {};
}

// Edited, the cell holds what the configuration says; shown, it also tells where a value comes from.
QString StreamTableModel::cursorText(const StreamRow& r, bool edit) const {
    if (r.cursorSourceDefined)
        return edit ? r.cursor : tr("%1 (source-defined)").arg(r.cursor);
    if (!usesCursor(r.mode))
        return edit ? r.configuredCursor : tr("not used");
    return r.configuredCursor.isEmpty() && !r.cursor.isEmpty() && !edit ? tr("%1 (default)").arg(r.cursor)
                                                                        : r.configuredCursor;
}

QString StreamTableModel::keyText(const StreamRow& r, bool edit) const {
    if (r.keySourceDefined) {
        const QString key = r.primaryKey.join(QStringLiteral(", "));
        return edit ? key : tr("%1 (source-defined)").arg(key);
    }
    if (!usesKey(r.mode))
        return edit ? r.configuredKey.join(QStringLiteral(", ")) : tr("not used");
    return r.configuredKey.join(QStringLiteral(", "));
}

QVariant StreamTableModel::toolTip(const StreamRow& r, int column) const {
    switch (column) {
    case Stream: {
        const QString error = sluice::core::validateStreamChoice(r);
        return error.isEmpty() ? QVariant() : error;
    }
    case Cursor:
        if (r.cursorSourceDefined)
            return tr("The source defines the cursor of this stream; it cannot be changed.");
        return {};
    case PrimaryKey:
        if (r.keySourceDefined)
            return tr("The source defines the primary key of this stream; it cannot be changed.");
        return {};
    case Records:
        if (const auto* p = live(r); p && p->phase != QLatin1String("waiting"))
            return tr("%1 records committed by the running job; the table had %2 before it")
                .arg(formatCount(p->committed), formatCount(r.records));
        return {};
    case Status:
        return r.statusMessage.isEmpty() ? QVariant() : r.statusMessage;
    case LastSync:
        return r.lastSync.isEmpty() ? QVariant() : formatTime(r.lastSync);
    }
    return {};
}

QVariant StreamTableModel::decoration(const StreamRow& r, int column) const {
    if (column == Stream && !sluice::core::validateStreamChoice(r).isEmpty())
        return QApplication::style()->standardIcon(QStyle::SP_MessageBoxWarning);
    if (column == Status && m_showStatus)
        return statusIcon(live(r) ? QStringLiteral("running") : r.status);
    return {};
}

// Greyed: a value the user cannot choose (source-defined or unused by the mode), and unselected streams.
QVariant StreamTableModel::foreground(const StreamRow& r, int column) const {
    const bool fixed = (column == Cursor && (r.cursorSourceDefined || !usesCursor(r.mode))) ||
                       (column == PrimaryKey && (r.keySourceDefined || !usesKey(r.mode)));
    if (fixed || (!r.selected && column != Stream))
        return QApplication::palette().brush(QPalette::Disabled, QPalette::Text);
    return {};
}

QVariant StreamTableModel::streamFont(const StreamRow& r) const {
    QFont f;
    f.setBold(r.selected);
    return f;
}

bool StreamTableModel::setData(const QModelIndex& index, const QVariant& value, int role) {
    if (!isCell(index) || !(flags(index) & (Qt::ItemIsEditable | Qt::ItemIsUserCheckable)))
        return false;
    StreamRow r = rows()[index.row()];
    if (index.column() == Stream && role == Qt::CheckStateRole) {
        r.selected = value.toInt() == Qt::Checked;
    } else if (role == Qt::EditRole && index.column() == Mode) {
        if (!r.supportedModes.contains(value.toString()))
            return false;
        r.mode = value.toString();
    } else if (role == Qt::EditRole && index.column() == Cursor) {
        r.configuredCursor = value.toString().trimmed();
        r.cursor = r.configuredCursor.isEmpty() ? r.defaultCursor : r.configuredCursor;
    } else if (role == Qt::EditRole && index.column() == PrimaryKey) {
        r.configuredKey = splitKey(value.toString());
        r.primaryKey = r.configuredKey;
    } else {
        return false;
    }
    replaceRow(index.row(), r);
    emit editsChanged();
    return true;
}

void StreamTableModel::setMapping(int row, const QString& mappingJson) {
    if (row < 0 || row >= rows().size() || rows()[row].mappingJson == mappingJson)
        return;
    StreamRow r = rows()[row];
    r.mappingJson = mappingJson;
    replaceRow(row, r);
    emit editsChanged();
}

bool StreamTableModel::isDirty() const {
    for (int i = 0; i < rows().size() && i < m_original.size(); ++i) {
        const StreamRow& a = rows()[i];
        const StreamRow& b = m_original[i];
        if (a.selected != b.selected || a.mode != b.mode || a.configuredCursor != b.configuredCursor ||
            a.configuredKey != b.configuredKey || a.mappingJson != b.mappingJson)
            return true;
    }
    return false;
}

QStringList StreamTableModel::errors() const {
    QStringList out;
    for (const auto& r : rows())
        if (auto e = sluice::core::validateStreamChoice(r); !e.isEmpty())
            out << e;
    return out;
}

QStringList StreamTableModel::streamsNeedingRefresh() const {
    QStringList out;
    for (int i = 0; i < rows().size() && i < m_original.size(); ++i)
        if (sluice::core::changeNeedsRefresh(m_original[i], rows()[i]))
            out << rows()[i].name;
    return out;
}

int StreamTableModel::rowOfStream(const QString& name) const {
    for (int i = 0; i < rows().size(); ++i)
        if (rows()[i].name == name)
            return i;
    return -1;
}

} // namespace sluice::ui
