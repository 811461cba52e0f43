// The main window's actions: toolbar, menus and shortcuts, and what they open.
#include "dialogs/clear_dialog.h"
#include "dialogs/connection_dialog.h"
#include "dialogs/help_dialog.h"
#include "dialogs/preferences_dialog.h"
#include "dialogs/refresh_dialog.h"
#include "dialogs/state_dialog.h"
#include "engine/engine.h"
#include "engine_bridge.h"
#include "format.h"
#include "main_window.h"
#include "models/connection_list_model.h"
#include "sluice_version.h"
#include "theme.h"
#include "widgets/app_log_dock.h"
#include "widgets/streams_panel.h"
#include "widgets/views.h"

#include <QAction>
#include <QApplication>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QStatusBar>
#include <QStyle>
#include <QTabWidget>
#include <QToolBar>

namespace sluice::ui {

namespace {
QIcon themed(const char* name, QStyle::StandardPixmap fallback) {
    return themedIcon(name, fallback);
}
} // namespace

void MainWindow::buildActions() {
    m_newAction =
        new QAction(themed("document-new", QStyle::SP_FileDialogNewFolder), tr("&New connection…"), this);
    m_newAction->setShortcut(QKeySequence::New);
    connect(m_newAction, &QAction::triggered, this, &MainWindow::newConnection);
    m_editAction = new QAction(themed("document-edit", QStyle::SP_FileDialogDetailedView),
                               tr("&Edit connection…"), this);
    m_editAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    connect(m_editAction, &QAction::triggered, this, &MainWindow::editConnection);
    m_deleteAction =
        new QAction(themed("edit-delete", QStyle::SP_TrashIcon), tr("&Delete connection…"), this);
    connect(m_deleteAction, &QAction::triggered, this, &MainWindow::deleteConnection);
    m_syncAction = new QAction(themed("media-playback-start", QStyle::SP_MediaPlay), tr("&Sync now"), this);
    m_syncAction->setShortcut(QKeySequence(Qt::Key_F5));
    m_syncAction->setToolTip(tr("Sync the selected connection now (F5)"));
    connect(m_syncAction, &QAction::triggered, this, &MainWindow::syncNow);
    m_cancelAction = new QAction(themed("process-stop", QStyle::SP_MediaStop), tr("&Cancel job…"), this);
    m_cancelAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Period));
    m_cancelAction->setToolTip(
        tr("Stop the running job and its connector; what it committed stays (Ctrl+.)"));
    connect(m_cancelAction, &QAction::triggered, this, &MainWindow::cancelJob);
    m_refreshAction = new QAction(themed("view-refresh", QStyle::SP_BrowserReload), tr("&Refresh…"), this);
    m_refreshAction->setToolTip(tr("Re-import streams from the source in a new generation"));
    connect(m_refreshAction, &QAction::triggered, this, [this] { openRefreshDialog(); });
    m_clearAction = new QAction(themed("edit-clear", QStyle::SP_DialogDiscardButton), tr("C&lear…"), this);
    m_clearAction->setToolTip(tr("Remove the records and state of streams"));
    connect(m_clearAction, &QAction::triggered, this, [this] { confirmClear(m_streams->selectedStreams()); });

    auto* fileMenu = menuBar()->addMenu(tr("&File"));
    fileMenu->addAction(m_newAction);
    fileMenu->addSeparator();
    auto* prefs = fileMenu->addAction(tr("&Preferences…"), this, &MainWindow::showPreferences);
    prefs->setShortcut(QKeySequence::Preferences);
    fileMenu->addSeparator();
    auto* quit = fileMenu->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    auto* connectionMenu = menuBar()->addMenu(tr("&Connection"));
    for (auto* a : {m_syncAction, m_cancelAction, m_refreshAction, m_clearAction})
        connectionMenu->addAction(a);
    connectionMenu->addSeparator();
    connectionMenu->addAction(m_editAction);
    connectionMenu->addAction(m_deleteAction);
    connectionMenu->addSeparator();
    auto* reload = connectionMenu->addAction(tr("Reload l&ist"), m_engine, &EngineBridge::refreshConnections);
    reload->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));

    auto* viewMenu = menuBar()->addMenu(tr("&View"));
    auto* focusFilter = viewMenu->addAction(tr("&Filter connections"), this, [this] {
        m_filter->setFocus();
        m_filter->selectAll();
    });
    focusFilter->setShortcut(QKeySequence::Find);
    viewMenu->addSeparator();
    const QStringList tabNames{tr("Streams"), tr("Jobs"), tr("Generations"), tr("Settings")};
    for (int i = 0; i < tabNames.size(); ++i) {
        auto* a = viewMenu->addAction(tabNames[i], this, [this, i] { m_tabs->setCurrentIndex(i); });
        a->setShortcut(QKeySequence(Qt::CTRL | (Qt::Key_1 + i)));
    }
    viewMenu->addSeparator();
    QAction* showLog = m_logDock->toggleViewAction();
    showLog->setText(tr("Sluice &log"));
    showLog->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    viewMenu->addAction(showLog);

    auto* helpMenu = menuBar()->addMenu(tr("&Help"));
    auto* guide = helpMenu->addAction(tr("&User guide"), this, [this] { showGuide({}); });
    guide->setShortcut(QKeySequence::HelpContents);
    auto* sections = helpMenu->addMenu(tr("Guide &sections"));
    for (const QString& title : GuideDialog::sections())
        sections->addAction(title, this, [this, title] { showGuide(title); });
    auto* keys = helpMenu->addAction(tr("&Keyboard shortcuts"), this, &MainWindow::showShortcuts);
    keys->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Slash));
    helpMenu->addSeparator();
    helpMenu->addAction(tr("&About Sluice"), this, &MainWindow::showAbout);

    auto* toolbar = addToolBar(tr("Main"));
    toolbar->setObjectName(QStringLiteral("mainToolbar"));
    toolbar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    toolbar->setMovable(false);
    toolbar->addAction(m_newAction);
    toolbar->addAction(m_editAction);
    toolbar->addSeparator();
    for (auto* a : {m_syncAction, m_cancelAction, m_refreshAction, m_clearAction})
        toolbar->addAction(a);
}

