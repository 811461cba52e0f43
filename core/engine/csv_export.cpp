#include "engine/csv_export.h"

#include "util/cancel_scope.h"

#include <QFile>

namespace sluice::core {

namespace {
QString field(const QString& v) {
    if (!v.contains(QLatin1Char(',')) && !v.contains(QLatin1Char('"')) && !v.contains(QLatin1Char('\n')) &&
        !v.contains(QLatin1Char('\r')))
        return v;
    QString quoted = v;
    quoted.replace(QLatin1String("\""), QLatin1String("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

QByteArray line(const QStringList& cells) {
    QStringList out;
    for (const auto& c : cells)
        out << field(c);
    return (out.join(QLatin1Char(',')) + QStringLiteral("\r\n")).toUtf8();
}
} // namespace

QString writeCsv(const QString& path, const RowSet& rows) {
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return file.errorString();
    auto write = [&](const QStringList& cells) {
        const QByteArray bytes = line(cells);
        return file.write(bytes) == bytes.size();
    };
    bool ok = write(rows.columns);
    for (qsizetype i = 0; ok && i < rows.rows.size(); ++i) {
        if (CancelScope::requested()) {
            file.remove(); // half a file would pass for the whole
            return QStringLiteral("cancelled");
        }
        ok = write(rows.rows[i]);
    }
    ok = ok && file.flush();
    return ok ? QString() : file.errorString();
}

} // namespace sluice::core
