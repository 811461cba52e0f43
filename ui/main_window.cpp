#include "main_window.h"

#include "engine_bridge.h"
#include "models/connection_list_model.h"
#include "sluice_version.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStatusBar>
#include <QTableView>
#include <QToolBar>
#include <QVBoxLayout>

namespace sluice::ui {

MainWindow::MainWindow(EngineBridge* engine, QWidget* parent)
    : QMainWindow(parent), m_engine(engine), m_model(new ConnectionListModel(this)),
      m_proxy(new QSortFilterProxyModel(this)) {
    setWindowTitle(QStringLiteral("Sluice"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/sluice.svg")));
    m_proxy->setSourceModel(m_model);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setFilterKeyColumn(-1);
    buildLayout();
    buildActions();

    connect(m_engine, &EngineBridge::connectionsChanged, this, &MainWindow::onConnectionsChanged);
    connect(m_engine, &EngineBridge::errorOccurred, this,
            [this](const QString& msg) { statusBar()->showMessage(msg, 10000); });

    QSettings settings;
    if (!restoreGeometry(settings.value(QStringLiteral("mainWindow/geometry")).toByteArray()))
        resize(1100, 680);
    m_engine->refreshConnections();
}

MainWindow::~MainWindow() = default;

void MainWindow::buildLayout() {
    auto* left = new QWidget;
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(6, 6, 0, 6);
    m_filter = new QLineEdit;
    m_filter->setPlaceholderText(tr("Filter connections (Ctrl+F)"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setAccessibleName(tr("Filter connections"));
    connect(m_filter, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);
    m_connectionView = new QTableView;
    m_connectionView->setModel(m_proxy);
    m_connectionView->setAccessibleName(tr("Connections"));
    m_connectionView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_connectionView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_connectionView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_connectionView->verticalHeader()->hide();
    m_connectionView->horizontalHeader()->setStretchLastSection(true);
    m_connectionView->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_connectionView->setShowGrid(false);
    m_connectionView->setAlternatingRowColors(true);
    connect(m_connectionView->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &MainWindow::onSelectionChanged);
    leftLayout->addWidget(m_filter);
    leftLayout->addWidget(m_connectionView);

    m_details = new QLabel;
    m_details->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_details->setWordWrap(true);
    m_details->setMargin(16);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* splitter = new QSplitter;
    splitter->addWidget(left);
    splitter->addWidget(m_details);
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 3);
    setCentralWidget(splitter);

    m_statusLabel = new QLabel;
    statusBar()->addPermanentWidget(m_statusLabel);
}

void MainWindow::buildActions() {
    auto* fileMenu = menuBar()->addMenu(tr("&File"));
    auto* quit = fileMenu->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    auto* connectionMenu = menuBar()->addMenu(tr("&Connection"));
    auto* reload = connectionMenu->addAction(QIcon::fromTheme(QStringLiteral("view-refresh")), tr("&Reload list"),
                                             m_engine, &EngineBridge::refreshConnections);
    reload->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));

    auto* viewMenu = menuBar()->addMenu(tr("&View"));
    auto* focusFilter = viewMenu->addAction(tr("&Filter connections"), this, [this] {
        m_filter->setFocus();
        m_filter->selectAll();
    });
    focusFilter->setShortcut(QKeySequence::Find);

    auto* helpMenu = menuBar()->addMenu(tr("&Help"));
    helpMenu->addAction(tr("&About Sluice"), this, &MainWindow::showAbout);

    auto* toolbar = addToolBar(tr("Main"));
    toolbar->setObjectName(QStringLiteral("mainToolbar"));
    toolbar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    toolbar->addAction(reload);
}

void MainWindow::onConnectionsChanged(const QVector<sluice::core::ConnectionSummary>& connections) {
    const qint64 keep = m_selectedId;
    m_model->setConnections(connections);
    m_statusLabel->setText(tr("%n connection(s) \u2014 home: %1", nullptr, static_cast<int>(connections.size()))
                               .arg(m_engine->home()));
    int row = m_model->rowOf(keep);
    if (row < 0 && !connections.isEmpty())
        row = 0;
    if (row >= 0) {
        QModelIndex idx = m_proxy->mapFromSource(m_model->index(row, 0));
        if (idx.isValid())
            m_connectionView->selectRow(idx.row());
    }
    onSelectionChanged();
}

qint64 MainWindow::selectedConnectionId() const {
    const auto rows = m_connectionView->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return 0;
    return m_proxy->data(rows.first(), ConnectionListModel::IdRole).toLongLong();
}

void MainWindow::onSelectionChanged() {
    m_selectedId = selectedConnectionId();
    const int row = m_model->rowOf(m_selectedId);
    const auto* c = m_model->connectionAt(row);
    if (!c) {
        m_details->setText(tr("<h2>No connection selected</h2><p>Create one with <code>sluicectl connection create "
                              "FILE.json</code>; it appears here at once.</p>"));
        return;
    }
    m_details->setText(tr("<h2>%1</h2><p>%2 \u2192 %3</p><p>%4 stream(s) \u00b7 status: %5 \u00b7 last sync: %6</p>")
                           .arg(c->name.toHtmlEscaped(), c->sourceType, c->destinationType)
                           .arg(c->streamCount)
                           .arg(c->status, c->lastSync.isEmpty() ? tr("never") : c->lastSync));
}

void MainWindow::showAbout() {
    QMessageBox::about(this, tr("About Sluice"),
                       tr("<h3>Sluice %1</h3><p>A desktop data-sync manager: copies data from sources into a "
                          "destination database, stream by stream, with Airbyte's semantics.</p>"
                          "<p>Home folder: %2</p>")
                           .arg(QStringLiteral(SLUICE_VERSION), m_engine->home().toHtmlEscaped()));
}

void MainWindow::closeEvent(QCloseEvent* event) {
    QSettings settings;
    settings.setValue(QStringLiteral("mainWindow/geometry"), saveGeometry());
    QMainWindow::closeEvent(event);
}

} // namespace sluice::ui
