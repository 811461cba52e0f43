#pragma once

#include "engine/engine_types.h"

#include <QDialog>

class QLabel;
class QListWidget;
class QPushButton;

namespace sluice::ui {

// Asks before a clear, and which streams: each selected stream of the connection with its rows now, ticked
// when it was asked for (the streams chosen in the Streams tab, or all). Clear is never the default button:
// Enter keeps the data.
class ClearDialog : public QDialog {
    Q_OBJECT
public:
    ClearDialog(const QVector<sluice::core::StreamRow>& streams, const QStringList& ticked,
                QWidget* parent = nullptr);

    QStringList tickedStreams() const;
    // Ticks exactly `streams`.
    void tick(const QStringList& streams);
    QPushButton* clearButton() const { return m_clear; }
    QPushButton* cancelButton() const { return m_cancel; }
    QListWidget* streamList() const { return m_list; }
    QLabel* warning() const { return m_warning; }

signals:
    void clearConfirmed(const QStringList& streams);

private:
    void updateState();

    QListWidget* m_list;
    QLabel* m_warning;
    QPushButton* m_clear;
    QPushButton* m_cancel;
};

} // namespace sluice::ui
