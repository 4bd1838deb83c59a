#include "core/workbench/Session.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSaveFile>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>

namespace prunelab::workbench {

namespace {

const QString kMetrics = QStringLiteral("metrics.jsonl");

/// Makes a rename in `folder` durable: QSaveFile::commit() renames but does not sync the directory.
void syncFolder(const QString& folder)
{
    const int fd = ::open(QFile::encodeName(folder).constData(), O_RDONLY | O_DIRECTORY);
    if (fd < 0)
        return; // the rename itself succeeded; durability is best effort where the folder cannot be opened
    ::fsync(fd);
    ::close(fd);
}

/// Crash testing (tests/cli/tst_cli_resume): PRUNELAB_TEST_KILL_DURING_WRITE=SUFFIX[#N] makes the process SIGKILL
/// itself in the middle of the N-th (default first) atomic write of a file whose path ends with SUFFIX: after the
/// temporary file is written, before it replaces the old one. Unset in normal use.
void killDuringWriteIfAsked(const QString& target)
{
    static const QString spec = qEnvironmentVariable("PRUNELAB_TEST_KILL_DURING_WRITE");
    static std::atomic<int> seen{0};
    if (spec.isEmpty())
        return;
    const QString suffix = spec.section(QLatin1Char('#'), 0, 0);
    const int nth = spec.contains(QLatin1Char('#')) ? spec.section(QLatin1Char('#'), 1).toInt() : 1;
    if (target.endsWith(suffix) && ++seen == nth)
        ::raise(SIGKILL);
}

/// Qt's message for a failed file operation, or the system's (errno) where Qt has none ("Unknown error").
std::string why(const QFileDevice& file, int error)
{
    const QString qt = file.errorString();
    if (error != 0 && (qt.isEmpty() || qt == QLatin1String("Unknown error")))
        return std::strerror(error);
    return qt.toStdString();
}

void makeFolder(const QString& folder)
{
    if (!QDir().mkpath(folder))
        throw SessionError("cannot create the folder " + folder.toStdString() + ": check that it is writable");
}

/// Name part safe in a folder name: letters, digits, '-', '_' and '.'; anything else becomes '-'.
QString safeName(const QString& name)
{
    QString s = name.trimmed();
    s.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9._-]+")), QStringLiteral("-"));
    while (s.startsWith(QLatin1Char('.')))
        s.remove(0, 1);
    return s.isEmpty() ? QStringLiteral("run") : s.left(80);
}

} // namespace

Session Session::create(const QString& root, const QString& name, const QDateTime& when)
{
    makeFolder(root);
    const QString stem = when.toString(QStringLiteral("yyyy-MM-dd_HHmmss")) + QLatin1Char('_') + safeName(name);
    QDir dir(root);
    QString folder = stem;
    for (int n = 2; dir.exists(folder); ++n)
        folder = stem + QLatin1Char('-') + QString::number(n);
    if (!dir.mkdir(folder))
        throw SessionError("cannot create a session in " + root.toStdString() + ": the folder is not writable");
    Session s(QDir::cleanPath(dir.absoluteFilePath(folder)));
    makeFolder(s.filePath(QStringLiteral("rounds")));
    syncFolder(root);
    return s;
}

Session Session::createFolder(const QString& path)
{
    if (QFileInfo::exists(path))
        throw SessionError("cannot create the session " + path.toStdString() + ": it already exists");
    makeFolder(path + QStringLiteral("/rounds"));
    syncFolder(QFileInfo(path).absolutePath());
    return Session(QDir::cleanPath(QFileInfo(path).absoluteFilePath()));
}

Session Session::open(const QString& path, bool requireRecipe)
{
    const QFileInfo info(path);
    if (!info.isDir())
        throw SessionError(path.toStdString() + " is not a session folder: it does not exist or is not a folder");
    if (requireRecipe && !QFileInfo::exists(info.absoluteFilePath() + QStringLiteral("/recipe.json")))
        throw SessionError(path.toStdString() + " is not a session folder: it has no recipe.json");
    return Session(QDir::cleanPath(info.absoluteFilePath()));
}

QString Session::name() const
{
    const QString folder = QFileInfo(path_).fileName();
    static const QRegularExpression stamp(QStringLiteral("^\\d{4}-\\d{2}-\\d{2}_\\d{6}_(.*)$"));
    const QRegularExpressionMatch m = stamp.match(folder);
    return m.hasMatch() ? m.captured(1) : folder;
}

QString Session::filePath(const QString& relative) const
{
    return path_ + QLatin1Char('/') + relative;
}

QString Session::roundFolder(int round)
{
    return QStringLiteral("rounds/%1").arg(round);
}

void Session::writeFile(const QString& relative, const QByteArray& bytes) const
{
    writeFileAtomically(filePath(relative), bytes);
}

