#pragma once

#include <QDialog>

class QComboBox;
class QLineEdit;

namespace sluice::ui {

// App preferences, kept in QSettings: the home folder (used at the next start), the theme (the system's by
// default, so dark mode follows the desktop) and the log level.
class PreferencesDialog : public QDialog {
    Q_OBJECT
public:
    explicit PreferencesDialog(const QString& currentHome, QWidget* parent = nullptr);

    // Applies the saved theme and log level; called at start and when the dialog is accepted.
    static void applySaved();
    static QString savedHome();

    void accept() override;

private:
    QLineEdit* m_home;
    QComboBox* m_theme;
    QComboBox* m_logLevel;
};

} // namespace sluice::ui
