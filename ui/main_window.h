#pragma once

#include "engine/engine_types.h"

#include <QMainWindow>

class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QTableView;

namespace sluice::ui {

class ConnectionListModel;
class EngineBridge;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(EngineBridge* engine, QWidget* parent = nullptr);
    ~MainWindow() override;

    QTableView* connectionView() const { return m_connectionView; }
    ConnectionListModel* connectionModel() const { return m_model; }

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void buildActions();
    void buildLayout();
    void onConnectionsChanged(const QVector<sluice::core::ConnectionSummary>& connections);
    void onSelectionChanged();
    qint64 selectedConnectionId() const;
    void showAbout();

    EngineBridge* m_engine;
    ConnectionListModel* m_model;
    QSortFilterProxyModel* m_proxy;
    QTableView* m_connectionView = nullptr;
    QLineEdit* m_filter = nullptr;
    QLabel* m_details = nullptr;
    QLabel* m_statusLabel = nullptr;
    qint64 m_selectedId = 0;
};

} // namespace sluice::ui