StateDialog* MainWindow::stateDialog() const {
    return m_stateDialog;
}
RefreshDialog* MainWindow::refreshDialog() const {
    return m_refreshDialog;
}
ConnectionDialog* MainWindow::connectionDialog() const {
    return m_connectionDialog;
}
ClearDialog* MainWindow::clearConfirmation() const {
    return m_clearBox;
}

void MainWindow::newConnection() {
    auto* dialog = new ConnectionDialog(m_engine, nullptr, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] { selectConnection(dialog->savedId()); });
    m_connectionDialog = dialog;
    dialog->open();
}

void MainWindow::editConnection() {
    if (!m_details.id || m_details.id != m_selectedId)
        return;
    auto* dialog = new ConnectionDialog(m_engine, &m_details, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    m_connectionDialog = dialog;
    dialog->open();
}

void MainWindow::deleteConnection() {
    const auto* c = m_model->connectionAt(m_model->rowOf(m_selectedId));
    if (!c)
        return;
    const qint64 id = c->id;
    auto* box = new QMessageBox(QMessageBox::Warning, tr("Delete connection"),
                                tr("Delete the connection %1 with its job history and state?").arg(c->name),
                                QMessageBox::Cancel, this);
    box->setInformativeText(tr("The data already in the destination stays there."));
    auto* yes = box->addButton(tr("Delete"), QMessageBox::DestructiveRole);
    box->setDefaultButton(QMessageBox::Cancel); // Enter keeps the connection, as it keeps the data in Clear
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::buttonClicked, this, [this, yes, id](QAbstractButton* b) {
        if (b == yes)
            m_engine->engine()->deleteConnection(id);
    });
    box->open();
}

