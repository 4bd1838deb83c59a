#include "datasets/ZipSource.h"

#include "datasets/SourceError.h"

#include <quazip/quazip.h>
#include <quazip/quazipfile.h>
#include <quazip/quazipfileinfo.h>

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QMap>
#include <QSet>

#include <stdexcept>

namespace prunelab::datasets {

namespace {

bool hiddenComponent(const QString& part)
{
    return part.startsWith(QLatin1Char('.')) || part == QLatin1String("__MACOSX") ||
           part.compare(QLatin1String("Thumbs.db"), Qt::CaseInsensitive) == 0;
}

} // namespace

bool ZipSource::isSafeEntryName(const QString& name, QString* reason)
{
    if (name.isEmpty()) {
        *reason = QStringLiteral("empty entry name");
        return false;
    }
    for (const QChar c : name) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f) {
            *reason = QStringLiteral("control character in the entry name");
            return false;
        }
    }
    if (name.contains(QLatin1Char('\\'))) {
        *reason = QStringLiteral("backslash in the entry name");
        return false;
    }
    if (name.startsWith(QLatin1Char('/')) || (name.size() >= 2 && name[1] == QLatin1Char(':'))) {
        *reason = QStringLiteral("absolute path");
        return false;
    }
    const QStringList parts = name.split(QLatin1Char('/'));
    for (const QString& part : parts) {
        if (part == QLatin1String("..")) {
            *reason = QStringLiteral("'..' in the path");
            return false;
        }
    }
    return true;
}

SourceListing ZipSource::list(const QString& zipPath, const ZipLimits& limits)
{
    if (!QFileInfo(zipPath).isFile())
        throwSourceError(zipPath, QStringLiteral("does not exist"));
    QuaZip zip(zipPath);
    if (!zip.open(QuaZip::mdUnzip))
        throwSourceError(zipPath,
                         QStringLiteral("is not a readable zip archive (QuaZip error %1)").arg(zip.getZipError()));
    if (zip.getEntriesCount() > limits.maxEntries)
        throwSourceError(zipPath, QStringLiteral("holds %1 entries, more than the limit of %2")
                                      .arg(zip.getEntriesCount())
                                      .arg(limits.maxEntries));

    const QString display = QFileInfo(zipPath).fileName();
    SourceListing listing;
    listing.source = QFileInfo(zipPath).absoluteFilePath();
    QCryptographicHash signature(QCryptographicHash::Sha256);
    signature.addData("zip");
    signature.addData(QFile::encodeName(listing.source));

    struct Candidate {
        QStringList parts;
        SourceEntry entry;
    };
    QList<Candidate> candidates;
    QSet<QString> names; // an archive may hold one name twice: which one a person sees depends on the tool
    qint64 total = 0;
    int index = 0;
    for (bool more = zip.goToFirstFile(); more; more = zip.goToNextFile(), ++index) {
        QuaZipFileInfo64 info;
        if (!zip.getCurrentFileInfo(&info))
            throwSourceError(zipPath, QStringLiteral("entry %1 has an unreadable header").arg(index));
        const QString shown = display + QLatin1Char(':') + info.name;
        if (info.name.endsWith(QLatin1Char('/')))
            continue; // a folder
        QString reason;
        if (!isSafeEntryName(info.name, &reason)) {
            listing.skipped.append({shown, QStringLiteral("unsafe entry name (%1); not read").arg(reason)});
            continue;
        }
        QStringList parts = info.name.split(QLatin1Char('/'), Qt::SkipEmptyParts);
        parts.removeAll(QStringLiteral("."));
        if (parts.isEmpty() || std::any_of(parts.begin(), parts.end(), hiddenComponent))
            continue;
        if (info.isSymbolicLink()) {
            listing.skipped.append({shown, QStringLiteral("symbolic link entry; not followed")});
            continue;
        }
        if (info.isEncrypted()) {
            listing.skipped.append({shown, QStringLiteral("encrypted entry")});
            continue;
        }
        if (names.contains(info.name)) {
            listing.skipped.append(
                {shown, QStringLiteral("duplicate entry name (an earlier entry has the same name); not read")});
            continue;
        }
        names.insert(info.name);
        const qint64 size = qint64(info.uncompressedSize);
        if (size > limits.maxEntryBytes) {
            listing.skipped.append({shown, QStringLiteral("declares %1 MB uncompressed, more than the %2 MB limit")
                                               .arg(size >> 20)
                                               .arg(limits.maxEntryBytes >> 20)});
            continue;
        }
        if (size > (1 << 20) && double(size) > limits.maxRatio * double(std::max<quint64>(1, info.compressedSize))) {
            listing.skipped.append(
                {shown, QStringLiteral("compresses %1:1, beyond the %2:1 limit (a zip bomb?)")
                            .arg(double(size) / double(std::max<quint64>(1, info.compressedSize)), 0, 'f', 0)
                            .arg(limits.maxRatio)});
            continue;
        }
        total += size;
        if (total > limits.maxTotalBytes)
            throwSourceError(
                zipPath, QStringLiteral("uncompresses to more than %1 GB; refused").arg(limits.maxTotalBytes >> 30));
        signature.addData(info.name.toUtf8());
        signature.addData(QByteArray::number(info.crc));
        signature.addData(QByteArray::number(size));
        Candidate candidate;
        candidate.parts = parts;
        candidate.entry.file = shown;
        candidate.entry.location = info.name;
        candidate.entry.size = size;
        candidate.entry.archiveIndex = index;
        candidates.append(candidate);
    }
    if (zip.getZipError() != UNZ_OK)
        throwSourceError(zipPath,
                         QStringLiteral("the archive's directory is corrupt (QuaZip error %1)").arg(zip.getZipError()));

    // Strip a wrapper folder shared by every entry ("Alzheimer_MRI/<class>/…").
    while (!candidates.isEmpty()) {
        const QString first = candidates.first().parts.first();
        const bool shared = std::all_of(candidates.begin(), candidates.end(), [&](const Candidate& c) {
            return c.parts.size() >= 3 && c.parts.first() == first;
        });
        if (!shared)
            break;
        for (Candidate& c : candidates)
            c.parts.removeFirst();
    }
    QMap<QString, int> classes;
    for (const Candidate& c : candidates) {
        if (c.parts.size() >= 2)
            classes.insert(c.parts.first(), 0);
    }
    listing.classNames = classes.keys(); // QMap: sorted
    for (int i = 0; i < listing.classNames.size(); ++i)
        classes[listing.classNames[i]] = i;
    // Entries sorted by class then name, so labels and order do not depend on how the archive was written.
    std::stable_sort(candidates.begin(), candidates.end(),
                     [](const Candidate& a, const Candidate& b) { return a.entry.location < b.entry.location; });
    for (Candidate& c : candidates) {
        if (c.parts.size() < 2) {
            listing.skipped.append({c.entry.file, QStringLiteral("not inside a class folder")});
            continue;
        }
        c.entry.label = classes.value(c.parts.first());
        listing.entries.append(c.entry);
    }
    if (listing.classNames.isEmpty())
        throwSourceError(zipPath, QStringLiteral("has no class folders (expected one folder of images per class)"));
    listing.signature = signature.result();
    return listing;
}

