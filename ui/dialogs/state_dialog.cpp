#include "dialogs/state_dialog.h"

#include "engine/engine.h"
#include "engine_bridge.h"
#include "format.h"
#include "widgets/views.h"

#include <QButtonGroup>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace sluice::ui {

namespace {
QPlainTextEdit* jsonView(bool readOnly) {
    auto* view = new QPlainTextEdit;
    view->setReadOnly(readOnly);
    view->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    view->setLineWrapMode(QPlainTextEdit::NoWrap);
    view->setMaximumHeight(110);
    return view;
}

QString oneLine(const QString& state) {
    if (state.isEmpty())
        return QObject::tr("(none)");
    QString flat = state.simplified();
    return flat.size() > 80 ? flat.left(79) + QChar(0x2026) : flat;
}
} // namespace

StateDialog::StateDialog(EngineBridge* engine, qint64 connectionId, const QString& stream, QWidget* parent)
    : QDialog(parent), m_engine(engine), m_connectionId(connectionId), m_stream(stream),
      m_summary(new QLabel), m_current(jsonView(true)), m_byCursor(new QRadioButton),
      m_byJson(new QRadioButton(tr("The whole state as &JSON:"))), m_cursorLabel(new QLabel),
      m_cursor(new QLineEdit), m_json(jsonView(false)), m_set(new QPushButton(tr("&Set state…"))),
      m_undo(new QPushButton(tr("&Undo last edit…"))), m_history(new QTableWidget(0, 5)),
      m_message(new QLabel) {
    setWindowTitle(tr("State of %1").arg(stream));
    wrapWithinWidth(m_summary);
    wrapWithinWidth(m_message);
    m_current->setAccessibleName(tr("Current state"));
    m_cursor->setAccessibleName(tr("New cursor value"));
    m_json->setAccessibleName(tr("New state as JSON"));
    m_history->setAccessibleName(tr("State edits"));
    m_history->setHorizontalHeaderLabels({tr("When"), tr("Change"), tr("By"), tr("From"), tr("To")});
    m_history->verticalHeader()->hide();
    m_history->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_history->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_history->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    // From and To share what is left; their tooltips hold the whole state.
    m_history->horizontalHeader()->setSectionResizeMode(3, QHeaderView::Stretch);
    m_history->horizontalHeader()->setSectionResizeMode(4, QHeaderView::Stretch);
    m_history->setTextElideMode(Qt::ElideRight);
    m_history->setWordWrap(false);
    auto* group = new QButtonGroup(this);
    group->addButton(m_byCursor);
    group->addButton(m_byJson);
    m_byCursor->setChecked(true);

    auto* change = new QGridLayout;
    change->addWidget(m_byCursor, 0, 0);
    change->addWidget(m_cursor, 0, 1);
    change->addWidget(m_cursorLabel, 1, 1);
    change->addWidget(m_byJson, 2, 0, 1, 2);
    change->addWidget(m_json, 3, 0, 1, 2);
    m_cursorLabel->setForegroundRole(QPalette::PlaceholderText);
    wrapWithinWidth(m_cursorLabel);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    buttons->addButton(m_undo, QDialogButtonBox::ActionRole);
    buttons->addButton(m_set, QDialogButtonBox::ActionRole);
    m_set->setDefault(true);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_set, &QPushButton::clicked, this, [this] { ask(false); });
    connect(m_undo, &QPushButton::clicked, this, [this] { ask(true); });
    connect(m_byCursor, &QRadioButton::toggled, this, &StateDialog::updateState);
    connect(m_cursor, &QLineEdit::textChanged, this, &StateDialog::updateState);
    connect(m_json, &QPlainTextEdit::textChanged, this, &StateDialog::updateState);
    connect(m_engine->engine(), &core::Engine::streamStateLoaded, this, &StateDialog::onLoaded);
    connect(m_engine->engine(), &core::Engine::stateEditAnswered, this, &StateDialog::onAnswered);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(new QLabel(tr("Current state:")));
    layout->addWidget(m_current);
    auto* changeTitle = new QLabel(tr("<b>Where the next sync starts</b>"));
    layout->addWidget(changeTitle);
    layout->addLayout(change);
    layout->addWidget(m_message);
    layout->addWidget(new QLabel(tr("<b>Edits</b> (newest first)")));
    layout->addWidget(m_history, 1);
    layout->addWidget(buttons);
    resize(640, 560);
    m_summary->setText(tr("Loading the state of %1…").arg(stream));
    updateState();
    reload();
}

QMessageBox* StateDialog::confirmation() const {
    return m_confirm;
}

void StateDialog::reload() {
    m_busy = true;
    updateState();
    m_engine->engine()->loadStreamState(m_connectionId, m_stream);
}