void MainWindow::syncNow() {
    if (m_selectedId && m_syncAction->isEnabled())
        m_engine->engine()->startSync(m_selectedId);
}

void MainWindow::syncStreams(const QStringList& streams) {
    if (m_selectedId && m_syncAction->isEnabled() && !streams.isEmpty())
        m_engine->engine()->startSync(m_selectedId, streams);
}

void MainWindow::openStateDialog(const QString& stream) {
    if (!m_selectedId || stream.isEmpty())
        return;
    if (m_stateDialog)
        m_stateDialog->close();
    auto* dialog = new StateDialog(m_engine, m_selectedId, stream, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    m_stateDialog = dialog;
    dialog->open();
}

void MainWindow::cancelJob() {
    const auto* c = selectedSummary();
    if (!c || m_cancelBox)
        return;
    const qint64 id = c->id;
    auto* box = new QMessageBox(QMessageBox::Question, tr("Cancel job"),
                                tr("Cancel the running job of %1?").arg(elided(c->name, 60)),
                                QMessageBox::NoButton, this);
    box->setInformativeText(tr("What it has committed stays in the destination, and the next sync continues "
                               "from its last checkpoint."));
    auto* stop = box->addButton(tr("Cancel job"), QMessageBox::DestructiveRole);
    auto* keep = box->addButton(tr("Keep running"), QMessageBox::RejectRole);
    box->setDefaultButton(keep);
    box->setEscapeButton(keep);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::buttonClicked, this, [this, stop, id](QAbstractButton* b) {
        if (b != stop)
            return;
        m_engine->engine()->cancelJob(id);
        statusBar()->showMessage(tr("Cancelling: the job and its connector stop within seconds…"), 5000);
    });
    m_cancelBox = box;
    box->open();
}

GuideDialog* MainWindow::guide() const {
    return m_guide;
}

ShortcutsDialog* MainWindow::shortcuts() const {
    return m_shortcuts;
}

QMessageBox* MainWindow::cancelConfirmation() const {
    return m_cancelBox;
}

void MainWindow::openRefreshDialog(const QStringList& streams, const QString& preferred) {
    if (!m_selectedId)
        return;
    auto* dialog = new RefreshDialog(m_engine, m_selectedId, streams, preferred, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    m_refreshDialog = dialog;
    dialog->open();
}

void MainWindow::confirmClear(const QStringList& streams) {
    if (!m_selectedId || m_details.id != m_selectedId)
        return;
    const qint64 id = m_selectedId;
    auto* box = new ClearDialog(m_details.streams, streams, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &ClearDialog::clearConfirmed, this,
            [this, id](const QStringList& names) { m_engine->engine()->startClear(id, names); });
    m_clearBox = box;
    box->open();
}

void MainWindow::showGuide(const QString& section) {
    if (!m_guide) {
        m_guide = new GuideDialog(this);
        m_guide->setAttribute(Qt::WA_DeleteOnClose);
    }
    m_guide->show();
    m_guide->raise();
    if (!section.isEmpty())
        m_guide->showSection(section);
}

void MainWindow::showShortcuts() {
    QList<QAction*> actions;
    for (QAction* menu : menuBar()->actions())
        if (menu->menu())
            for (QAction* a : menu->menu()->actions())
                actions << a;
    auto* dialog = new ShortcutsDialog(actions, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    m_shortcuts = dialog;
    dialog->open();
}

void MainWindow::showAbout() {
    QMessageBox::about(this, tr("About Sluice"),
                       tr("<h3>Sluice %1</h3><p>A desktop data-sync manager: copies data from sources into a "
                          "destination database, stream by stream, with Airbyte's semantics.</p>"
                          "<p>Home folder: %2</p>")
                           .arg(QStringLiteral(SLUICE_VERSION), m_engine->home().toHtmlEscaped()));
}

void MainWindow::showPreferences() {
    auto* dialog = new PreferencesDialog(m_engine->home(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

} // namespace sluice::ui
