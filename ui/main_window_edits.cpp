// Edits are never lost without a word: selecting another connection while the shown one has unsaved edits
// in Streams or Settings asks first whether to save them, discard them or stay.
#include "engine/engine.h"
#include "engine_bridge.h"
#include "main_window.h"
#include "widgets/settings_panel.h"
#include "widgets/streams_panel.h"

#include <QMessageBox>
#include <QPushButton>
#include <QStatusBar>
#include <QTableView>
#include <memory>

namespace sluice::ui {

QMessageBox* MainWindow::unsavedChangesPrompt() const {
    return m_unsavedBox;
}

QStringList MainWindow::unsavedEdits() const {
    QStringList where;
    if (m_streams->hasUnsavedChanges())
        where << tr("Streams");
    if (m_settings->hasUnsavedChanges())
        where << tr("Settings");
    return where;
}

void MainWindow::askAboutUnsavedEdits(qint64 target) {
    const qint64 shown = m_details.id;
    // The list goes back to the connection whose edits these are until the user has chosen.
    m_restoringSelection = true;
    selectRowOf(shown);
    m_restoringSelection = false;
    if (m_unsavedBox)
        return; // already asking
    const QStringList where = unsavedEdits();
    auto* box = new QMessageBox(QMessageBox::Question, tr("Unsaved changes"),
                                tr("Your changes to %1 of “%2” are not saved.")
                                    .arg(where.join(tr(" and ")), m_details.name.toHtmlEscaped()),
                                QMessageBox::NoButton, this);
    box->setInformativeText(tr("Save them before showing the other connection, discard them, or stay here "
                               "to go on editing."));
    auto* save = box->addButton(tr("Save"), QMessageBox::AcceptRole);
    auto* discard = box->addButton(tr("Discard"), QMessageBox::DestructiveRole);
    auto* stay = box->addButton(tr("Stay"), QMessageBox::RejectRole);
    box->setDefaultButton(save);
    box->setEscapeButton(stay);
    box->setAttribute(Qt::WA_DeleteOnClose);
    // Edits that cannot be saved as they are (an invalid cron expression) can only be fixed or discarded.
    save->setEnabled((!m_streams->hasUnsavedChanges() || m_streams->saveButton()->isEnabled()) &&
                     (!m_settings->hasUnsavedChanges() || m_settings->saveButton()->isEnabled()));
    connect(box, &QMessageBox::buttonClicked, this, [this, save, discard, target, shown](QAbstractButton* b) {
        if (m_details.id != shown)
            return; // the shown connection changed meanwhile (deleted): nothing left to decide
        if (b == save) {
            if (m_streams->hasUnsavedChanges() && m_streams->saveAsksAboutRefresh()) {
                // The refresh question comes first; the user answers it here and then moves on.
                m_streams->save();
                return;
            }
            saveEditsThenShow(target);
            return;
        } else if (b == discard) {
            m_streams->revert();
            m_settings->revert();
        } else {
            return;
        }
        showAfterEdits(target);
    });
    m_unsavedBox = box;
    box->open();
}

void MainWindow::showAfterEdits(qint64 target) {
    m_selectedId = target;
    m_restoringSelection = true;
    selectRowOf(target);
    m_restoringSelection = false;
    m_leavingEdits = true;
    onSelectionChanged();
    m_leavingEdits = false;
}

// Both panels' edits in one save (two saves would each start from the stored JSON, and the second would undo
// the first); the other connection is shown once the engine has saved them. A failed save keeps the edits
// and this connection on screen, with the engine's reason.
void MainWindow::saveEditsThenShow(qint64 target) {
    QString json = m_settings->hasUnsavedChanges() ? m_settings->settingsJson() : m_details.json;
    QString error;
    if (m_streams->hasUnsavedChanges())
        json = m_streams->editedJson(json, &error);
    if (!error.isEmpty()) {
        statusBar()->showMessage(error, 15000);
        return;
    }
    const int token = m_engine->nextToken();
    auto connection = std::make_shared<QMetaObject::Connection>();
    *connection = connect(m_engine->engine(), &core::Engine::connectionSaved, this,
                          [this, token, target, connection](const sluice::core::SaveResult& r) {
                              if (r.token != token)
                                  return;
                              disconnect(*connection);
                              if (!r.error.isEmpty()) {
                                  statusBar()->showMessage(tr("Not saved: %1").arg(r.error), 15000);
                                  return;
                              }
                              showAfterEdits(target);
                          });
    m_engine->engine()->saveConnection(token, m_details.id, json);
}

} // namespace sluice::ui
