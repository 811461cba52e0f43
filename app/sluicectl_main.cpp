#include "cli/cli_app.h"

#include <QCoreApplication>

#include <iostream>

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("sluice"));
    return sluice::core::cli::runCli(argc, argv, std::cout, std::cerr);
}
