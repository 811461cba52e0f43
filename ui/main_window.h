#pragma once

#include "engine/engine_types.h"

#include <QMainWindow>
#include <QPointer>

class QAction;
class QLabel;
class QLineEdit;
class QMessageBox;
class QSortFilterProxyModel;
class QTabWidget;
class QTableView;

namespace sluice::ui {

class ConnectionDialog;
class ConnectionListModel;
class ClearDialog;
class GuideDialog;
class ShortcutsDialog;
class StateDialog;
class EngineBridge;
class GenerationsPanel;
class JobsPanel;
class RefreshDialog;
class SettingsPanel;
class StreamsPanel;
class TaskBusyBar;
class TrayNotifier;
class AppLogDock;

// The main window: connections on the left (with a filter), the selected connection's Streams, Jobs,
// Generations and Settings on the right, and the actions on its toolbar and menus. Everything it shows comes
// from the engine's signals; it never touches a database or a file itself.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(EngineBridge* engine, QWidget* parent = nullptr);
    ~MainWindow() override;

    enum Tab { StreamsTab, JobsTab, GenerationsTab, SettingsTab };

    QTableView* connectionView() const { return m_connectionView; }
    ConnectionListModel* connectionModel() const { return m_model; }
    StreamsPanel* streamsPanel() const { return m_streams; }
    JobsPanel* jobsPanel() const { return m_jobs; }
    GenerationsPanel* generationsPanel() const { return m_generations; }
    SettingsPanel* settingsPanel() const { return m_settings; }
    QTabWidget* tabs() const { return m_tabs; }
    QLabel* hintLabel() const { return m_hint; }
    // The status bar's view of the engine's running tasks, with their Cancel button.
    TaskBusyBar* taskBar() const { return m_taskBar; }
    TrayNotifier* notifier() const { return m_notifier; }
    AppLogDock* logDock() const { return m_logDock; }
    qint64 selectedConnectionId() const { return m_selectedId; }
    const sluice::core::ConnectionDetails& details() const { return m_details; }
    // The dialogs last opened (null once closed), for tests and automation.
    RefreshDialog* refreshDialog() const;
    ConnectionDialog* connectionDialog() const;
    ClearDialog* clearConfirmation() const;
    // Asked before a running job is cancelled (Cancel job / Keep running).
    QMessageBox* cancelConfirmation() const;
    GuideDialog* guide() const;
    ShortcutsDialog* shortcuts() const;
    StateDialog* stateDialog() const;
    // Asked when another connection is selected while this one has unsaved edits (Save, Discard, Stay).
    QMessageBox* unsavedChangesPrompt() const;

    QAction* newAction() const { return m_newAction; }
    QAction* syncAction() const { return m_syncAction; }
    QAction* cancelAction() const { return m_cancelAction; }
    QAction* refreshAction() const { return m_refreshAction; }
    QAction* clearAction() const { return m_clearAction; }

public slots:
    void newConnection();
    void editConnection();
    void deleteConnection();
    void syncNow();
    void cancelJob();
    // `streams` empty: every selected stream. `preferred`: the option to pre-select where available.
    void openRefreshDialog(const QStringList& streams = {}, const QString& preferred = {});
    void confirmClear(const QStringList& streams = {});
    // Syncs these streams of the shown connection only.
    void syncStreams(const QStringList& streams);
    // The state editor of a stream of the shown connection.
    void openStateDialog(const QString& stream);
    void selectConnection(qint64 id);
    // Help > User guide, at `section` (a README heading) when given.
    void showGuide(const QString& section = {});

protected:
    void closeEvent(QCloseEvent* event) override;
    void showEvent(QShowEvent* event) override;
    void moveEvent(QMoveEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void buildActions();
    void buildLayout();
    QWidget* buildRightSide();
    void connectEngine();
    void onConnectionsChanged(const QVector<sluice::core::ConnectionSummary>& connections);
    void onConnectionLoaded(const sluice::core::ConnectionDetails& details);
    void onJobFinished(const sluice::core::JobFinished& finished);
    void onSelectionChanged();
    // Edits of the shown connection not saved yet, by where they are ("Streams", "Settings").
    QStringList unsavedEdits() const;
    // Keeps the shown connection selected and asks what to do with its edits before showing `target`.
    void askAboutUnsavedEdits(qint64 target);
    void selectRowOf(qint64 id);
    // The whole window, frame included, on its screen: a saved or default size never hides the status bar.
    void fitOnScreen();
    // A narrow connection list gives its room to the names: the times go first.
    void fitConnectionColumns();
    void saveEditsThenShow(qint64 target);
    void showAfterEdits(qint64 target);
    void updateActions();
    void updateTitle();
    const sluice::core::ConnectionSummary* selectedSummary() const;
    void showAbout();
    void showShortcuts();
    void showPreferences();

    EngineBridge* m_engine;
    ConnectionListModel* m_model;
    QSortFilterProxyModel* m_proxy;
    QPointer<QMessageBox> m_unsavedBox;
    bool m_restoringSelection = false; // the list is put back by the window, not by the user
    bool m_leavingEdits = false;       // the user has decided about the edits of the connection shown
    bool m_fitPending = false;         // shown, and not yet framed by the window manager
    QTableView* m_connectionView = nullptr;
    QLineEdit* m_filter = nullptr;
    QLabel* m_hint = nullptr;
    QLabel* m_title = nullptr;
    QLabel* m_emptyState = nullptr;
    QTabWidget* m_tabs = nullptr;
    StreamsPanel* m_streams = nullptr;
    JobsPanel* m_jobs = nullptr;
    GenerationsPanel* m_generations = nullptr;
    SettingsPanel* m_settings = nullptr;
    QLabel* m_statusLabel = nullptr;
    TaskBusyBar* m_taskBar = nullptr;
    TrayNotifier* m_notifier = nullptr;
    AppLogDock* m_logDock = nullptr;
    QAction* m_newAction = nullptr;
    QAction* m_editAction = nullptr;
    QAction* m_deleteAction = nullptr;
    QAction* m_syncAction = nullptr;
    QAction* m_cancelAction = nullptr;
    QAction* m_refreshAction = nullptr;
    QAction* m_clearAction = nullptr;
    QPointer<RefreshDialog> m_refreshDialog;
    QPointer<ConnectionDialog> m_connectionDialog;
    QPointer<ClearDialog> m_clearBox;
    QPointer<QMessageBox> m_cancelBox;
    QPointer<GuideDialog> m_guide;
    QPointer<ShortcutsDialog> m_shortcuts;
    QPointer<StateDialog> m_stateDialog;
    qint64 m_selectedId = 0;
    qint64 m_demoId = 0; // the demo connection created at the first start, while its hint shows
    sluice::core::ConnectionDetails m_details;
};

} // namespace sluice::ui
