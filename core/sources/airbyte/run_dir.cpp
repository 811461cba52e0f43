#include "sources/airbyte/run_dir.h"

#include "util/unique_fd.h"

#include <QDir>
#include <QTemporaryDir>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace sluice::core {

namespace {
// A process killed during a read (SIGKILL, a crash, a power cut) never ran ~RunDir: its folder, and the
// connector's configuration with its secrets, stayed behind. The owner's pid is in the folder's name, so
// the next run removes the folders of processes that are gone.
void removeAbandonedRunDirs() {
    const QString prefix = QStringLiteral("sluice-airbyte-");
    QDir tmp(QDir::tempPath());
    for (const QString& name :
         tmp.entryList({prefix + QStringLiteral("*")}, QDir::Dirs | QDir::NoDotAndDotDot)) {
        bool ok = false;
        const qint64 pid = name.mid(prefix.size()).section(QLatin1Char('-'), 0, 0).toLongLong(&ok);
        if (ok && pid > 0 && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH)
            QDir(tmp.filePath(name)).removeRecursively();
    }
}
} // namespace

RunDir::RunDir() {
    removeAbandonedRunDirs();
    // mkdtemp creates the folder with mode 0700.
    QTemporaryDir dir(QDir::tempPath() + QStringLiteral("/sluice-airbyte-%1-XXXXXX").arg(::getpid()));
    if (dir.isValid()) {
        dir.setAutoRemove(false); // removed by our destructor, when the connector has finished with it
        m_path = dir.path().toStdString();
    }
}

RunDir::~RunDir() {
    if (!m_path.empty())
        QDir(QString::fromStdString(m_path)).removeRecursively();
}

Result<std::string> RunDir::write(const std::string& name, const std::string& content) const {
    const std::string path = m_path + "/" + name;
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    if (!fd)
        return Error::internal("cannot write " + path + ": " + std::strerror(errno));
    size_t done = 0;
    while (done < content.size()) {
        const ssize_t n = ::write(fd.get(), content.data() + done, content.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return Error::internal("cannot write " + path + ": " + std::strerror(errno));
        done += size_t(n);
    }
    return path;
}

} // namespace sluice::core
