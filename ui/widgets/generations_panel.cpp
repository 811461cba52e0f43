#include "widgets/generations_panel.h"

#include "engine/engine.h"
#include "engine_bridge.h"
#include "format.h"
#include "models/generation_models.h"
#include "theme.h"
#include "widgets/task_busy_bar.h"
#include "widgets/views.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QEvent>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>
#include <QValueAxis>

namespace sluice::ui {

GenerationsPanel::GenerationsPanel(EngineBridge* engine, QWidget* parent)
    : QWidget(parent), m_engine(engine), m_generations(new GenerationModel(this)),
      m_aggregate(new AggregateModel(this)), m_diff(new RowSetModel(this)), m_stale(new RowSetModel(this)) {
    m_stream = new QComboBox;
    m_stream->setAccessibleName(tr("Stream to inspect"));
    m_stream->setMinimumContentsLength(16);
    auto* reloadButton = new QPushButton(tr("Reload"));
    m_header = new QLabel;
    wrapWithinWidth(m_header);
    // Quick answers (most of them) never show here; a diff or a count over millions of rows does.
    constexpr int kShowAfterMs = 300;
    m_busy = new TaskBusyBar(
        m_engine,
        [this](const core::TaskInfo& t) {
            using core::TaskKind;
            return t.kind == TaskKind::ExportCsv ||
                   (t.connectionId == m_connectionId &&
                    (t.kind == TaskKind::Generations || t.kind == TaskKind::Aggregate ||
                     t.kind == TaskKind::Diff));
        },
        kShowAfterMs);
    auto* bar = new QHBoxLayout;
    auto* streamLabel = new QLabel(tr("&Stream:"));
    streamLabel->setBuddy(m_stream);
    bar->addWidget(streamLabel);
    bar->addWidget(m_stream);
    bar->addWidget(reloadButton);
    bar->addSpacing(12);
    bar->addWidget(m_header, 1);
    bar->addWidget(m_busy);

    m_generationView = makeTableView(m_generations, tr("Generations"), false);
    m_chart = new QChart;
    m_chart->setTitle(tr("Rows per generation"));
    m_chart->legend()->setAlignment(Qt::AlignBottom);
    m_chart->setMargins(QMargins(4, 4, 4, 4));
    applyChartTheme();
    m_chartView = new QChartView(m_chart);
    m_chartView->setRenderHint(QPainter::Antialiasing);
    m_chartView->setAccessibleName(tr("Bar chart of rows per generation"));
    m_chartView->setMinimumWidth(260);

    m_tabs = new QTabWidget;
    m_tabs->addTab(buildAggregateTab(), tr("Aggregate"));
    m_tabs->addTab(buildDiffTab(), tr("Diff"));
    m_tabs->addTab(buildStaleTab(), tr("Stale rows"));

    // The table reads across; the chart sits under it, beside the questions one asks of the generations.
    auto* bottom = new QSplitter(Qt::Horizontal);
    bottom->addWidget(m_chartView);
    bottom->addWidget(m_tabs);
    bottom->setStretchFactor(0, 2);
    bottom->setStretchFactor(1, 3);
    auto* split = new QSplitter(Qt::Vertical);
    split->addWidget(m_generationView);
    split->addWidget(bottom);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 8, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(split, 1);

    connect(m_stream, &QComboBox::currentIndexChanged, this, [this] {
        updateColumns();
        reload();
    });
    connect(reloadButton, &QPushButton::clicked, this, &GenerationsPanel::reload);
    auto* e = m_engine->engine();
    connect(e, &core::Engine::generationsLoaded, this, &GenerationsPanel::onGenerations);
    connect(e, &core::Engine::aggregateLoaded, this, &GenerationsPanel::onAggregate);
    connect(e, &core::Engine::diffLoaded, this, &GenerationsPanel::onDiff);
    connect(m_busy, &TaskBusyBar::taskEnded, this, &GenerationsPanel::onTaskEnded);
    connect(e, &core::Engine::exportFinished, this, [this](const QString& path, const QString& error) {
        m_staleSummary->setText(error.isEmpty() ? tr("Exported to %1").arg(path)
                                                : tr("Export to %1 failed: %2").arg(path, error));
    });
}

QWidget* GenerationsPanel::buildAggregateTab() {
    auto* w = new QWidget;
    m_column = new QComboBox;
    m_column->setAccessibleName(tr("Numeric column to aggregate"));
    m_column->setMinimumContentsLength(14);
    connect(m_column, &QComboBox::currentIndexChanged, this, &GenerationsPanel::runAggregate);
    m_aggregateMessage = new QLabel;
    wrapWithinWidth(m_aggregateMessage);
    m_aggregateMessage->setWordWrap(true);
    auto* bar = new QHBoxLayout;
    auto* label = new QLabel(tr("Rows, sum and average per generation of &column:"));
    label->setBuddy(m_column);
    bar->addWidget(label);
    bar->addWidget(m_column);
    bar->addStretch(1);
    auto* layout = new QVBoxLayout(w);
    layout->addLayout(bar);
    layout->addWidget(m_aggregateMessage);
    layout->addWidget(makeTableView(m_aggregate, tr("Aggregate per generation"), false), 1);
    return w;
}

QWidget* GenerationsPanel::buildDiffTab() {
    auto* w = new QWidget;
    m_from = new QComboBox;
    m_from->setAccessibleName(tr("Compare from generation"));
    m_to = new QComboBox;
    m_to->setAccessibleName(tr("Compare to generation"));
    auto* compare = new QPushButton(tr("&Compare"));
    connect(compare, &QPushButton::clicked, this, &GenerationsPanel::runDiff);
    m_diffSummary = new QLabel(tr("Pick two generations: rows are matched by primary key."));
    wrapWithinWidth(m_diffSummary);
    m_diffSummary->setWordWrap(true);
    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("From generation")));
    bar->addWidget(m_from);
    bar->addWidget(new QLabel(tr("to")));
    bar->addWidget(m_to);
    bar->addWidget(compare);
    bar->addStretch(1);
    auto* layout = new QVBoxLayout(w);
    layout->addLayout(bar);
    layout->addWidget(m_diffSummary);
    m_diffView = makeTableView(m_diff, tr("Differences between generations"), false);
    m_diffView->setTextElideMode(Qt::ElideRight);
    layout->addWidget(m_diffView, 1);
    return w;
}

