#pragma once

#include "engine/engine_types.h"

#include <QDateTime>
#include <QTimeZone>
#include <QWidget>
#include <functional>

class QButtonGroup;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QRadioButton;
class QSpinBox;

namespace sluice::ui {

class EngineBridge;

// The Settings tab of a connection: schedule (manual, every N minutes, cron), checkpoint interval,
// schema-change policy, table prefix and retry policy. Saved through the engine like every change of a
// connection.
class SettingsPanel : public QWidget {
    Q_OBJECT
public:
    explicit SettingsPanel(EngineBridge* engine, QWidget* parent = nullptr);

    void setDetails(const sluice::core::ConnectionDetails& details);
    QPushButton* saveButton() const { return m_save; }
    QLineEdit* prefixEdit() const { return m_prefix; }
    QRadioButton* cronButton() const { return m_cron; }
    QLineEdit* cronExpressionEdit() const { return m_expression; }
    QRadioButton* intervalButton() const { return m_interval; }
    QSpinBox* minutesBox() const { return m_minutes; }
    // When the schedule runs next, or why the cron expression is refused.
    QLabel* schedulePreview() const { return m_preview; }
    // Tests fix the time and the zone of the preview; by default the clock and the system's zone.
    void setPreviewClock(std::function<QDateTime()> now, const QTimeZone& zone);
    QString error() const; // empty when the form is valid
    // The connection JSON with the form's settings.
    QString settingsJson() const;
    // Edits not saved yet (a save in flight counts until it is answered).
    bool hasUnsavedChanges() const { return m_dirty; }

public slots:
    void save();
    // Puts the saved settings back in the form.
    void revert() { load(); }

private:
    void load();
    void updateState();
    void updatePreview();

    EngineBridge* m_engine;
    sluice::core::ConnectionDetails m_details;
    QButtonGroup* m_scheduleGroup;
    QRadioButton* m_manual;
    QRadioButton* m_interval;
    QRadioButton* m_cron;
    QSpinBox* m_minutes;
    QLineEdit* m_expression;
    QLabel* m_preview;
    QString m_cronError; // the refused expression's error, shown under it
    std::function<QDateTime()> m_now;
    QTimeZone m_zone = QTimeZone::systemTimeZone();
    QSpinBox* m_checkpoint;
    QComboBox* m_policy;
    QLineEdit* m_prefix;
    QSpinBox* m_maxAttempts;
    QSpinBox* m_maxFailures;
    QSpinBox* m_backoff;
    QLabel* m_message;
    QPushButton* m_save;
    QPushButton* m_revert;
    int m_token = 0;
    bool m_loading = false;
    bool m_dirty = false;
};

} // namespace sluice::ui
