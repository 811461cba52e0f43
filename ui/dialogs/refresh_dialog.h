#pragma once

#include "engine/engine_types.h"

#include <QDialog>
#include <QPointer>

class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QMessageBox;
class QTableView;

namespace sluice::ui {

class EngineBridge;
class RefreshChoiceModel;

// Asks before a refresh: the affected streams, per stream the options the matrix of SPEC §4 allows (from the
// engine's refresh preview: the same availability function as the CLI), what will be re-imported and what
// removed, and that other streams sync too and scheduled syncs wait. A stream may instead be backfilled: a
// cursor range (From, To) re-imported into a new generation, old records and the state kept; the fields are
// enabled while a backfill is chosen. Confirm starts the jobs.
class RefreshDialog : public QDialog {
    Q_OBJECT
public:
    // `streams` empty: every selected stream of the connection. `preferred`: the option to pre-select where
    // the matrix allows it (retain otherwise).
    RefreshDialog(EngineBridge* engine, qint64 connectionId, const QStringList& streams,
                  const QString& preferred = {}, QWidget* parent = nullptr);

    RefreshChoiceModel* model() const { return m_model; }
    QTableView* view() const { return m_view; }
    bool isLoaded() const { return m_loaded; }
    // Whether `kind` (retain, remove, clear, backfill) can be chosen for `stream`.
    bool optionEnabled(const QString& stream, const QString& kind) const;
    QString optionTooltip(const QString& stream, const QString& kind) const;
    bool choose(const QString& stream, const QString& kind);
    QPushButton* confirmButton() const;
    // What the dialog says of a refresh already pending; hidden when there is none.
    QLabel* pendingNote() const { return m_pending; }
    // The backfill's range: enabled only while a stream's backfill is chosen.
    QLineEdit* fromEdit() const { return m_from; }
    QLineEdit* toEdit() const { return m_to; }
    QLabel* summary() const { return m_summary; }
    // The "This cannot be undone" question shown before a clear, if open.
    QMessageBox* clearConfirmation() const;

public slots:
    void confirm();

private:
    void onPreview(const sluice::core::RefreshPreview& preview);
    void updateSummary();
    void updatePending();
    void start();

    EngineBridge* m_engine;
    qint64 m_connectionId;
    QString m_preferred;
    RefreshChoiceModel* m_model;
    QTableView* m_view;
    QLabel* m_intro;
    QLabel* m_summary;
    QLabel* m_warning;
    QLabel* m_pending;
    QWidget* m_range;
    QLineEdit* m_from;
    QLineEdit* m_to;
    QVector<sluice::core::PendingRefreshInfo> m_pendingRefreshes;
    QDialogButtonBox* m_buttons;
    QPointer<QMessageBox> m_clearBox;
    QStringList m_otherStreams;
    bool m_loaded = false;
};

} // namespace sluice::ui
