#include "widgets/streams_panel.h"

#include "dialogs/field_picker_dialog.h"
#include "dialogs/mapper_editor_dialog.h"
#include "engine/engine.h"
#include "engine/stream_choice.h"
#include "engine_bridge.h"
#include "format.h"
#include "models/stream_table_model.h"
#include "widgets/stream_delegate.h"
#include "widgets/views.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>
#include <memory>

namespace sluice::ui {

StreamsPanel::StreamsPanel(EngineBridge* engine, QWidget* parent)
    : QWidget(parent), m_engine(engine), m_model(new StreamTableModel(this)), m_view(new QTableView),
      m_message(new QLabel), m_empty(new QLabel), m_save(new QPushButton(tr("&Save changes"))),
      m_revert(new QPushButton(tr("Re&vert"))) {
    m_view->setModel(m_model);
    m_view->setItemDelegate(new StreamDelegate(m_view));
    m_view->setAccessibleName(tr("Streams"));
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::SelectedClicked |
                            QAbstractItemView::EditKeyPressed);
    m_view->verticalHeader()->hide();
    m_view->setShowGrid(false);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    auto* header = m_view->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::ResizeToContents);
    // Status (last, a reason of any length) takes the width that is left; its tooltip has the whole text.
    header->setSectionResizeMode(StreamTableModel::Status, QHeaderView::Stretch);
    header->setHighlightSections(false);
    connect(m_view, &QWidget::customContextMenuRequested, this, &StreamsPanel::showContextMenu);

    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    m_empty->setText(tr("Select a connection to see its streams."));
    wrapWithinWidth(m_message);
    m_message->setTextFormat(Qt::RichText);
    m_save->setAccessibleName(tr("Save stream changes"));
    m_save->setDefault(true);
    m_revert->setAccessibleName(tr("Revert stream changes"));
    connect(m_save, &QPushButton::clicked, this, &StreamsPanel::save);
    connect(m_revert, &QPushButton::clicked, this, &StreamsPanel::revert);
    connect(m_model, &StreamTableModel::editsChanged, this, &StreamsPanel::updateState);
    connect(m_engine->engine(), &core::Engine::connectionSaved, this, &StreamsPanel::onSaved);

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_message, 1);
    buttons->addWidget(m_revert);
    buttons->addWidget(m_save);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 8, 0, 0);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_empty, 1);
    layout->addLayout(buttons);
    clear();
}

void StreamsPanel::clear() {
    m_details = {};
    m_model->setLiveProgress({});
    m_model->setStreams({});
    updateState();
}

void StreamsPanel::setDetails(const sluice::core::ConnectionDetails& details) {
    const bool same = details.id == m_details.id;
    m_details = details;
    if (!same || !details.runningJobId)
        m_model->setLiveProgress({}); // the engine's counts after the job are the truth
    if (same)
        m_model->mergeStatus(details.streams);
    else
        m_model->setStreams(details.streams);
    updateState();
}

QMessageBox* StreamsPanel::refreshOffer() const {
    return m_offer;
}

bool StreamsPanel::hasUnsavedChanges() const {
    return m_model->isDirty();
}

bool StreamsPanel::saveAsksAboutRefresh() const {
    return !m_model->streamsNeedingRefresh().isEmpty();
}

QString StreamsPanel::editedJson(const QString& connectionJson, QString* error) const {
    return core::applyStreamRows(connectionJson, m_model->rows(), error);
}

QStringList StreamsPanel::selectedStreams() const {
    QStringList out;
    for (const auto& idx : m_view->selectionModel()->selectedRows())
        out << idx.data(StreamTableModel::NameRole).toString();
    return out;
}

void StreamsPanel::updateState() {
    const bool has = m_model->rowCount() > 0;
    m_view->setVisible(has);
    m_empty->setVisible(!has);
    if (!has && m_details.id)
        m_empty->setText(tr("This connection has no streams yet. Edit it and press Discover to load the "
                            "streams of its source."));
    else if (!has)
        m_empty->setText(tr("Select a connection to see its streams."));
    const QStringList errors = m_model->errors();
    const bool dirty = m_model->isDirty();
    if (!errors.isEmpty()) {
        QStringList escaped;
        for (const auto& e : errors)
            escaped << e.toHtmlEscaped();
        m_message->setText(QStringLiteral("<span style='color:%1'>%2</span>")
                               .arg(errorColorName(), escaped.join(QStringLiteral("<br>"))));
    } else if (dirty && !m_model->streamsNeedingRefresh().isEmpty())
        m_message->setText(tr(
            "Unsaved changes. Changing the mode, cursor, key or fields of a synced stream needs a refresh."));
    else if (dirty)
        m_message->setText(tr("Unsaved changes."));
    else
        m_message->clear();
    m_save->setEnabled(dirty && errors.isEmpty());
    m_revert->setEnabled(dirty);
}

void StreamsPanel::revert() {
    m_model->setStreams(m_model->original());
    updateState();
}

