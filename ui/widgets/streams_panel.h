#pragma once

#include "engine/engine_types.h"

#include <QPointer>
#include <QWidget>

class QLabel;
class QMenu;
class QMessageBox;
class QPushButton;
class QTableView;

namespace sluice::ui {

class EngineBridge;
class FieldPickerDialog;
class MapperEditorDialog;
class StreamTableModel;

// The Streams tab: one row per configured stream, editable in place. Saving a change that needs a refresh
// offers "Save and refresh (recommended)" or "Save without refreshing".
class StreamsPanel : public QWidget {
    Q_OBJECT
public:
    explicit StreamsPanel(EngineBridge* engine, QWidget* parent = nullptr);

    void setDetails(const sluice::core::ConnectionDetails& details);
    void clear();
    StreamTableModel* model() const { return m_model; }
    QTableView* view() const { return m_view; }
    QPushButton* saveButton() const { return m_save; }
    // The open "this change needs a refresh" question, if any.
    QMessageBox* refreshOffer() const;
    bool hasUnsavedChanges() const;
    // Whether saving asks about a refresh first (a synced stream's mode, cursor or key changed).
    bool saveAsksAboutRefresh() const;
    // `connectionJson` with the streams as edited here; sets `error` when an edit cannot be applied.
    QString editedJson(const QString& connectionJson, QString* error) const;
    QStringList selectedStreams() const;
    // Opens the field picker of `stream` (window-modal); Apply makes its selection an edit of the table.
    FieldPickerDialog* openFieldPicker(const QString& stream);
    FieldPickerDialog* fieldPicker() const;
    // Opens the mapper editor of `stream`, which reads a sample from the source; Apply is an edit too.
    MapperEditorDialog* openMapperEditor(const QString& stream);
    MapperEditorDialog* mapperEditor() const;
    // The menu of a right click on `streams` (the selected rows); the caller owns it.
    QMenu* buildContextMenu(const QStringList& streams);

public slots:
    void save();
    void revert();

signals:
    // The user chose "Save and refresh" and the save succeeded: refresh these streams (retain preferred).
    void refreshRequested(const QStringList& streams);
    void clearRequested(const QStringList& streams);
    void inspectRequested(const QString& stream);
    void syncRequested();
    // Sync these streams only: the others are not read and keep their state.
    void syncStreamsRequested(const QStringList& streams);
    void stateEditRequested(const QString& stream);

private:
    void updateState();
    void saveNow(bool thenRefresh);
    void onSaved(const sluice::core::SaveResult& result);
    void showContextMenu(const QPoint& pos);

    EngineBridge* m_engine;
    StreamTableModel* m_model;
    QTableView* m_view;
    QLabel* m_message;
    QLabel* m_empty;
    QPushButton* m_save;
    QPushButton* m_revert;
    QPointer<QMessageBox> m_offer;
    QPointer<FieldPickerDialog> m_picker;
    QPointer<MapperEditorDialog> m_mapperEditor;
    sluice::core::ConnectionDetails m_details;
    int m_saveToken = 0;
    QStringList m_refreshAfterSave;
};

} // namespace sluice::ui
