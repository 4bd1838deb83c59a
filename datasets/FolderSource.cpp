#include "datasets/FolderSource.h"

#include "datasets/SourceError.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QMap>

#include <QUtf8StringView>

#include <algorithm>
#include <stdexcept>

#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace prunelab::datasets {

namespace {

bool hiddenName(const QString& name)
{
    return name.startsWith(QLatin1Char('.')) || name == QLatin1String("__MACOSX") ||
           name.compare(QLatin1String("Thumbs.db"), Qt::CaseInsensitive) == 0;
}

void sign(QCryptographicHash& hash, const QFileInfo& info)
{
    hash.addData(QFile::encodeName(info.absoluteFilePath()));
    hash.addData(QByteArray::number(info.size()));
    hash.addData(QByteArray::number(info.lastModified().toMSecsSinceEpoch()));
}

/// The name with every byte that is not printable ASCII written as \xHH: a name that cannot be spelt otherwise.
QString escapedName(const QByteArray& name)
{
    QString text;
    for (const char c : name)
        text += (uchar(c) >= 0x20 && uchar(c) < 0x7f) ? QString(QLatin1Char(c))
                                                      : QStringLiteral("\\x%1").arg(uchar(c), 2, 16, QLatin1Char('0'));
    return text;
}

/// Files under `folder` (recursively, real folders only, hidden ones left out) whose paths are not UTF-8: Qt cannot
/// spell them, so its directory listing leaves them out without a word. They are opened by their bytes instead:
/// each regular one becomes an entry of class `label` (`all`: every file, inside a folder whose own name is not UTF-8),
/// anything else is reported.
void findRawNamedFiles(const QByteArray& folder, int label, bool all, QList<SourceEntry>& entries,
                       QList<SkippedFile>& skipped, int depth = 0)
{
    if (depth > 32)
        return;
    DIR* dir = ::opendir(folder.constData());
    if (dir == nullptr)
        return;
    while (const dirent* entry = ::readdir(dir)) {
        const QByteArray name(entry->d_name);
        if (name.startsWith('.') || name == "__MACOSX")
            continue;
        const bool raw = all || !QUtf8StringView(name).isValidUtf8();
        const QByteArray path = folder + '/' + name;
        struct stat status {};
        if (::lstat(path.constData(), &status) != 0)
            continue;
        if (S_ISDIR(status.st_mode)) { // a symbolic link is not followed, as the listing does not follow it
            findRawNamedFiles(path, label, raw, entries, skipped, depth + 1);
            continue;
        }
        if (!raw)
            continue;
        const QString shown = QUtf8StringView(folder).isValidUtf8()
                                  ? QFile::decodeName(folder) + QLatin1Char('/') + escapedName(name)
                                  : escapedName(path);
        if (!S_ISREG(status.st_mode)) {
            skipped.append({shown, QStringLiteral("not a regular file")});
            continue;
        }
        SourceEntry e;
        e.file = shown;
        e.location = shown;
        e.rawPath = path;
        e.label = label;
        e.size = qint64(status.st_size);
        entries.append(e);
    }
    ::closedir(dir);
}

} // namespace