void StateDialog::onLoaded(const core::StreamStateReport& report) {
    if (report.connectionId != m_connectionId || report.stream != m_stream)
        return;
    const bool first = m_report.stream.isEmpty();
    m_report = report;
    m_busy = false;
    if (!report.error.isEmpty())
        showError(report.error);
    m_current->setPlainText(report.stateJson.isEmpty()
                                ? tr("(none: the next sync reads the stream from its start)")
                                : report.stateJson);
    m_summary->setText(report.generation < 0 ? tr("Stream %1 has no state yet.").arg(m_stream)
                                             : tr("Stream %1, generation %2, state saved %3.")
                                                   .arg(m_stream)
                                                   .arg(report.generation)
                                                   .arg(formatTime(report.updatedAt)));
    if (report.opaque) {
        m_byJson->setChecked(true);
        m_byCursor->setText(tr("A new &cursor:"));
        m_cursorLabel->setText(tr("This stream's state belongs to its connector: edit it as JSON."));
    } else if (report.cursorColumn.isEmpty()) {
        m_byCursor->setText(tr("A new &cursor:"));
        m_cursorLabel->setText(tr("The cursor is known once the stream has synced."));
    } else {
        m_byCursor->setText(tr("A new &cursor:"));
        m_cursorLabel->setText(
            tr("A value of %1 (%2): the next sync reads the records whose %1 is at or after it.")
                .arg(report.cursorColumn, report.cursorType));
    }
    if (first || m_json->toPlainText().trimmed().isEmpty())
        m_json->setPlainText(report.stateJson);
    m_history->setRowCount(0);
    for (const auto& e : report.edits) {
        const int row = m_history->rowCount();
        m_history->insertRow(row);
        const QStringList cells{formatTime(e.createdAt),
                                e.action == QLatin1String("undo") ? tr("undo") : tr("set"), e.program,
                                oneLine(e.previousState), oneLine(e.newState)};
        for (int col = 0; col < cells.size(); ++col) {
            auto* item = new QTableWidgetItem(cells[col]);
            item->setToolTip(col >= 3 ? (col == 3 ? e.previousState : e.newState) : e.createdAt);
            m_history->setItem(row, col, item);
        }
    }
    updateState();
}

void StateDialog::ask(bool undo) {
    if (m_busy)
        return;
    m_pending = {};
    m_pending.token = m_engine->nextToken();
    m_pending.connectionId = m_connectionId;
    m_pending.stream = m_stream;
    m_pending.undo = undo;
    m_pending.useCursor = !undo && m_byCursor->isChecked();
    m_pending.cursor = m_cursor->text().trimmed();
    m_pending.stateJson = m_json->toPlainText();
    m_busy = true;
    m_message->setText(tr("Checking…"));
    updateState();
    m_engine->engine()->editStreamState(m_pending);
}

void StateDialog::onAnswered(const core::StateEditAnswer& answer) {
    if (answer.token != m_pending.token || !m_pending.token)
        return;
    m_busy = false;
    if (!answer.error.isEmpty()) {
        m_pending = {};
        showError(answer.error);
        updateState();
        return;
    }
    if (!answer.applied) {
        confirm(answer);
        return;
    }
    m_message->setText(m_pending.undo
                           ? tr("Edit undone: the next sync starts from the state before it.")
                           : tr("State saved: the next sync starts from it. Undo last edit takes it back."));
    m_pending = {};
    m_cursor->clear();
    m_json->clear();
    reload();
}

void StateDialog::confirm(const core::StateEditAnswer& plan) {
    auto* box =
        new QMessageBox(QMessageBox::Question, m_pending.undo ? tr("Undo state edit") : tr("Set state"),
                        m_pending.undo ? tr("Undo the last edit of the state of %1?").arg(m_stream)
                                       : tr("Change the state of %1?").arg(m_stream),
                        QMessageBox::NoButton, this);
    box->setInformativeText(tr("Now: %1\nAfter: %2\n\n%3")
                                .arg(oneLine(plan.previousState), oneLine(plan.newState), plan.explanation));
    auto* yes = box->addButton(m_pending.undo ? tr("Undo edit") : tr("Set state"), QMessageBox::AcceptRole);
    box->addButton(QMessageBox::Cancel);
    box->setDefaultButton(QMessageBox::Cancel);
    box->setAttribute(Qt::WA_DeleteOnClose);
    const QString previous = plan.previousState;
    connect(box, &QMessageBox::buttonClicked, this, [this, yes, previous](QAbstractButton* b) {
        if (b != yes) {
            m_pending = {};
            m_message->clear();
            updateState();
            return;
        }
        m_pending.apply = true;
        m_pending.expectedPrevious = previous;
        m_busy = true;
        m_message->setText(tr("Saving…"));
        updateState();
        m_engine->engine()->editStreamState(m_pending);
    });
    m_confirm = box;
    box->open();
}

void StateDialog::showError(const QString& text) {
    m_message->setText(
        QStringLiteral("<span style='color:%1'>%2</span>").arg(errorColorName(), text.toHtmlEscaped()));
}

void StateDialog::updateState() {
    const bool cursorPossible = !m_report.opaque && !m_report.cursorColumn.isEmpty();
    m_byCursor->setEnabled(cursorPossible);
    m_cursor->setEnabled(cursorPossible && m_byCursor->isChecked());
    m_json->setEnabled(m_byJson->isChecked());
    const bool hasInput = m_byCursor->isChecked() ? !m_cursor->text().trimmed().isEmpty()
                                                  : !m_json->toPlainText().trimmed().isEmpty();
    m_set->setEnabled(!m_busy && m_report.error.isEmpty() && hasInput);
    m_undo->setEnabled(!m_busy && m_report.canUndo);
}

} // namespace sluice::ui
