#pragma once

#include "engine/engine_types.h"
#include "engine/task_types.h"

#include <QDialog>
#include <QPointer>

class QMessageBox;

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;

namespace sluice::ui {

class EngineBridge;
class SpecForm;
class StreamTableModel;
class TaskBusyBar;

// New or edit connection: source and destination types with forms generated from their specs, "Test
// connection" (check) and "Discover" (loads the streams), each a task of the engine that a Cancel button
// stops (a connector that hangs), the streams with their modes, and a name. Saved through the engine,
// which validates it like a connection file.
class ConnectionDialog : public QDialog {
    Q_OBJECT
public:
    // `existing` null: a new connection.
    ConnectionDialog(EngineBridge* engine, const sluice::core::ConnectionDetails* existing,
                     QWidget* parent = nullptr);
    // A check or discover still running is cancelled: nobody waits for its answer any more.
    ~ConnectionDialog() override;

    QLineEdit* nameEdit() const { return m_name; }
    QComboBox* sourceType() const { return m_sourceType; }
    QComboBox* destinationType() const { return m_destinationType; }
    SpecForm* sourceForm() const { return m_sourceForm; }
    SpecForm* destinationForm() const { return m_destinationForm; }
    StreamTableModel* streamModel() const { return m_streams; }
    QPushButton* testButton() const { return m_test; }
    QPushButton* discoverButton() const { return m_discover; }
    QPushButton* saveButton() const { return m_save; }
    // Asked when Save is pressed right after Test connection failed (the settings unchanged since).
    QMessageBox* saveAnywayPrompt() const;
    // The columns (types, cursor, key) of the stream selected in the table.
    QLabel* schemaPreview() const { return m_schema; }
    QLabel* checkResult() const { return m_checkResult; }
    // Shows the running check or discover with its Cancel button.
    TaskBusyBar* busyIndicator() const { return m_busy; }
    qint64 savedId() const { return m_savedId; }
    // The connection as the engine will read it (SPEC §7 format).
    QString connectionJson() const;

public slots:
    void testConnection();
    void discover();
    void save();

private:
    void onSourceTypeChanged();
    void onDestinationTypeChanged();
    void onChecked(const sluice::core::CheckResult& result);
    void onDiscovered(const sluice::core::DiscoverResult& result);
    void onSaved(const sluice::core::SaveResult& result);
    void onTaskEnded(const sluice::core::TaskInfo& task);
    void setBusy(const QString& what);
    void updateState();
    void updateSchemaPreview();

    EngineBridge* m_engine;
    qint64 m_id = 0;
    QString m_baseJson; // an edited connection's JSON: its settings are kept
    QLineEdit* m_name;
    QComboBox* m_sourceType;
    QComboBox* m_destinationType;
    SpecForm* m_sourceForm;
    SpecForm* m_destinationForm;
    StreamTableModel* m_streams;
    QTableView* m_streamView;
    QPushButton* m_test;
    QPushButton* m_discover;
    QPushButton* m_save;
    TaskBusyBar* m_busy;
    QLabel* m_checkResult;
    QLabel* m_message;
    QLabel* m_schema;
    int m_token = 0;
    QString m_failedTestJson; // the connection as tested when the test failed; empty once passed
    QString m_failedTestMessage;
    QPointer<QMessageBox> m_saveAnyway;
    qint64 m_savedId = 0;
};

} // namespace sluice::ui