QWidget* GenerationsPanel::buildStaleTab() {
    auto* w = new QWidget;
    m_staleSummary = new QLabel;
    wrapWithinWidth(m_staleSummary);
    m_staleSummary->setWordWrap(true);
    m_export = new QPushButton(tr("&Export CSV…"));
    m_export->setAccessibleName(tr("Export stale rows as CSV"));
    connect(m_export, &QPushButton::clicked, this, &GenerationsPanel::exportStale);
    auto* bar = new QHBoxLayout;
    bar->addWidget(m_staleSummary, 1);
    bar->addWidget(m_export);
    auto* layout = new QVBoxLayout(w);
    layout->addLayout(bar);
    layout->addWidget(makeTableView(m_stale, tr("Stale rows")), 1);
    return w;
}

void GenerationsPanel::setConnection(qint64 connectionId, const QVector<sluice::core::StreamRow>& streams) {
    const QString keep = connectionId == m_connectionId ? stream() : QString();
    QStringList names;
    for (const auto& s : streams)
        names << s.name;
    QStringList before;
    for (const auto& s : m_streams)
        before << s.name;
    m_streams = streams;
    const bool changed = connectionId != m_connectionId || names != before;
    m_connectionId = connectionId;
    if (!changed) {
        updateColumns(); // the columns become known with the first sync
        reload();
        return;
    }
    QSignalBlocker block(m_stream);
    m_stream->clear();
    m_stream->addItems(names);
    if (int i = m_stream->findText(keep); i >= 0)
        m_stream->setCurrentIndex(i);
    updateColumns();
    reload();
}

QString GenerationsPanel::stream() const {
    return m_stream->currentText();
}

void GenerationsPanel::showStream(const QString& stream) {
    if (int i = m_stream->findText(stream); i >= 0 && i != m_stream->currentIndex())
        m_stream->setCurrentIndex(i);
}

void GenerationsPanel::updateColumns() {
    QSignalBlocker block(m_column);
    const QString keep = m_column->currentText();
    m_column->clear();
    for (const auto& s : m_streams)
        if (s.name == stream())
            m_column->addItems(s.numericColumns);
    if (int i = m_column->findText(keep); i >= 0)
        m_column->setCurrentIndex(i);
}