SourceListing FolderSource::list(const QString& folder)
{
    QFileInfo rootInfo(folder);
    if (!rootInfo.exists())
        throwSourceError(folder, QStringLiteral("does not exist"));
    if (!rootInfo.isDir())
        throwSourceError(folder, QStringLiteral("is not a folder"));
    QDir root(rootInfo.absoluteFilePath());
    const QDir::Filters filters = QDir::NoDotAndDotDot | QDir::Readable;
    // Descend through a lone wrapper folder ("dataset/Alzheimer_MRI/<classes>").
    for (int depth = 0; depth < 4; ++depth) {
        const QFileInfoList files = root.entryInfoList(QDir::Files | filters);
        QFileInfoList dirs = root.entryInfoList(QDir::Dirs | filters, QDir::Name);
        dirs.erase(
            std::remove_if(dirs.begin(), dirs.end(), [](const QFileInfo& i) { return hiddenName(i.fileName()); }),
            dirs.end());
        if (dirs.size() != 1 ||
            std::any_of(files.begin(), files.end(), [](const QFileInfo& i) { return !hiddenName(i.fileName()); }))
            break;
        root.cd(dirs.first().fileName());
    }

    SourceListing listing;
    listing.source = root.absolutePath();
    QCryptographicHash signature(QCryptographicHash::Sha256);
    signature.addData("folder");

    for (const QFileInfo& file : root.entryInfoList(QDir::Files | filters | QDir::Hidden, QDir::Name)) {
        if (!hiddenName(file.fileName()))
            listing.skipped.append({file.absoluteFilePath(), QStringLiteral("not inside a class folder")});
    }
    const QFileInfoList classDirs = root.entryInfoList(QDir::Dirs | filters, QDir::Name);
    for (const QFileInfo& classDir : classDirs) {
        if (hiddenName(classDir.fileName()))
            continue;
        if (classDir.isSymLink()) { // could lead back up the tree, or anywhere on the disk
            listing.skipped.append(
                {classDir.absoluteFilePath(), QStringLiteral("symbolic link to a folder; not followed")});
            continue;
        }
        const int label = int(listing.classNames.size());
        listing.classNames.append(classDir.fileName());
        QStringList paths;
        // QDir::System lists broken symbolic links too, so that they are reported rather than silently missing.
        QDirIterator it(classDir.absoluteFilePath(),
                        QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System,
                        QDirIterator::Subdirectories);
        while (it.hasNext()) {
            it.next();
            const QFileInfo info = it.fileInfo();
            // Skip hidden files and anything under a hidden folder.
            const QString relative = QDir(classDir.absoluteFilePath()).relativeFilePath(info.absoluteFilePath());
            const QStringList parts = relative.split(QLatin1Char('/'));
            if (std::any_of(parts.begin(), parts.end(), hiddenName))
                continue;
            if (info.isSymLink() && info.isDir()) { // QDirIterator does not descend into it: no loops
                listing.skipped.append(
                    {info.absoluteFilePath(), QStringLiteral("symbolic link to a folder; not followed")});
                continue;
            }
            if (info.isSymLink() && !info.exists()) {
                listing.skipped.append(
                    {info.absoluteFilePath(), QStringLiteral("symbolic link that leads nowhere (broken, or a loop)")});
                continue;
            }
            if (!info.isFile()) {
                if (!info.isDir())
                    listing.skipped.append({info.absoluteFilePath(), QStringLiteral("not a regular file")});
                continue;
            }
            paths.append(info.absoluteFilePath());
        }
        std::sort(paths.begin(), paths.end()); // QDirIterator's order depends on the file system
        for (const QString& path : paths) {
            const QFileInfo info(path);
            sign(signature, info);
            SourceEntry entry;
            entry.file = path;
            entry.location = path;
            entry.label = label;
            entry.size = info.size();
            listing.entries.append(entry);
        }
        // Then the files Qt cannot name, by their bytes, in byte order.
        QList<SourceEntry> raw;
        findRawNamedFiles(QFile::encodeName(classDir.absoluteFilePath()), label, false, raw, listing.skipped);
        std::sort(raw.begin(), raw.end(),
                  [](const SourceEntry& x, const SourceEntry& y) { return x.rawPath < y.rawPath; });
        for (const SourceEntry& entry : raw) {
            signature.addData(entry.rawPath);
            signature.addData(QByteArray::number(entry.size));
            listing.entries.append(entry);
        }
    }
    if (listing.classNames.isEmpty())
        throwSourceError(root.absolutePath(),
                         QStringLiteral("has no class folders (expected one sub-folder of images per class)"));
    listing.signature = signature.result();
    return listing;
}

QByteArray FolderSource::read(const SourceEntry& entry, qint64 maxBytes, QString* reason)
{
    QFile file(entry.location);
    const int fd = entry.rawPath.isEmpty() ? -1 : ::open(entry.rawPath.constData(), O_RDONLY | O_CLOEXEC);
    if (!entry.rawPath.isEmpty() && fd < 0) {
        *reason = QStringLiteral("cannot be read: %1").arg(QString::fromLocal8Bit(std::strerror(errno)));
        return {};
    }
    const bool opened =
        fd >= 0 ? file.open(fd, QIODevice::ReadOnly, QFileDevice::AutoCloseHandle) : file.open(QIODevice::ReadOnly);
    if (!opened && fd >= 0)
        ::close(fd);
    if (!opened) {
        *reason = QStringLiteral("cannot be read: %1").arg(file.errorString());
        return {};
    }
    if (file.size() > maxBytes) {
        *reason = QStringLiteral("is %1 MB, more than the %2 MB an image may have")
                      .arg(file.size() >> 20)
                      .arg(maxBytes >> 20);
        return {};
    }
    QByteArray bytes = file.readAll(); // regular file, size checked above: one allocation of the file's size
    if (bytes.isEmpty() && file.error() != QFileDevice::NoError)
        *reason = QStringLiteral("cannot be read: %1").arg(file.errorString());
    else if (bytes.isEmpty())
        *reason = QStringLiteral("empty file");
    return bytes;
}

