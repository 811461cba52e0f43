#include "dialogs/refresh_dialog.h"

#include "engine/engine.h"
#include "engine_bridge.h"
#include "format.h"
#include "models/refresh_choice_model.h"

#include <QApplication>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QMouseEvent>
#include <QPainter>
#include <QPushButton>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QVBoxLayout>

namespace sluice::ui {

namespace {
// The options of a stream are exclusive: drawn as radio buttons, an unavailable one greyed with its reason
// at hand (tooltip) and "not available" beside it.
class ChoiceDelegate : public QStyledItemDelegate {
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override {
        if (RefreshChoiceModel::kindOfColumn(index.column()).isEmpty()) {
            QStyledItemDelegate::paint(painter, option, index);
            return;
        }
        QStyleOptionViewItem item = option;
        initStyleOption(&item, index);
        item.features &= ~QStyleOptionViewItem::HasCheckIndicator;
        item.text.clear();
        QStyle* style = item.widget ? item.widget->style() : QApplication::style();
        style->drawControl(QStyle::CE_ItemViewItem, &item, painter, item.widget);
        const bool enabled = index.flags() & Qt::ItemIsEnabled;
        QStyleOptionButton radio;
        const int w = style->pixelMetric(QStyle::PM_ExclusiveIndicatorWidth, nullptr, item.widget);
        const int h = style->pixelMetric(QStyle::PM_ExclusiveIndicatorHeight, nullptr, item.widget);
        radio.rect = QRect(option.rect.left() + 8, option.rect.center().y() - h / 2, w, h);
        radio.state =
            (enabled ? QStyle::State_Enabled : QStyle::State_None) |
            (index.data(Qt::CheckStateRole).toInt() == Qt::Checked ? QStyle::State_On : QStyle::State_Off);
        radio.palette = option.palette;
        style->drawPrimitive(QStyle::PE_IndicatorRadioButton, &radio, painter, item.widget);
        if (!enabled) {
            painter->save();
            painter->setPen(option.palette.color(QPalette::Disabled, QPalette::Text));
            painter->drawText(option.rect.adjusted(w + 14, 0, 0, 0), Qt::AlignVCenter | Qt::AlignLeft,
                              RefreshDialog::tr("not available"));
            painter->restore();
        }
    }

    bool editorEvent(QEvent* event, QAbstractItemModel* model, const QStyleOptionViewItem& option,
                     const QModelIndex& index) override {
        if (RefreshChoiceModel::kindOfColumn(index.column()).isEmpty() ||
            !(index.flags() & Qt::ItemIsEnabled))
            return QStyledItemDelegate::editorEvent(event, model, option, index);
        const bool click = event->type() == QEvent::MouseButtonRelease &&
                           static_cast<QMouseEvent*>(event)->button() == Qt::LeftButton;
        const bool key =
            event->type() == QEvent::KeyPress && (static_cast<QKeyEvent*>(event)->key() == Qt::Key_Space ||
                                                  static_cast<QKeyEvent*>(event)->key() == Qt::Key_Select);
        if (!click && !key)
            return event->type() == QEvent::MouseButtonPress || event->type() == QEvent::MouseButtonDblClick;
        const bool checked = index.data(Qt::CheckStateRole).toInt() == Qt::Checked;
        return model->setData(index, checked ? Qt::Unchecked : Qt::Checked, Qt::CheckStateRole);
    }
};
} // namespace

RefreshDialog::RefreshDialog(EngineBridge* engine, qint64 connectionId, const QStringList& streams,
                             const QString& preferred, QWidget* parent)
    : QDialog(parent), m_engine(engine), m_connectionId(connectionId), m_preferred(preferred),
      m_model(new RefreshChoiceModel(this)), m_view(new QTableView), m_intro(new QLabel),
      m_summary(new QLabel), m_warning(new QLabel), m_pending(new QLabel), m_range(new QWidget),
      m_from(new QLineEdit), m_to(new QLineEdit),
      m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel)) {
    setWindowTitle(tr("Refresh streams"));
    m_intro->setWordWrap(true);
    m_intro->setText(tr("Loading the streams…"));
    m_view->setModel(m_model);
    m_view->setItemDelegate(new ChoiceDelegate(m_view));
    m_view->setAccessibleName(tr("Refresh options per stream"));
    m_view->verticalHeader()->hide();
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setSelectionBehavior(QAbstractItemView::SelectItems);
    m_view->setShowGrid(false);
    m_view->setWordWrap(false);
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_pending->setWordWrap(true);
    m_pending->setTextFormat(Qt::RichText);
    m_pending->setAccessibleName(tr("Refresh already pending"));
    m_pending->hide();
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
    m_from->setPlaceholderText(tr("e.g. 2024-01-01 or 1000"));
    m_from->setAccessibleName(tr("Backfill from"));
    m_to->setPlaceholderText(tr("empty: up to the current end"));
    m_to->setAccessibleName(tr("Backfill to"));
    auto* rangeLayout = new QFormLayout(m_range);
    rangeLayout->setContentsMargins(0, 0, 0, 0);
    auto* rangeNote =
        new QLabel(tr("Backfill a range re-imports the records whose cursor is between From and To "
                      "(both included) into a new generation; old records and the stream's state "
                      "are kept, so the next sync goes on where it was."));
    rangeNote->setWordWrap(true);
    rangeLayout->addRow(rangeNote);
    rangeLayout->addRow(tr("&From:"), m_from);
    rangeLayout->addRow(tr("&To:"), m_to);
    m_range->setEnabled(false);
    const auto rangeEdited = [this] { m_model->setRange(m_from->text(), m_to->text()); };
    connect(m_from, &QLineEdit::textChanged, this, rangeEdited);
    connect(m_to, &QLineEdit::textChanged, this, rangeEdited);
    connect(m_engine->engine(), &core::Engine::refreshPreviewLoaded, this, &RefreshDialog::onPreview);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_pending);
    layout->addWidget(m_intro);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_range);
    layout->addWidget(m_summary);
    layout->addWidget(m_warning);
    layout->addWidget(m_buttons);
    resize(900, 360);
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
    m_pendingRefreshes = preview.pending;
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
    for (int c = RefreshChoiceModel::Retain; c <= RefreshChoiceModel::Backfill; ++c)
        m_view->setColumnWidth(c, qMax(m_view->columnWidth(c), 200));
    // As tall as its rows (a dialog for one stream is not mostly empty table).
    const int rows =
        m_view->verticalHeader()->length() + m_view->horizontalHeader()->height() + 2 * m_view->frameWidth();
    m_view->setMinimumHeight(qMin(rows, 360));
    m_view->setMaximumHeight(rows);
    int width = 2 * m_view->frameWidth() + 24;
    for (int c = 0; c < m_model->columnCount(); ++c)
        width += m_view->columnWidth(c);
    resize(qMax(width + layout()->contentsMargins().left() + layout()->contentsMargins().right(), 700),
           sizeHint().height());
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
    QStringList reimport, removed, cleared, backfilled;
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
        if (choice == QLatin1String("backfill"))
            backfilled << s->name;
    }
    QStringList lines;
    if (!reimport.isEmpty())
        lines << tr("<b>Re-imported from the source:</b> %1").arg(reimport.join(QStringLiteral(", ")));
    if (!removed.isEmpty())
        lines << tr("<b>Removed when the refresh succeeds:</b> %1").arg(removed.join(QStringLiteral(", ")));
    if (!cleared.isEmpty())
        lines << tr("<b>Removed now, with their state:</b> %1").arg(cleared.join(QStringLiteral(", ")));
    if (!backfilled.isEmpty()) {
        const QString from = m_from->text().trimmed(), to = m_to->text().trimmed();
        lines << (from.isEmpty()
                      ? tr("<b>Backfill:</b> %1 (type the cursor value to start From)")
                            .arg(backfilled.join(QStringLiteral(", ")).toHtmlEscaped())
                      : tr("<b>Backfilled from the source, cursor from %1 to %2:</b> %3; old records and "
                           "the state are kept")
                            .arg(from.toHtmlEscaped(),
                                 to.isEmpty() ? tr("the current end") : to.toHtmlEscaped(),
                                 backfilled.join(QStringLiteral(", ")).toHtmlEscaped()));
    }
    if (!reimport.isEmpty() && removed.isEmpty())
        lines << tr("Records already in the destination are kept (retain).");
    if (lines.isEmpty())
        lines << tr("Nothing is chosen: the streams would only sync normally.");
    m_summary->setText(lines.join(QStringLiteral("<br>")));
    m_range->setEnabled(m_model->hasBackfill());
    confirmButton()->setEnabled(!m_model->choices().isEmpty() &&
                                (!m_model->hasBackfill() || !m_from->text().trimmed().isEmpty()));
    updatePending();
}