void GenerationsPanel::reload() {
    if (!m_connectionId || stream().isEmpty()) {
        m_generations->setReport({}, -1);
        m_header->setText(tr("No stream to inspect."));
        updateChart();
        return;
    }
    // Another stream's (or connection's) answers must not stay on screen as if they were this one's.
    if (m_shownConnection != m_connectionId || m_shownStream != stream()) {
        m_shownConnection = m_connectionId;
        m_shownStream = stream();
        m_diff->setRowSet({});
        m_diffSummary->setText(tr("Pick two generations: rows are matched by primary key."));
        m_stale->setRowSet({});
        m_staleSummary->clear();
        m_aggregate->setRows({});
        m_aggregateMessage->clear();
    }
    m_engine->engine()->loadGenerations(m_connectionId, stream());
    runAggregate();
}

void GenerationsPanel::onGenerations(const sluice::core::GenerationsReport& r) {
    if (r.connectionId != m_connectionId || r.stream != stream())
        return;
    m_generations->setReport(r.generations, r.currentGeneration);
    if (!r.error.isEmpty())
        m_header->setText(r.error);
    else if (r.currentGeneration < 0)
        m_header->setText(tr("Not synced yet: sync the connection to create the first generation."));
    else
        m_header->setText(tr("Current generation: %1").arg(r.currentGeneration));
    if (r.currentGeneration < 0 || !r.error.isEmpty())
        m_staleSummary->setText(tr("No rows to compare yet: the stream has not been synced."));
    else if (r.staleCount == 1)
        m_staleSummary->setText(tr("1 row whose key was not seen in the current generation: deleted in the "
                                   "source."));
    else if (r.staleCount)
        m_staleSummary->setText(
            tr("%1 rows whose key was not seen in the current generation: deleted in the source.")
                .arg(formatCount(r.staleCount)));
    else
        m_staleSummary->setText(
            tr("No stale rows: every key in the destination was seen in the current generation."));
    m_stale->setRowSet(r.staleRows);
    m_export->setEnabled(!r.staleRows.rows.isEmpty());

    const QString from = m_from->currentText(), to = m_to->currentText();
    m_from->clear();
    m_to->clear();
    for (const auto& g : r.generations) {
        m_from->addItem(QString::number(g.generation));
        m_to->addItem(QString::number(g.generation));
    }
    if (r.generations.size() >= 2) {
        m_from->setCurrentIndex(int(r.generations.size()) - 2);
        m_to->setCurrentIndex(int(r.generations.size()) - 1);
    }
    if (int i = m_from->findText(from); i >= 0 && !from.isEmpty() && r.generations.size() < 2)
        m_from->setCurrentIndex(i);
    if (int i = m_to->findText(to); i >= 0 && !to.isEmpty() && r.generations.size() < 2)
        m_to->setCurrentIndex(i);
    updateChart();
}

// The chart follows the palette from the start (an empty chart too) and when the theme changes.
void GenerationsPanel::applyChartTheme() {
    m_chart->setTheme(isDarkPalette(palette()) ? QChart::ChartThemeDark : QChart::ChartThemeLight);
    m_chart->setBackgroundBrush(palette().base());
    m_chart->setTitleBrush(palette().text());
    m_chart->legend()->setLabelColor(palette().color(QPalette::Text));
}

void GenerationsPanel::changeEvent(QEvent* event) {
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        applyChartTheme();
}

void GenerationsPanel::updateChart() {
    m_chart->removeAllSeries();
    for (auto* axis : m_chart->axes())
        m_chart->removeAxis(axis);
    applyChartTheme();
    auto* written = new QBarSet(tr("Rows written"));
    auto* visible = new QBarSet(tr("Rows visible"));
    QStringList categories;
    qint64 max = 0;
    for (const auto& g : m_generations->rows()) {
        *written << double(g.rowsWritten);
        *visible << double(g.rowsVisible);
        categories << QString::number(g.generation);
        max = qMax(max, qMax(g.rowsWritten, g.rowsVisible));
    }
    if (categories.isEmpty()) {
        // No generation yet: no axes with made-up numbers, just the words.
        delete written;
        delete visible;
        m_chart->setTitle(tr("Rows per generation: nothing synced yet"));
        return;
    }
    m_chart->setTitle(tr("Rows per generation"));
    auto* series = new QBarSeries;
    series->append(written);
    series->append(visible);
    m_chart->addSeries(series);
    auto* x = new QBarCategoryAxis;
    x->append(categories);
    x->setTitleText(tr("Generation"));
    auto* y = new QValueAxis;
    y->setLabelFormat(QStringLiteral("%d"));
    if (max < 5) {
        // Whole rows only: a nice range of 0..1 would label its ticks 0, 0, 0, 1.
        y->setRange(0, double(max + 1));
        y->setTickCount(int(max) + 2);
    } else {
        y->setRange(0, double(max) * 1.1);
        y->applyNiceNumbers(); // 0, 250, 500, ... rather than 0, 315, 630
    }
    for (auto* axis : {static_cast<QAbstractAxis*>(x), static_cast<QAbstractAxis*>(y)}) {
        axis->setLabelsColor(palette().color(QPalette::Text));
        axis->setTitleBrush(palette().text());
    }
    m_chart->addAxis(x, Qt::AlignBottom);
    m_chart->addAxis(y, Qt::AlignLeft);
    series->attachAxis(x);
    series->attachAxis(y);
}

