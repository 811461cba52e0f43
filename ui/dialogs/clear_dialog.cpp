#include "dialogs/clear_dialog.h"

#include "format.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace sluice::ui {

ClearDialog::ClearDialog(const QVector<sluice::core::StreamRow>& streams, const QStringList& ticked,
                         QWidget* parent)
    : QDialog(parent), m_list(new QListWidget), m_warning(new QLabel) {
    setWindowTitle(tr("Clear streams"));
    auto* intro =
        new QLabel(tr("Clear removes every record and the state of the ticked streams. Their tables "
                      "stay, empty, in a new generation."));
    intro->setWordWrap(true);
    m_list->setAccessibleName(tr("Streams to clear"));
    for (const auto& s : streams) {
        if (!s.selected)
            continue;
        auto* item = new QListWidgetItem(
            s.records >= 0 ? tr("%1 (%2 rows now)").arg(s.name, formatCount(s.records)) : s.name);
        item->setData(Qt::UserRole, s.name);
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
        item->setCheckState(ticked.isEmpty() || ticked.contains(s.name) ? Qt::Checked : Qt::Unchecked);
        m_list->addItem(item);
    }
    m_warning->setWordWrap(true);
    m_warning->setText(tr("This cannot be undone. The next sync imports the cleared streams again from the "
                          "start."));

    auto* buttons = new QDialogButtonBox;
    m_cancel = buttons->addButton(QDialogButtonBox::Cancel);
    m_clear = buttons->addButton(tr("Clear"), QDialogButtonBox::DestructiveRole);
    m_clear->setAutoDefault(false);
    m_cancel->setDefault(true);
    connect(m_cancel, &QPushButton::clicked, this, &QDialog::reject);
    connect(m_clear, &QPushButton::clicked, this, [this] {
        const QStringList streams = tickedStreams();
        if (streams.isEmpty())
            return;
        emit clearConfirmed(streams);
        accept();
    });
    connect(m_list, &QListWidget::itemChanged, this, &ClearDialog::updateState);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(m_list, 1);
    layout->addWidget(m_warning);
    layout->addWidget(buttons);
    updateState();
    m_cancel->setFocus();
}

QStringList ClearDialog::tickedStreams() const {
    QStringList out;
    for (int i = 0; i < m_list->count(); ++i)
        if (m_list->item(i)->checkState() == Qt::Checked)
            out << m_list->item(i)->data(Qt::UserRole).toString();
    return out;
}

void ClearDialog::tick(const QStringList& streams) {
    for (int i = 0; i < m_list->count(); ++i)
        m_list->item(i)->setCheckState(
            streams.contains(m_list->item(i)->data(Qt::UserRole).toString()) ? Qt::Checked : Qt::Unchecked);
}

void ClearDialog::updateState() {
    const int n = static_cast<int>(tickedStreams().size());
    m_clear->setEnabled(n > 0);
    m_clear->setText(n == 1 ? tr("Clear 1 stream") : tr("Clear %1 streams").arg(n));
}

} // namespace sluice::ui
