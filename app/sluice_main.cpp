#include "dialogs/preferences_dialog.h"
#include "engine_bridge.h"
#include "main_window.h"
#include "sluice_version.h"
#include "util/home.h"
#include "util/logging.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QMessageBox>
#include <optional>

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("sluice"));
    QApplication::setOrganizationName(QStringLiteral("sluice"));
    QApplication::setApplicationDisplayName(QStringLiteral("Sluice"));
    QApplication::setApplicationVersion(QStringLiteral(SLUICE_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("sluice"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Sluice: a desktop data-sync manager"));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption homeOption(QStringLiteral("home"), QStringLiteral("Where Sluice keeps its data."),
                                  QStringLiteral("DIR"));
    parser.addOption(homeOption);
    parser.process(app);

    std::optional<std::string> homeArg;
    if (parser.isSet(homeOption))
        homeArg = parser.value(homeOption).toStdString();
    else if (qEnvironmentVariableIsEmpty("SLUICE_HOME") &&
             !sluice::ui::PreferencesDialog::savedHome().isEmpty())
        homeArg = sluice::ui::PreferencesDialog::savedHome().toStdString();
    auto home = sluice::core::resolveHome(homeArg);
    if (!home) {
        QMessageBox::critical(nullptr, QStringLiteral("Sluice"),
                              QString::fromStdString(home.error().message));
        return 2;
    }
    sluice::core::initLogging(home.value());
    sluice::ui::PreferencesDialog::applySaved();

    sluice::ui::EngineBridge engine(QString::fromStdString(home.value()));
    sluice::ui::MainWindow window(&engine);
    window.show();
    return app.exec();
}
