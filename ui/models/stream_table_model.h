#pragma once

#include "engine/engine_types.h"
#include "models/table_model.h"

#include <QHash>

namespace sluice::ui {

// The streams of one connection: selection, mode, cursor and primary key are editable; status, last sync,
// records and generation come from the engine. Each row is checked with the engine's own rules
// (validateStreamChoice) and an invalid choice is explained in place.
class StreamTableModel : public TableModel<sluice::core::StreamRow> {
    Q_OBJECT
public:
    // The engine's facts come after the choices; Status is last because its text (a reason) varies most.
    // The stream's name cell carries its "selected" check box.
    enum Column { Stream, Mode, Cursor, PrimaryKey, Records, Generation, LastSync, Status, ColumnCount };
    static constexpr int kFirstStatusColumn = Records;
    enum Role { ErrorRole = Qt::UserRole + 1, ChoicesRole, NameRole };

    explicit StreamTableModel(QObject* parent = nullptr);

    // Rows as the engine has them; also the baseline that edits are compared with.
    void setStreams(const QVector<sluice::core::StreamRow>& streams);
    // Fresh facts from the engine (status, records, ...) that keep the user's pending edits.
    void mergeStatus(const QVector<sluice::core::StreamRow>& streams);
    // The running job's progress per stream (empty: none runs). Records and Status show what the job has
    // committed so far, the same numbers as the Jobs tab, until the engine's facts after the job replace
    // them.
    void setLiveProgress(const QVector<sluice::core::StreamProgress>& streams);
    // Whether the table shows the engine's columns (the connection editor shows only the choices).
    void setShowStatus(bool show) { m_showStatus = show; }
    bool showsStatus() const { return m_showStatus; }

    Qt::ItemFlags flags(const QModelIndex& index) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;

    // Sets a stream's selected fields and mappers (StreamRow::mappingJson), an edit like the others.
    void setMapping(int row, const QString& mappingJson);

    bool isDirty() const;
    QStringList errors() const;
    // Selected streams whose change needs a refresh to take effect (mode, cursor or key of a synced stream).
    QStringList streamsNeedingRefresh() const;
    const QVector<sluice::core::StreamRow>& original() const { return m_original; }
    int rowOfStream(const QString& name) const;

signals:
    void editsChanged();

protected:
    QVariant cell(const sluice::core::StreamRow& row, int column, int role) const override;

private:
    QVariant choices(const sluice::core::StreamRow& row, int column) const;
    QVariant text(const sluice::core::StreamRow& row, int column, bool edit) const;
    QString cursorText(const sluice::core::StreamRow& row, bool edit) const;
    QString keyText(const sluice::core::StreamRow& row, bool edit) const;
    QVariant toolTip(const sluice::core::StreamRow& row, int column) const;
    QVariant decoration(const sluice::core::StreamRow& row, int column) const;
    QVariant foreground(const sluice::core::StreamRow& row, int column) const;
    QVariant streamFont(const sluice::core::StreamRow& row) const;
    bool cursorEditable(const sluice::core::StreamRow& row) const;
    bool keyEditable(const sluice::core::StreamRow& row) const;

    const sluice::core::StreamProgress* live(const sluice::core::StreamRow& row) const;
    QString liveStatus(const sluice::core::StreamProgress& p) const;

    QVector<sluice::core::StreamRow> m_original;
    QHash<QString, sluice::core::StreamProgress> m_live;
    bool m_showStatus = true;
};

} // namespace sluice::ui
