#include "widgets/app_log_dock.h"

#include "util/logging.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>
#include <mutex>

namespace sluice::ui {

struct PendingLogLines {
    std::mutex mutex;
    QVector<AppLogLine> lines;
    int capacity = 10000;
};

// Shows lines at or above a level whose subsystem or message contains the search text.
class AppLogFilter : public QSortFilterProxyModel {
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;
    void setMinimumLevel(int level) {
        m_minimumLevel = level;
        invalidateFilter();
    }
    void setSearch(const QString& text) {
        m_search = text;
        invalidateFilter();
    }

protected:
    bool filterAcceptsRow(int row, const QModelIndex&) const override {
        const auto* line = static_cast<const AppLogModel*>(sourceModel())->rowAt(row);
        if (!line || line->level < m_minimumLevel)
            return false;
        return m_search.isEmpty() || line->message.contains(m_search, Qt::CaseInsensitive) ||
               line->subsystem.contains(m_search, Qt::CaseInsensitive);
    }

private:
    int m_minimumLevel = 0;
    QString m_search;
};

AppLogDock::AppLogDock(QWidget* parent)
    : QDockWidget(tr("Sluice log"), parent), m_pending(std::make_shared<PendingLogLines>()),
      m_model(new AppLogModel(this)), m_filter(new AppLogFilter(this)), m_view(new QTableView),
      m_search(new QLineEdit), m_level(new QComboBox), m_timer(new QTimer(this)) {
    setObjectName(QStringLiteral("appLogDock"));
    m_filter->setSourceModel(m_model);

    m_search->setPlaceholderText(tr("Search the log"));
    m_search->setClearButtonEnabled(true);
    m_search->setAccessibleName(tr("Search the log"));
    connect(m_search, &QLineEdit::textChanged, this, [this](const QString& t) { m_filter->setSearch(t); });
    m_level->addItem(tr("Everything"), 0);
    m_level->addItem(tr("Information and up"), 2);
    m_level->addItem(tr("Warnings and errors"), 3);
    m_level->addItem(tr("Errors"), 4);
    m_level->setAccessibleName(tr("Lowest level shown"));
    connect(m_level, &QComboBox::currentIndexChanged, this,
            [this](int i) { m_filter->setMinimumLevel(m_level->itemData(i).toInt()); });
    auto* clear = new QPushButton(tr("Clear"));
    connect(clear, &QPushButton::clicked, this, [this] { m_model->setRows({}); });

    m_view->setModel(m_filter);
    m_view->setAccessibleName(tr("Sluice log"));
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setWordWrap(false);
    m_view->setShowGrid(false);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_view->horizontalHeader()->setSectionResizeMode(AppLogModel::Message, QHeaderView::Stretch);

    auto* top = new QHBoxLayout;
    top->addWidget(m_search, 1);
    top->addWidget(m_level);
    top->addWidget(clear);
    auto* body = new QWidget;
    auto* layout = new QVBoxLayout(body);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(top);
    layout->addWidget(m_view);
    setWidget(body);

    // The listener holds the buffer, not this widget: a line logged while the window closes finds it alive.
    std::weak_ptr<PendingLogLines> pending = m_pending;
    core::setLogListener([pending](const std::string& loggerName, int level, const std::string& message) {
        auto buffer = pending.lock();
        if (!buffer)
            return;
        AppLogLine line{QDateTime::currentDateTime(), QString::fromStdString(loggerName), level,
                        QString::fromStdString(message)};
        std::lock_guard lock(buffer->mutex);
        if (buffer->lines.size() >= buffer->capacity)
            buffer->lines.removeFirst();
        buffer->lines.push_back(std::move(line));
    });
    m_timer->setInterval(200);
    connect(m_timer, &QTimer::timeout, this, &AppLogDock::drain);
    m_timer->start();
}

AppLogDock::~AppLogDock() {
    core::setLogListener(nullptr);
}

void AppLogDock::drain() {
    QVector<AppLogLine> lines;
    {
        std::lock_guard lock(m_pending->mutex);
        lines.swap(m_pending->lines);
    }
    if (lines.isEmpty())
        return;
    QScrollBar* bar = m_view->verticalScrollBar();
    const bool atBottom = bar->value() == bar->maximum();
    m_model->append(lines);
    if (atBottom)
        m_view->scrollToBottom();
}

} // namespace sluice::ui
