#pragma once

#include "engine/engine_types.h"

#include <QDialog>

class QListWidget;
class QPushButton;

namespace sluice::ui {

// Which top-level fields of a stream reach its table: a checklist of the discovered columns, in which the
// primary key and the cursor of the stream's mode are checked and cannot be unchecked.
class FieldPickerDialog : public QDialog {
    Q_OBJECT
public:
    explicit FieldPickerDialog(const sluice::core::StreamRow& row, QWidget* parent = nullptr);

    QStringList checkedFields() const;
    // The stream's mapping with the checked fields as its selection (what Apply gives the streams table).
    QString mappingJson() const;
    QListWidget* fieldList() const { return m_list; }
    QPushButton* applyButton() const { return m_apply; }

private:
    sluice::core::StreamRow m_row;
    QListWidget* m_list;
    QPushButton* m_apply;
};

} // namespace sluice::ui