void Session::writeFileAtomically(const QString& target, const QByteArray& bytes)
{
    const QString folder = QFileInfo(target).absolutePath();
    makeFolder(folder);
    QSaveFile file(target);
    if (!file.open(QIODevice::WriteOnly))
        throw SessionError("cannot write " + target.toStdString() + ": " + file.errorString().toStdString());
    errno = 0;
    if (file.write(bytes) != bytes.size() || !file.flush()) {
        const std::string reason = why(file, errno);
        file.cancelWriting();
        throw SessionError("cannot write " + target.toStdString() + ": " + reason + " (the file was left as it was)");
    }
    killDuringWriteIfAsked(target);
    // QSaveFile syncs the temporary file before renaming it over the target.
    errno = 0;
    if (!file.commit())
        throw SessionError("cannot write " + target.toStdString() + ": " + why(file, errno) +
                           " (the file was left as it was)");
    syncFolder(folder);
}

void Session::writeJson(const QString& relative, const QJsonObject& object) const
{
    writeFile(relative, QJsonDocument(object).toJson(QJsonDocument::Indented));
}

QByteArray Session::readFile(const QString& relative) const
{
    QFile file(filePath(relative));
    if (!file.open(QIODevice::ReadOnly))
        throw SessionError("cannot read " + file.fileName().toStdString() + ": " + file.errorString().toStdString());
    return file.readAll();
}

QJsonObject Session::readJson(const QString& relative) const
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(readFile(relative), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        throw SessionError(filePath(relative).toStdString() + " is damaged: " +
                           (doc.isObject() || error.error != QJsonParseError::NoError
                                ? error.errorString().toStdString() + " at offset " + std::to_string(error.offset)
                                : std::string("expected a JSON object")));
    return doc.object();
}

bool Session::exists(const QString& relative) const
{
    return QFileInfo::exists(filePath(relative));
}

void Session::appendMetric(const QJsonObject& event) const
{
    QFile file(filePath(kMetrics));
    if (!file.open(QIODevice::WriteOnly | QIODevice::Append | QIODevice::Unbuffered))
        throw SessionError("cannot write " + file.fileName().toStdString() + ": " + file.errorString().toStdString());
    const QByteArray line = QJsonDocument(event).toJson(QJsonDocument::Compact) + '\n';
    const qint64 before = file.size();
    errno = 0;
    if (file.write(line) != line.size() || !file.flush()) {
        const std::string reason = why(file, errno);
        file.resize(before); // cut a torn line off again, so the file stays one complete object per line
        throw SessionError("cannot write " + file.fileName().toStdString() + ": " + reason);
    }
}

QList<QJsonObject> Session::metrics() const
{
    QList<QJsonObject> events;
    if (!exists(kMetrics))
        return events;
    for (const QByteArray& line : readFile(kMetrics).split('\n')) {
        if (line.trimmed().isEmpty())
            continue;
        const QJsonDocument doc = QJsonDocument::fromJson(line);
        if (doc.isObject())
            events.append(doc.object());
    }
    return events;
}

void Session::truncateMetricsAfterRound(int lastRound) const
{
    QByteArray kept;
    if (exists(kMetrics)) {
        for (const QByteArray& line : readFile(kMetrics).split('\n')) {
            const QJsonDocument doc = QJsonDocument::fromJson(line);
            if (!doc.isObject())
                continue;
            kept += line + '\n';
            const QJsonObject o = doc.object();
            if (o.value(QStringLiteral("event")).toString() == QLatin1String("round") &&
                o.value(QStringLiteral("round")).toInt(-1) == lastRound)
                break;
        }
    }
    writeFile(kMetrics, kept);
}

QJsonObject Session::state() const
{
    return exists(QStringLiteral("state.json")) ? readJson(QStringLiteral("state.json")) : QJsonObject{};
}

void Session::writeState(const QJsonObject& state) const
{
    writeJson(QStringLiteral("state.json"), state);
}

int Session::completedRound() const
{
    return state().value(QStringLiteral("completed_round")).toInt(-1);
}

QJsonObject Session::recipeJson() const
{
    QJsonObject recipe = readJson(QStringLiteral("recipe.json"));
    recipe.remove(QStringLiteral("dataset_fingerprint"));
    return recipe;
}

QString Session::datasetFingerprint() const
{
    return readJson(QStringLiteral("recipe.json")).value(QStringLiteral("dataset_fingerprint")).toString();
}

QList<int> Session::savedRounds() const
{
    QList<int> rounds;
    const QDir dir(filePath(QStringLiteral("rounds")));
    for (const QString& entry : dir.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        bool ok = false;
        const int k = entry.toInt(&ok);
        if (ok && k >= 0 && QFileInfo::exists(dir.filePath(entry + QStringLiteral("/validation.json"))))
            rounds.append(k);
    }
    std::sort(rounds.begin(), rounds.end());
    return rounds;
}

} // namespace prunelab::workbench
