#include "dialogs/refresh_dialog.h"

#include "engine/engine.h"
#include "engine_bridge.h"
#include "format.h"
#include "models/refresh_choice_model.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

namespace sluice::ui {

RefreshDialog::RefreshDialog(EngineBridge* engine, qint64 connectionId, const QStringList& streams,
                             const QString& preferred, QWidget* parent)
    : QDialog(parent), m_engine(engine), m_connectionId(connectionId), m_preferred(preferred),
      m_model(new RefreshChoiceModel(this)), m_view(new QTableView), m_intro(new QLabel),
      m_summary(new QLabel), m_warning(new QLabel),
      m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel)) {
    setWindowTitle(tr("Refresh streams"));
    m_intro->setWordWrap(true);
    m_intro->setText(tr("Loading the streams…"));
    m_view->setModel(m_model);
    m_view->setAccessibleName(tr("Refresh options per stream"));
    m_view->verticalHeader()->hide();
    m_view->setSelectionMode(QAbstractItemView::NoSelection);
    m_view->setShowGrid(false);
    m_view->setWordWrap(false);
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_summary->setWordWrap(true);
    m_summary->setTextFormat(Qt::RichText);
    m_warning->setWordWrap(true);
    m_warning->setTextFormat(Qt::RichText);
    m_warning->setText(
        QStringLiteral("<b style='color:%1'>%2</b>")
            .arg(errorColorName(),
                 tr("Refresh and remove records and Clear cannot be undone: the old records are "
                    "deleted (when the refresh succeeds; at once for a clear).")));
    confirmButton()->setText(tr("Confirm"));
    confirmButton()->setEnabled(false);
    confirmButton()->setAccessibleName(tr("Confirm refresh"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &RefreshDialog::confirm);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_model, &RefreshChoiceModel::choicesChanged, this, &RefreshDialog::updateSummary);
    connect(m_engine->engine(), &core::Engine::refreshPreviewLoaded, this, &RefreshDialog::onPreview);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_intro);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_summary);
    layout->addWidget(m_warning);
    layout->addWidget(m_buttons);
    resize(860, 420);
    m_engine->engine()->loadRefreshPreview(connectionId, streams);
}

QMessageBox* RefreshDialog::clearConfirmation() const {
    return m_clearBox;
}

QPushButton* RefreshDialog::confirmButton() const {
    return m_buttons->button(QDialogButtonBox::Ok);
}

void RefreshDialog::onPreview(const sluice::core::RefreshPreview& preview) {
    if (preview.connectionId != m_connectionId || m_loaded)
        return;
    m_loaded = true;
    if (!preview.error.isEmpty()) {
        m_intro->setText(preview.error);
        return;
    }
    m_otherStreams = preview.otherStreams;
    setWindowTitle(tr("Refresh streams of %1").arg(preview.connectionName));
    QString intro =
        tr("Choose how each stream is refreshed. A refresh re-imports the stream from the source in a "
           "new generation. Options a stream's mode does not allow are disabled; hover them to see "
           "why.");
    intro += QLatin1Char(' ');
    intro += m_otherStreams.isEmpty()
                 ? tr("Scheduled syncs of this connection pause until the refresh completes.")
                 : tr("The other enabled streams (%1) sync too. Scheduled syncs of this connection pause "
                      "until the "
                      "refresh completes.")
                       .arg(m_otherStreams.join(QStringLiteral(", ")));
    m_intro->setText(intro);
    m_model->setPreview(preview.streams, m_preferred);
    m_view->resizeColumnsToContents();
}

bool RefreshDialog::optionEnabled(const QString& stream, const QString& kind) const {
    for (int row = 0; row < m_model->rowCount(); ++row)
        if (m_model->rowAt(row)->name == stream)
            return m_model->flags(m_model->index(row, RefreshChoiceModel::columnOfKind(kind))) &
                   Qt::ItemIsEnabled;
    return false;
}

QString RefreshDialog::optionTooltip(const QString& stream, const QString& kind) const {
    for (int row = 0; row < m_model->rowCount(); ++row)
        if (m_model->rowAt(row)->name == stream)
            return m_model->index(row, RefreshChoiceModel::columnOfKind(kind))
                .data(Qt::ToolTipRole)
                .toString();
    return {};
}

bool RefreshDialog::choose(const QString& stream, const QString& kind) {
    return m_model->choose(stream, kind);
}

void RefreshDialog::updateSummary() {
    QStringList reimport, removed, cleared;
    for (int row = 0; row < m_model->rowCount(); ++row) {
        const auto* s = m_model->rowAt(row);
        const QString choice = m_model->choice(row);
        const QString rows = tr("%1 (%2 rows now)").arg(s->name, formatCount(s->rowsNow));
        if (choice == QLatin1String("retain") || choice == QLatin1String("remove"))
            reimport << s->name;
        if (choice == QLatin1String("remove"))
            removed << rows;
        if (choice == QLatin1String("clear"))
            cleared << rows;
    }
    QStringList lines;
    if (!reimport.isEmpty())
        lines << tr("<b>Re-imported from the source:</b> %1").arg(reimport.join(QStringLiteral(", ")));
    if (!removed.isEmpty())
        lines << tr("<b>Removed when the refresh succeeds:</b> %1").arg(removed.join(QStringLiteral(", ")));
    if (!cleared.isEmpty())
        lines << tr("<b>Removed now, with their state:</b> %1").arg(cleared.join(QStringLiteral(", ")));
    if (!reimport.isEmpty() && removed.isEmpty())
        lines << tr("Records already in the destination are kept (retain).");
    if (lines.isEmpty())
        lines << tr("Nothing is chosen: the streams would only sync normally.");
    m_summary->setText(lines.join(QStringLiteral("<br>")));
    confirmButton()->setEnabled(!m_model->choices().isEmpty());
}

void RefreshDialog::confirm() {
    const auto choices = m_model->choices();
    if (choices.isEmpty())
        return;
    QStringList cleared;
    for (const auto& c : choices)
        if (c.kind == QLatin1String("clear"))
            cleared << c.stream;
    if (cleared.isEmpty()) {
        start();
        return;
    }
    auto* box = new QMessageBox(
        QMessageBox::Warning, tr("Clear streams"),
        tr("Clear removes every record and the state of %1.").arg(cleared.join(QStringLiteral(", "))),
        QMessageBox::Cancel, this);
    box->setInformativeText(tr("This cannot be undone."));
    auto* yes = box->addButton(tr("Clear"), QMessageBox::DestructiveRole);
    box->setDefaultButton(QMessageBox::Cancel);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::buttonClicked, this, [this, yes](QAbstractButton* b) {
        if (b == yes)
            start();
    });
    m_clearBox = box;
    box->open();
}

void RefreshDialog::start() {
    m_engine->engine()->startRefresh(m_connectionId, m_model->choices());
    accept();
}

} // namespace sluice::ui
