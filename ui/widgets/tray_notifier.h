#pragma once

#include <QObject>

class QSystemTrayIcon;
class QWidget;

namespace sluice::ui {

// The tray icon with the running state, and desktop notifications when a job ends. Without a system tray
// (some desktops, offscreen tests) notifications are still recorded and shown in the status bar.
class TrayNotifier : public QObject {
    Q_OBJECT
public:
    explicit TrayNotifier(QWidget* window);

    void setRunningJobs(int count);
    void notify(const QString& title, const QString& message, bool failure);
    QString lastNotification() const { return m_last; }
    bool hasTray() const { return m_tray != nullptr; }

signals:
    // A notification, for windows that show it themselves (the status bar).
    void notified(const QString& text);

private:
    QWidget* m_window;
    QSystemTrayIcon* m_tray = nullptr;
    QString m_last;
};

} // namespace sluice::ui
