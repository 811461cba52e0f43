// The desktop keyring behind SecretStore, through QtKeychain (Secret Service or KWallet over D-Bus).
#include "store/secret_store.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QFileInfo>
#include <QTimer>
#include <cstdlib>
#include <mutex>

#ifdef SLUICE_HAVE_QTKEYCHAIN
#include <qt6keychain/keychain.h>
#endif

namespace sluice::core {

#ifdef SLUICE_HAVE_QTKEYCHAIN

namespace {

const QString kService = QStringLiteral("Sluice");
// A keyring that does not answer within this is treated as absent, not waited for.
constexpr int kTimeoutMs = 5000;

// QtKeychain jobs are asynchronous: run one to its end on this thread. False when it did not answer.
bool runJob(QKeychain::Job& job) {
    bool done = false;
    QEventLoop loop;
    QObject::connect(&job, &QKeychain::Job::finished, &loop, [&] {
        done = true;
        loop.quit();
    });
    QTimer::singleShot(kTimeoutMs, &loop, &QEventLoop::quit);
    job.setAutoDelete(false);
    job.setInsecureFallback(false); // never a plain-text QSettings file behind the user's back
    job.start();
    if (!done)
        loop.exec();
    return done;
}

// Without a session bus there is nothing to ask, and asking could make Qt try to launch one.
bool sessionBusExists() {
    if (const char* address = std::getenv("DBUS_SESSION_BUS_ADDRESS"); address && *address)
        return true;
    const char* runtime = std::getenv("XDG_RUNTIME_DIR");
    return runtime && QFileInfo::exists(QString::fromLocal8Bit(runtime) + QStringLiteral("/bus"));
}

Error keyringError(const QKeychain::Job& job, const std::string& what) {
    return Error::transient("the desktop keyring could not " + what + ": " + job.errorString().toStdString());
}

} // namespace

bool keyringAvailable() {
    static std::once_flag once;
    static bool available = false;
    std::call_once(once, [] {
        if (!QCoreApplication::instance() || !sessionBusExists())
            return;
        QKeychain::ReadPasswordJob probe(kService);
        probe.setKey(QStringLiteral("sluice-probe"));
        available = runJob(probe) &&
                    (probe.error() == QKeychain::NoError || probe.error() == QKeychain::EntryNotFound);
    });
    return available;
}

Status keyringWrite(const std::string& key, const std::string& value) {
    QKeychain::WritePasswordJob job(kService);
    job.setKey(QString::fromStdString(key));
    job.setTextData(QString::fromStdString(value));
    if (!runJob(job))
        return Error::transient("the desktop keyring did not answer when storing a secret");
    if (job.error() != QKeychain::NoError)
        return keyringError(job, "store a secret");
    return {};
}

Result<std::optional<std::string>> keyringRead(const std::string& key) {
    QKeychain::ReadPasswordJob job(kService);
    job.setKey(QString::fromStdString(key));
    if (!runJob(job))
        return Error::transient("the desktop keyring did not answer when reading a secret");
    if (job.error() == QKeychain::EntryNotFound)
        return std::optional<std::string>{};
    if (job.error() != QKeychain::NoError)
        return keyringError(job, "read a secret");
    return std::optional<std::string>(job.textData().toStdString());
}

Status keyringDelete(const std::string& key) {
    QKeychain::DeletePasswordJob job(kService);
    job.setKey(QString::fromStdString(key));
    if (!runJob(job))
        return Error::transient("the desktop keyring did not answer when deleting a secret");
    if (job.error() != QKeychain::NoError && job.error() != QKeychain::EntryNotFound)
        return keyringError(job, "delete a secret");
    return {};
}

#else // built without QtKeychain: the file is the only store

bool keyringAvailable() {
    return false;
}
Status keyringWrite(const std::string&, const std::string&) {
    return Error::config("this Sluice was built without keyring support");
}
Result<std::optional<std::string>> keyringRead(const std::string&) {
    return Error::config("this Sluice was built without keyring support; the secret is in a keyring");
}
Status keyringDelete(const std::string&) {
    return {};
}

#endif

} // namespace sluice::core
