#include "widgets/tray_notifier.h"

#include <QApplication>
#include <QMenu>
#include <QSystemTrayIcon>
#include <QWidget>

namespace sluice::ui {

TrayNotifier::TrayNotifier(QWidget* window) : QObject(window), m_window(window) {
    if (!QSystemTrayIcon::isSystemTrayAvailable())
        return;
    m_tray = new QSystemTrayIcon(QIcon(QStringLiteral(":/icons/sluice.svg")), this);
    auto* menu = new QMenu(window);
    menu->addAction(tr("Show Sluice"), window, [this] {
        m_window->showNormal();
        m_window->raise();
        m_window->activateWindow();
    });
    menu->addAction(tr("Quit"), qApp, &QApplication::closeAllWindows);
    m_tray->setContextMenu(menu);
    connect(m_tray, &QSystemTrayIcon::activated, this, [this](QSystemTrayIcon::ActivationReason r) {
        if (r == QSystemTrayIcon::Trigger) {
            m_window->showNormal();
            m_window->activateWindow();
        }
    });
    setRunningJobs(0);
    m_tray->show();
}

void TrayNotifier::setRunningJobs(int count) {
    if (!m_tray)
        return;
    m_tray->setToolTip(count ? tr("Sluice: %n job(s) running", nullptr, count) : tr("Sluice: idle"));
}

void TrayNotifier::notify(const QString& title, const QString& message, bool failure) {
    m_last = message;
    if (m_tray)
        m_tray->showMessage(title, message, failure ? QSystemTrayIcon::Warning : QSystemTrayIcon::Information,
                            8000);
    emit notified(message);
}

} // namespace sluice::ui