namespace {

/// Splits one CSV line (RFC 4180 quoting, no embedded newlines).
QStringList splitCsvLine(const QString& line, bool* ok)
{
    QStringList fields;
    QString field;
    bool quoted = false;
    *ok = true;
    for (qsizetype i = 0; i < line.size(); ++i) {
        const QChar c = line[i];
        if (quoted) {
            if (c == QLatin1Char('"') && i + 1 < line.size() && line[i + 1] == QLatin1Char('"')) {
                field += c;
                ++i;
            } else if (c == QLatin1Char('"')) {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == QLatin1Char('"') && field.isEmpty()) {
            quoted = true;
        } else if (c == QLatin1Char(',')) {
            fields.append(field);
            field.clear();
        } else {
            field += c;
        }
    }
    if (quoted)
        *ok = false;
    fields.append(field);
    return fields;
}

} // namespace

SourceListing ManifestSource::list(const QString& csvPath)
{
    QFile file(csvPath);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        throwSourceError(csvPath, QStringLiteral("cannot be read: %1").arg(file.errorString()));
    if (file.size() > (qint64(256) << 20))
        throwSourceError(csvPath,
                         QStringLiteral("is larger than 256 MB; a manifest lists files, it does not hold them"));
    const QDir base = QFileInfo(csvPath).absoluteDir();
    SourceListing listing;
    listing.source = QFileInfo(csvPath).absoluteFilePath();
    QCryptographicHash signature(QCryptographicHash::Sha256);
    signature.addData("manifest");

    struct Row {
        QString path;
        QString label;
    };
    QList<Row> rows;
    int pathColumn = 0, labelColumn = 1;
    int lineNumber = 0;
    while (!file.atEnd()) {
        const QString line = QString::fromUtf8(file.readLine()).trimmed();
        ++lineNumber;
        if (line.isEmpty() || line.startsWith(QLatin1Char('#')))
            continue;
        bool ok = true;
        const QStringList fields = splitCsvLine(line, &ok);
        if (lineNumber == 1 && fields.contains(QLatin1String("path"), Qt::CaseInsensitive)) {
            for (int i = 0; i < fields.size(); ++i) {
                if (fields[i].trimmed().compare(QLatin1String("path"), Qt::CaseInsensitive) == 0)
                    pathColumn = i;
                else if (fields[i].trimmed().compare(QLatin1String("label"), Qt::CaseInsensitive) == 0)
                    labelColumn = i;
            }
            continue;
        }
        const QString where = QStringLiteral("%1 line %2").arg(QDir::toNativeSeparators(csvPath)).arg(lineNumber);
        if (!ok || fields.size() <= std::max(pathColumn, labelColumn)) {
            listing.skipped.append(
                {where, ok ? QStringLiteral("expected path,label") : QStringLiteral("unclosed quote")});
            continue;
        }
        const QString path = fields[pathColumn].trimmed();
        const QString label = fields[labelColumn].trimmed();
        if (path.isEmpty() || label.isEmpty()) {
            listing.skipped.append({where, QStringLiteral("empty path or label")});
            continue;
        }
        rows.append({QDir::cleanPath(base.absoluteFilePath(path)), label});
    }
    QStringList labels;
    for (const Row& row : rows)
        labels.append(row.label);
    labels.removeDuplicates();
    labels.sort();
    listing.classNames = labels;
    for (const Row& row : rows) {
        const QFileInfo info(row.path);
        sign(signature, info);
        signature.addData(row.label.toUtf8());
        SourceEntry entry;
        entry.file = row.path;
        entry.location = row.path;
        entry.label = int(labels.indexOf(row.label));
        entry.size = info.size();
        listing.entries.append(entry);
    }
    if (listing.entries.isEmpty())
        throwSourceError(csvPath, QStringLiteral("lists no images (expected rows of path,label)"));
    listing.signature = signature.result();
    return listing;
}

} // namespace prunelab::datasets
