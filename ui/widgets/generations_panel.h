#pragma once

#include "engine/engine_types.h"
#include "engine/task_types.h"

#include <QWidget>

class QChart;
class QChartView;
class QComboBox;
class QLabel;
class QPushButton;
class QTabWidget;
class QTableView;

namespace sluice::ui {

class AggregateModel;
class EngineBridge;
class GenerationModel;
class RowSetModel;
class TaskBusyBar;

// The Generations tab, per stream: the generations (who made each and why, rows written and still
// visible) with a bar chart, an aggregate of a numeric column per generation, a diff between two
// generations by primary key, and the stale rows (keys not seen in the current generation), as CSV too.
// Each question is a task of the engine: a slow one (a diff of two big generations) shows in a busy bar
// with a Cancel button.
class GenerationsPanel : public QWidget {
    Q_OBJECT
public:
    explicit GenerationsPanel(EngineBridge* engine, QWidget* parent = nullptr);

    void setConnection(qint64 connectionId, const QVector<sluice::core::StreamRow>& streams);
    void showStream(const QString& stream);
    void reload();
    QString stream() const;

    GenerationModel* generationModel() const { return m_generations; }
    AggregateModel* aggregateModel() const { return m_aggregate; }
    RowSetModel* diffModel() const { return m_diff; }
    RowSetModel* staleModel() const { return m_stale; }
    QChart* chart() const { return m_chart; }
    QComboBox* aggregateColumn() const { return m_column; }
    QComboBox* diffFrom() const { return m_from; }
    QComboBox* diffTo() const { return m_to; }
    QLabel* diffSummary() const { return m_diffSummary; }
    QLabel* staleSummary() const { return m_staleSummary; }
    TaskBusyBar* busyBar() const { return m_busy; }

public slots:
    void runDiff();
    void runAggregate();
    void exportStale();

private:
    void onGenerations(const sluice::core::GenerationsReport& report);
    void onAggregate(const sluice::core::AggregateReport& report);
    void onDiff(const sluice::core::DiffReport& report);
    void onTaskEnded(const sluice::core::TaskInfo& task);
    void updateChart();
    void applyChartTheme();

protected:
    void changeEvent(QEvent* event) override;

private:
    void updateColumns();
    QWidget* buildAggregateTab();
    QWidget* buildDiffTab();
    QWidget* buildStaleTab();

    EngineBridge* m_engine;
    qint64 m_connectionId = 0;
    qint64 m_shownConnection = 0; // whose answers the tabs show
    QString m_shownStream;
    QVector<sluice::core::StreamRow> m_streams;
    GenerationModel* m_generations;
    AggregateModel* m_aggregate;
    RowSetModel* m_diff;
    RowSetModel* m_stale;
    QComboBox* m_stream;
    QLabel* m_header;
    QTableView* m_generationView;
    QChart* m_chart;
    QChartView* m_chartView;
    QTabWidget* m_tabs;
    QComboBox* m_column;
    QLabel* m_aggregateMessage;
    QComboBox* m_from;
    QComboBox* m_to;
    QLabel* m_diffSummary;
    QTableView* m_diffView = nullptr;
    QLabel* m_staleSummary;
    QPushButton* m_export;
    TaskBusyBar* m_busy;
};

} // namespace sluice::ui
