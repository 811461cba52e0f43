#pragma once

#include <QDialog>
#include <QList>
#include <QStringList>

class QAction;
class QListWidget;
class QTableWidget;
class QTextBrowser;

namespace sluice::ui {

// Help > User guide: the README (built into the program, so it matches this version) with its sections in
// a list; a section can be opened directly.
class GuideDialog : public QDialog {
    Q_OBJECT
public:
    explicit GuideDialog(QWidget* parent = nullptr);
    // The README's section titles ("## " and "### " headings), in order.
    static QStringList sections();
    // Scrolls to the section titled `title`; false when there is none.
    bool showSection(const QString& title);
    QString currentSection() const;
    QTextBrowser* browser() const { return m_browser; }
    QListWidget* sectionList() const { return m_sections; }

private:
    QListWidget* m_sections;
    QTextBrowser* m_browser;
};

// Help > Keyboard shortcuts: every action of the window that has one, with the keys that work inside the
// views (they belong to no menu).
class ShortcutsDialog : public QDialog {
    Q_OBJECT
public:
    ShortcutsDialog(const QList<QAction*>& actions, QWidget* parent = nullptr);
    QTableWidget* table() const { return m_table; }

private:
    QTableWidget* m_table;
};

} // namespace sluice::ui
