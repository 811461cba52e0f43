#pragma once

#include "engine/engine_types.h"
#include "models/table_model.h"

namespace sluice::ui {

// One row per affected stream with the three options of SPEC §4, and a backfill of a cursor range, as
// exclusive check cells. An option the matrix (or, for a backfill, the source) does not allow is disabled
// and its tooltip says why (the engine's words). The range itself is the dialog's, set with setRange().
class RefreshChoiceModel : public TableModel<sluice::core::RefreshStreamPreview> {
    Q_OBJECT
public:
    enum Column { Stream, Mode, RowsNow, Retain, Remove, Clear, Backfill, ColumnCount };
    explicit RefreshChoiceModel(QObject* parent = nullptr);

    // Retain is chosen wherever it is available; `preferred` (remove, retain, clear) where that is.
    void setPreview(const QVector<sluice::core::RefreshStreamPreview>& streams,
                    const QString& preferred = {});

    Qt::ItemFlags flags(const QModelIndex& index) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;

    static QString kindOfColumn(int column); // "retain", "remove", "clear", "backfill"
    static int columnOfKind(const QString& kind);
    bool isAvailable(int row, const QString& kind) const;
    QString choice(int row) const { return m_choices.value(row); }
    bool choose(const QString& stream, const QString& kind); // "" to choose nothing
    QVector<sluice::core::RefreshChoice> choices() const;
    // The cursor range every chosen backfill re-imports.
    void setRange(const QString& from, const QString& to);
    bool hasBackfill() const { return m_choices.contains(QStringLiteral("backfill")); }

signals:
    void choicesChanged();

protected:
    QVariant cell(const sluice::core::RefreshStreamPreview& s, int column, int role) const override;

private:
    int rowOf(const sluice::core::RefreshStreamPreview& s) const;
    QStringList m_choices; // per row: "", "retain", "remove", "clear", "backfill"
    QString m_from, m_to;
};

} // namespace sluice::ui