struct ZipSource::Reader::Private {
    QuaZip zip;
    int current = -1; ///< central-directory index of the current entry, -1 before the first
    bool open = false;
};

ZipSource::Reader::Reader(const QString& zipPath) : d(std::make_unique<Private>())
{
    d->zip.setZipName(zipPath);
    d->open = d->zip.open(QuaZip::mdUnzip);
}

ZipSource::Reader::~Reader() = default;

QByteArray ZipSource::Reader::read(const SourceEntry& entry, qint64 maxBytes, QString* reason)
{
    if (!d->open) {
        *reason = QStringLiteral("the archive cannot be opened");
        return {};
    }
    if (entry.archiveIndex < d->current || d->current < 0) {
        if (!d->zip.goToFirstFile()) {
            *reason = QStringLiteral("the archive's directory cannot be read");
            return {};
        }
        d->current = 0;
    }
    while (d->current < entry.archiveIndex) {
        if (!d->zip.goToNextFile()) {
            *reason = QStringLiteral("the archive's directory ends early");
            d->current = -1;
            return {};
        }
        ++d->current;
    }
    if (d->zip.getCurrentFileName() != entry.location) {
        *reason = QStringLiteral("the archive changed while it was read");
        return {};
    }
    QuaZipFile file(&d->zip);
    if (!file.open(QIODevice::ReadOnly)) {
        *reason = QStringLiteral("cannot be read (QuaZip error %1)").arg(file.getZipError());
        return {};
    }
    const qint64 limit = std::min(maxBytes, entry.size);
    QByteArray bytes = file.read(limit + 1); // never more than the header declared, plus one byte to notice a lie
    const bool error = file.getZipError() != UNZ_OK;
    file.close();
    if (bytes.size() > limit) {
        *reason = QStringLiteral("holds more data than its header declares; not read");
        return {};
    }
    if (error || file.getZipError() != UNZ_OK) { // close() checks the CRC
        *reason = QStringLiteral("is corrupt (CRC or inflate error %1)").arg(file.getZipError());
        return {};
    }
    if (bytes.isEmpty())
        *reason = QStringLiteral("empty file");
    return bytes;
}

} // namespace prunelab::datasets