namespace {
QString kindWords(const QString& kind) {
    if (kind == QLatin1String("remove"))
        return RefreshDialog::tr("refresh and remove records");
    if (kind == QLatin1String("clear"))
        return RefreshDialog::tr("clear");
    return RefreshDialog::tr("refresh and retain records");
}
} // namespace

// A refresh that failed or was cancelled stays pending (SPEC §4): the user is told before starting
// another one what the next job does with it, and what this confirmation changes.
void RefreshDialog::updatePending() {
    m_pending->setVisible(!m_pendingRefreshes.isEmpty());
    if (m_pendingRefreshes.isEmpty())
        return;
    QStringList which, restarted, continued;
    bool refreshChosen = false;
    for (const auto& c : m_model->choices())
        refreshChosen =
            refreshChosen || (c.kind != QLatin1String("clear") && c.kind != QLatin1String("backfill"));
    for (const auto& p : m_pendingRefreshes) {
        which << tr("%1 (%2)").arg(p.stream.toHtmlEscaped(), kindWords(p.kind));
        bool chosen = false;
        for (const auto& c : m_model->choices())
            chosen = chosen || c.stream == p.stream;
        (chosen ? restarted : continued) << p.stream.toHtmlEscaped();
    }
    QStringList lines;
    lines << tr("<b>A refresh is already pending:</b> %1 did not finish (its job failed or was cancelled). "
                "The next job of this connection continues it where it stopped.")
                 .arg(which.join(QStringLiteral(", ")));
    if (!restarted.isEmpty())
        lines << tr("Confirming starts %1 over, with the option chosen below, instead of continuing.")
                     .arg(restarted.join(QStringLiteral(", ")));
    if (!continued.isEmpty() && refreshChosen)
        lines << tr("This refresh also continues %1.").arg(continued.join(QStringLiteral(", ")));
    else if (!continued.isEmpty() && !m_model->choices().isEmpty())
        lines << tr("A clear touches only what it clears: the next sync or refresh continues %1.")
                     .arg(continued.join(QStringLiteral(", ")));
    m_pending->setText(lines.join(QStringLiteral("<br>")));
}

void RefreshDialog::confirm() {
    const auto choices = m_model->choices();
    if (choices.isEmpty() || !confirmButton()->isEnabled())
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
