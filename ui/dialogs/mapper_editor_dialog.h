#pragma once

#include "engine/engine_types.h"
#include "engine/mapping_preview.h"

#include <QDialog>
#include <QJsonArray>
#include <QJsonValue>

class QLabel;
class QListWidget;
class QPushButton;
class QTableWidget;
class QTabWidget;
class QToolButton;

namespace sluice::ui {

class EngineBridge;
class MapperForm;

// A stream's mappers, in the order they apply, each edited in a form, with a preview of what they make of
// the stream's first records (read from the source when the dialog opens). A mapping a sync would refuse
// (a hashed key, a renamed cursor) is shown as that refusal and cannot be applied.
class MapperEditorDialog : public QDialog {
    Q_OBJECT
public:
    MapperEditorDialog(EngineBridge* engine, qint64 connectionId, const sluice::core::StreamRow& row,
                       QWidget* parent = nullptr);

    // The stream's mapping with the edited mappers (its selected fields kept): what Apply gives the table.
    QString mappingJson() const;
    QJsonArray mappers() const { return m_mappers; }

    void addMapper(const QString& type);
    void selectMapper(int index);
    void removeSelected();
    void moveSelected(int by);

    QListWidget* mapperList() const { return m_list; }
    MapperForm* form() const { return m_form; }
    QTableWidget* afterTable() const { return m_after; }
    QTableWidget* beforeTable() const { return m_before; }
    QLabel* previewStatus() const { return m_status; }
    QPushButton* applyButton() const { return m_apply; }
    bool sampleLoaded() const { return m_sampled; }
    const sluice::core::MappingPreview& preview() const { return m_preview; }

private:
    void onSample(const sluice::core::RecordSample& sample);
    void onFormChanged(const QJsonObject& mapper);
    void rebuildList(int select);
    void updatePreview();

    qint64 m_connectionId;
    sluice::core::StreamRow m_row;
    sluice::core::RecordSample m_sample;
    sluice::core::MappingPreview m_preview;
    bool m_sampled = false;
    QJsonValue m_selectedFields; // kept as the row has it
    QJsonArray m_mappers;
    QListWidget* m_list;
    QToolButton* m_add;
    QPushButton* m_remove;
    QPushButton* m_up;
    QPushButton* m_down;
    MapperForm* m_form;
    QLabel* m_status;
    QTabWidget* m_tabs;
    QTableWidget* m_after;
    QTableWidget* m_before;
    QPushButton* m_apply;
};

} // namespace sluice::ui
