#include "dialogs/field_picker_dialog.h"

#include "engine/stream_choice.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace sluice::ui {

FieldPickerDialog::FieldPickerDialog(const sluice::core::StreamRow& row, QWidget* parent)
    : QDialog(parent), m_row(row), m_list(new QListWidget(this)) {
    setWindowTitle(tr("Fields of %1").arg(row.name));
    auto* layout = new QVBoxLayout(this);
    auto* intro =
        new QLabel(tr("Only the checked fields are created and filled in the destination. The primary "
                      "key and the cursor are always kept. A change takes effect at the next sync "
                      "(by the connection's schema-change policy); a refresh fills new fields for "
                      "the records already synced."),
                   this);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    for (const auto& f : sluice::core::fieldChoices(row)) {
        auto* item = new QListWidgetItem(f.required ? tr("%1 (key or cursor)").arg(f.name) : f.name, m_list);
        item->setData(Qt::UserRole, f.name);
        item->setCheckState(f.chosen ? Qt::Checked : Qt::Unchecked);
        Qt::ItemFlags flags = Qt::ItemIsEnabled | Qt::ItemIsUserCheckable;
        if (f.required)
            flags = Qt::ItemIsUserCheckable; // shown checked, greyed: it cannot be deselected
        item->setFlags(flags);
    }
    layout->addWidget(m_list);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_apply = buttons->addButton(tr("Apply"), QDialogButtonBox::AcceptRole);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    // At least one field besides nothing: an empty selection would be a table without data.
    connect(m_list, &QListWidget::itemChanged, this,
            [this] { m_apply->setEnabled(!checkedFields().isEmpty()); });
    layout->addWidget(buttons);
}

QStringList FieldPickerDialog::checkedFields() const {
    QStringList out;
    for (int i = 0; i < m_list->count(); ++i)
        if (m_list->item(i)->checkState() == Qt::Checked)
            out << m_list->item(i)->data(Qt::UserRole).toString();
    return out;
}

QString FieldPickerDialog::mappingJson() const {
    return sluice::core::withSelectedFields(m_row, checkedFields());
}

} // namespace sluice::ui
