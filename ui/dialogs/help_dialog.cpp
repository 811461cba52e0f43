#include "dialogs/help_dialog.h"

#include <QAction>
#include <QDialogButtonBox>
#include <QFile>
#include <QHeaderView>
#include <QListWidget>
#include <QRegularExpression>
#include <QScrollBar>
#include <QSplitter>
#include <QTableWidget>
#include <QTextBlock>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace sluice::ui {

namespace {
QString readme() {
    QFile f(QStringLiteral(":/docs/README.md"));
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

// The README's screenshots are files of the repository, not of an installed Sluice: the guide keeps their
// captions and leaves the images out.
QString withoutImages(QString markdown) {
    static const QRegularExpression image(QStringLiteral(R"(!\[([^\]]*)\]\([^)]*\))"));
    return markdown.replace(image, QStringLiteral("*\\1*"));
}

QDialogButtonBox* closeButtons(QDialog* dialog) {
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    QObject::connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
    return buttons;
}
} // namespace

GuideDialog::GuideDialog(QWidget* parent)
    : QDialog(parent), m_sections(new QListWidget), m_browser(new QTextBrowser) {
    setWindowTitle(tr("Sluice user guide"));
    m_sections->setAccessibleName(tr("Sections of the guide"));
    m_sections->addItems(sections());
    m_browser->setAccessibleName(tr("User guide"));
    m_browser->setOpenExternalLinks(true);
    m_browser->setMarkdown(withoutImages(readme()));
    connect(m_sections, &QListWidget::currentTextChanged, this, &GuideDialog::showSection);
    auto* split = new QSplitter;
    split->addWidget(m_sections);
    split->addWidget(m_browser);
    split->setStretchFactor(1, 1);
    split->setSizes({220, 680});
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(split, 1);
    layout->addWidget(closeButtons(this));
    resize(960, 640);
}

QStringList GuideDialog::sections() {
    QStringList out;
    bool code = false;
    for (const QString& line : readme().split(QLatin1Char('\n'))) {
        if (line.startsWith(QLatin1String("```")))
            code = !code; // a "# comment" in a shell block is no heading
        else if (!code && (line.startsWith(QLatin1String("## ")) || line.startsWith(QLatin1String("### "))))
            out << line.section(QLatin1Char(' '), 1).trimmed();
    }
    return out;
}

// Headings become blocks with a heading level once the Markdown is laid out: the section is that block.
bool GuideDialog::showSection(const QString& title) {
    for (QTextBlock b = m_browser->document()->begin(); b.isValid(); b = b.next()) {
        if (b.blockFormat().headingLevel() < 2 || b.text().trimmed() != title)
            continue;
        QTextCursor c(b);
        m_browser->setTextCursor(c);
        // The heading at the top of the view, not merely somewhere in it.
        m_browser->verticalScrollBar()->setValue(m_browser->verticalScrollBar()->maximum());
        m_browser->ensureCursorVisible();
        if (m_sections->currentItem() == nullptr || m_sections->currentItem()->text() != title) {
            const auto items = m_sections->findItems(title, Qt::MatchExactly);
            if (!items.isEmpty()) {
                QSignalBlocker block(m_sections);
                m_sections->setCurrentItem(items.first());
            }
        }
        return true;
    }
    return false;
}

QString GuideDialog::currentSection() const {
    for (QTextBlock b = m_browser->textCursor().block(); b.isValid(); b = b.previous())
        if (b.blockFormat().headingLevel() >= 2)
            return b.text().trimmed();
    return {};
}

ShortcutsDialog::ShortcutsDialog(const QList<QAction*>& actions, QWidget* parent)
    : QDialog(parent), m_table(new QTableWidget) {
    setWindowTitle(tr("Keyboard shortcuts"));
    QList<QPair<QString, QString>> rows;
    for (const QAction* a : actions)
        if (!a->shortcut().isEmpty())
            rows.append({a->text().remove(QLatin1Char('&')).remove(QStringLiteral("…")),
                         a->shortcut().toString(QKeySequence::NativeText)});
    rows.append({tr("From the filter box to the connection list"), tr("Down")});
    rows.append({tr("Copy the selected log lines"),
                 QKeySequence(QKeySequence::Copy).toString(QKeySequence::NativeText)});
    rows.append({tr("Choose an option in the refresh dialog"), tr("Space")});
    rows.append({tr("Edit a cell of the streams table"), tr("F2 or double click")});
    m_table->setColumnCount(2);
    m_table->setHorizontalHeaderLabels({tr("Action"), tr("Keys")});
    m_table->setRowCount(static_cast<int>(rows.size()));
    for (int i = 0; i < rows.size(); ++i) {
        m_table->setItem(i, 0, new QTableWidgetItem(rows[i].first));
        m_table->setItem(i, 1, new QTableWidgetItem(rows[i].second));
    }
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_table->setAccessibleName(tr("Keyboard shortcuts"));
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_table, 1);
    layout->addWidget(closeButtons(this));
    resize(520, 520);
}

} // namespace sluice::ui