void GenerationsPanel::runAggregate() {
    if (!m_connectionId || m_column->currentText().isEmpty()) {
        m_aggregate->setRows({});
        m_aggregateMessage->setText(tr("This stream has no numeric column."));
        return;
    }
    m_engine->engine()->loadAggregate(m_connectionId, stream(), m_column->currentText());
}

void GenerationsPanel::onAggregate(const sluice::core::AggregateReport& r) {
    if (r.connectionId != m_connectionId || r.stream != stream() || r.column != m_column->currentText())
        return;
    m_aggregate->setRows(r.rows);
    m_aggregate->setColumnName(r.column);
    bool dedupe = false;
    for (const auto& s : m_streams)
        dedupe = dedupe || (s.name == r.stream && s.mode.endsWith(QLatin1String("Dedupe")));
    m_aggregateMessage->setText(!r.error.isEmpty() ? r.error
                                : dedupe ? tr("Over every stored version of the stream's rows: the history "
                                              "a dedupe stream keeps, older versions of a key included.")
                                         : tr("Over the stream's rows of each generation."));
}

void GenerationsPanel::runDiff() {
    if (!m_connectionId || m_from->currentText().isEmpty() || m_to->currentText().isEmpty())
        return;
    m_diffSummary->setText(tr("Comparing…"));
    m_engine->engine()->loadDiff(m_connectionId, stream(), m_from->currentText().toLongLong(),
                                 m_to->currentText().toLongLong());
}

void GenerationsPanel::onDiff(const sluice::core::DiffReport& r) {
    if (r.connectionId != m_connectionId || r.stream != stream())
        return;
    if (!r.error.isEmpty()) {
        m_diffSummary->setText(r.error);
        m_diff->setRowSet({});
        return;
    }
    QString summary = tr("Generation %1 \u2192 %2: %3 added, %4 removed, %5 changed")
                          .arg(r.from)
                          .arg(r.to)
                          .arg(r.added.rows.size())
                          .arg(r.removed.rows.size())
                          .arg(r.changed.size());
    if (!r.deleted.rows.isEmpty())
        summary += tr(", %1 deleted in the source").arg(r.deleted.rows.size());
    m_diffSummary->setText(summary);
    m_diff->setRowSet(diffRows(r));
    // Before and After share what the key columns leave: a whole removed row never pushes After away.
    auto* header = m_diffView->horizontalHeader();
    for (int c = 3; c < m_diff->columnCount(); ++c)
        header->setSectionResizeMode(c, QHeaderView::Stretch);
}

// A question the user cancelled gets no answer: say so where the answer would have been.
void GenerationsPanel::onTaskEnded(const sluice::core::TaskInfo& task) {
    if (task.status != core::TaskStatus::Cancelled)
        return;
    switch (task.kind) {
    case core::TaskKind::Generations:
        m_header->setText(tr("Loading the generations was cancelled: press Reload to try again."));
        break;
    case core::TaskKind::Aggregate:
        m_aggregateMessage->setText(tr("The aggregate was cancelled."));
        break;
    case core::TaskKind::Diff:
        m_diffSummary->setText(tr("The comparison was cancelled."));
        break;
    case core::TaskKind::ExportCsv:
        m_staleSummary->setText(tr("The export was cancelled."));
        break;
    default:
        break;
    }
}

void GenerationsPanel::exportStale() {
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export stale rows"), QStringLiteral("%1-stale.csv").arg(stream()), tr("CSV files (*.csv)"));
    if (path.isEmpty())
        return;
    m_engine->engine()->exportCsv(path, m_stale->rowSet()); // written by a task of the engine
}

} // namespace sluice::ui
