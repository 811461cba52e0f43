#pragma once

#include "engine/state_edit_types.h"

#include <QDialog>
#include <QPointer>

class QLabel;
class QLineEdit;
class QMessageBox;
class QPlainTextEdit;
class QPushButton;
class QRadioButton;
class QTableWidget;

namespace sluice::ui {

class EngineBridge;

// A stream's state, where its next sync starts, and its edit history. A new cursor (or, for a connector,
// a whole state object) is planned by the engine first and applied only once the user confirmed what
// changes; "Undo last edit" takes back the newest edit the same way. The engine refuses while a job runs.
class StateDialog : public QDialog {
    Q_OBJECT
public:
    StateDialog(EngineBridge* engine, qint64 connectionId, const QString& stream, QWidget* parent = nullptr);

    QString stream() const { return m_stream; }
    QPlainTextEdit* currentState() const { return m_current; }
    QLineEdit* cursorEdit() const { return m_cursor; }
    QRadioButton* byCursor() const { return m_byCursor; }
    QRadioButton* byJson() const { return m_byJson; }
    QPlainTextEdit* jsonEdit() const { return m_json; }
    QPushButton* setButton() const { return m_set; }
    QPushButton* undoButton() const { return m_undo; }
    QTableWidget* history() const { return m_history; }
    QLabel* message() const { return m_message; }
    // The open "apply this edit?" question, if any.
    QMessageBox* confirmation() const;

public slots:
    void reload();

private:
    void onLoaded(const sluice::core::StreamStateReport& report);
    void onAnswered(const sluice::core::StateEditAnswer& answer);
    void ask(bool undo);
    void confirm(const sluice::core::StateEditAnswer& plan);
    void showError(const QString& text);
    void updateState();

    EngineBridge* m_engine;
    qint64 m_connectionId;
    QString m_stream;
    sluice::core::StreamStateReport m_report;
    sluice::core::StateEditQuestion m_pending; // the edit being planned or applied
    bool m_busy = false;
    QLabel* m_summary;
    QPlainTextEdit* m_current;
    QRadioButton* m_byCursor;
    QRadioButton* m_byJson;
    QLabel* m_cursorLabel;
    QLineEdit* m_cursor;
    QPlainTextEdit* m_json;
    QPushButton* m_set;
    QPushButton* m_undo;
    QTableWidget* m_history;
    QLabel* m_message;
    QPointer<QMessageBox> m_confirm;
};

} // namespace sluice::ui