void StreamsPanel::save() {
    if (!m_save->isEnabled())
        return;
    const QStringList affected = m_model->streamsNeedingRefresh();
    if (affected.isEmpty()) {
        saveNow(false);
        return;
    }
    auto* box =
        new QMessageBox(QMessageBox::Question, tr("Refresh needed"),
                        tr("The change to %1 takes effect only after a refresh: the data already in the "
                           "destination was read with the old settings.")
                            .arg(affected.join(QStringLiteral(", "))),
                        QMessageBox::NoButton, this);
    box->setInformativeText(
        tr("A refresh re-imports the stream from the source. You can also refresh later."));
    auto* refresh = box->addButton(tr("Save and refresh (recommended)"), QMessageBox::AcceptRole);
    auto* plain = box->addButton(tr("Save without refreshing"), QMessageBox::DestructiveRole);
    box->addButton(QMessageBox::Cancel);
    box->setDefaultButton(refresh);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::buttonClicked, this, [this, refresh, plain](QAbstractButton* b) {
        if (b == refresh)
            saveNow(true);
        else if (b == plain)
            saveNow(false);
    });
    m_offer = box;
    box->open();
}

void StreamsPanel::saveNow(bool thenRefresh) {
    QString error;
    const QString json = editedJson(m_details.json, &error);
    if (!error.isEmpty()) {
        m_message->setText(error.toHtmlEscaped());
        return;
    }
    m_refreshAfterSave = thenRefresh ? m_model->streamsNeedingRefresh() : QStringList();
    m_saveToken = m_engine->nextToken();
    m_save->setEnabled(false);
    m_message->setText(tr("Saving…"));
    m_engine->engine()->saveConnection(m_saveToken, m_details.id, json);
}

void StreamsPanel::onSaved(const sluice::core::SaveResult& result) {
    if (result.token != m_saveToken || !m_saveToken)
        return;
    m_saveToken = 0;
    if (!result.error.isEmpty()) {
        m_message->setText(QStringLiteral("<span style='color:%1'>%2</span>")
                               .arg(errorColorName(), result.error.toHtmlEscaped()));
        m_save->setEnabled(true);
        return;
    }
    // The saved rows are the new baseline; the engine's reload brings the rest.
    m_model->setStreams(m_model->rows());
    updateState();
    if (!m_refreshAfterSave.isEmpty())
        emit refreshRequested(m_refreshAfterSave);
    m_refreshAfterSave.clear();
}

FieldPickerDialog* StreamsPanel::fieldPicker() const {
    return m_picker;
}

FieldPickerDialog* StreamsPanel::openFieldPicker(const QString& stream) {
    const int row = m_model->rowOfStream(stream);
    if (row < 0)
        return nullptr;
    if (m_picker)
        m_picker->close();
    m_picker = new FieldPickerDialog(m_model->rows()[row], this);
    m_picker->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_picker, &QDialog::accepted, this, [this, stream] {
        // The row may have moved while the dialog was open: it is found again by name.
        m_model->setMapping(m_model->rowOfStream(stream), m_picker->mappingJson());
    });
    m_picker->open();
    return m_picker;
}

MapperEditorDialog* StreamsPanel::mapperEditor() const {
    return m_mapperEditor;
}

MapperEditorDialog* StreamsPanel::openMapperEditor(const QString& stream) {
    const int row = m_model->rowOfStream(stream);
    if (row < 0 || !m_details.id)
        return nullptr;
    if (m_mapperEditor)
        m_mapperEditor->close();
    m_mapperEditor = new MapperEditorDialog(m_engine, m_details.id, m_model->rows()[row], this);
    m_mapperEditor->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_mapperEditor, &QDialog::accepted, this, [this, stream] {
        m_model->setMapping(m_model->rowOfStream(stream), m_mapperEditor->mappingJson());
    });
    m_mapperEditor->open();
    return m_mapperEditor;
}

void StreamsPanel::showContextMenu(const QPoint& pos) {
    const QModelIndex idx = m_view->indexAt(pos);
    if (!idx.isValid())
        return;
    if (!m_view->selectionModel()->isRowSelected(idx.row(), {}))
        m_view->selectRow(idx.row());
    std::unique_ptr<QMenu> menu(buildContextMenu(selectedStreams()));
    menu->exec(m_view->viewport()->mapToGlobal(pos));
}

QMenu* StreamsPanel::buildContextMenu(const QStringList& streams) {
    auto* menu = new QMenu(this);
    menu->addAction(tr("Sync now"), this, &StreamsPanel::syncRequested);
    menu->addAction(tr("Sync %1 only").arg(streams.join(QStringLiteral(", "))), this,
                    [this, streams] { emit syncStreamsRequested(streams); });
    menu->addAction(tr("Refresh %1…").arg(streams.join(QStringLiteral(", "))), this,
                    [this, streams] { emit refreshRequested(streams); });
    menu->addAction(tr("Clear %1…").arg(streams.join(QStringLiteral(", "))), this,
                    [this, streams] { emit clearRequested(streams); });
    menu->addAction(tr("Choose fields of %1…").arg(streams.value(0)), this,
                    [this, streams] { openFieldPicker(streams.value(0)); });
    menu->addAction(tr("Edit mappers of %1…").arg(streams.value(0)), this,
                    [this, streams] { openMapperEditor(streams.value(0)); });
    menu->addSeparator();
    menu->addAction(tr("Inspect generations of %1").arg(streams.value(0)), this,
                    [this, streams] { emit inspectRequested(streams.value(0)); });
    menu->addAction(tr("State of %1…").arg(streams.value(0)), this,
                    [this, streams] { emit stateEditRequested(streams.value(0)); });
    return menu;
}

} // namespace sluice::ui
