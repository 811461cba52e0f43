#include "dialogs/preferences_dialog.h"

#include "theme.h"
#include "util/logging.h"

#include <QApplication>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPalette>
#include <QSettings>
#include <QStyle>
#include <QStyleFactory>
#include <QToolButton>

namespace sluice::ui {

namespace {
const char* kHome = "preferences/home";
const char* kTheme = "preferences/theme";
const char* kLogLevel = "preferences/logLevel";

QPalette darkPalette() {
    QPalette p;
    const QColor window(0x2b, 0x2d, 0x31), base(0x1e, 0x1f, 0x22), text(0xe6, 0xe6, 0xe6);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, window);
    p.setColor(QPalette::ToolTipBase, base);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, window);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::Highlight, QColor(0x2f, 0x81, 0xf7));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x58, 0xa6, 0xff));
    p.setColor(QPalette::PlaceholderText, QColor(0x8b, 0x94, 0x9e));
    p.setColor(QPalette::Disabled, QPalette::Text, QColor(0x6e, 0x76, 0x81));
    p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x6e, 0x76, 0x81));
    p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x6e, 0x76, 0x81));
    return p;
}
} // namespace

PreferencesDialog::PreferencesDialog(const QString& currentHome, QWidget* parent)
    : QDialog(parent), m_home(new QLineEdit), m_theme(new QComboBox), m_logLevel(new QComboBox) {
    setWindowTitle(tr("Preferences"));
    QSettings settings;
    m_home->setText(settings.value(kHome, currentHome).toString());
    m_home->setAccessibleName(tr("Home folder"));
    auto* browse = new QToolButton;
    browse->setText(tr("Browse…"));
    connect(browse, &QToolButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Home folder"), m_home->text());
        if (!dir.isEmpty())
            m_home->setText(dir);
    });
    auto* homeRow = new QHBoxLayout;
    homeRow->addWidget(m_home, 1);
    homeRow->addWidget(browse);
    m_theme->addItem(tr("Follow the system"), QStringLiteral("system"));
    m_theme->addItem(tr("Light"), QStringLiteral("light"));
    m_theme->addItem(tr("Dark"), QStringLiteral("dark"));
    m_theme->setCurrentIndex(qMax(0, m_theme->findData(settings.value(kTheme, QStringLiteral("system")))));
    m_theme->setAccessibleName(tr("Theme"));
    for (const char* level : {"debug", "info", "warn", "error"})
        m_logLevel->addItem(QString::fromLatin1(level), QString::fromLatin1(level));
    m_logLevel->setCurrentIndex(
        qMax(0, m_logLevel->findData(settings.value(kLogLevel, QStringLiteral("info")))));
    m_logLevel->setAccessibleName(tr("Log level"));

    // The option stays whole on one line: a wrap inside "--home" would read as a dash and "-home".
    auto* note = new QLabel(tr("A new home folder is used from the next start of Sluice, or start it with "
                               "<span style='white-space:nowrap'><code>sluice --home DIR</code></span>."));
    note->setTextFormat(Qt::RichText);
    note->setWordWrap(true);
    auto* homeLabel = new QLabel(tr("&Home folder"));
    homeLabel->setBuddy(m_home);
    auto* form = new QFormLayout;
    form->addRow(homeLabel, homeRow);
    form->addRow(QString(), note);
    form->addRow(tr("&Theme"), m_theme);
    form->addRow(tr("&Log level"), m_logLevel);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(buttons);
    resize(520, sizeHint().height());
}

void PreferencesDialog::accept() {
    QSettings settings;
    settings.setValue(kHome, m_home->text().trimmed());
    settings.setValue(kTheme, m_theme->currentData());
    settings.setValue(kLogLevel, m_logLevel->currentData());
    applySaved();
    QDialog::accept();
}

QString PreferencesDialog::savedHome() {
    return QSettings().value(kHome).toString();
}

void PreferencesDialog::applySaved() {
    QSettings settings;
    static const QPalette systemPalette = QApplication::palette();
    static const QString systemStyle = QApplication::style()->name();
    const QString theme = settings.value(kTheme, QStringLiteral("system")).toString();
    if (theme == QLatin1String("dark")) {
        QApplication::setStyle(new IndicatorStyle(QStyleFactory::create(QStringLiteral("Fusion"))));
        QApplication::setPalette(darkPalette());
    } else if (theme == QLatin1String("light")) {
        QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
        QApplication::setPalette(QApplication::style()->standardPalette());
    } else {
        QApplication::setStyle(QStyleFactory::create(systemStyle));
        QApplication::setPalette(systemPalette);
    }
    core::setLogLevel(settings.value(kLogLevel, QStringLiteral("info")).toString().toStdString());
}

} // namespace sluice::ui
