#include "datasets/DatasetCache.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>
#include <QStandardPaths>

#include <algorithm>
#include <cstring>

namespace prunelab::datasets {

namespace {
constexpr char kMagic[] = "PRUNELAB-DATASET-CACHE 1\n";

/// The folder's cache entries (plain files named *.plcache, never links), least recently used first.
QFileInfoList entries(const QString& directory)
{
    if (directory.isEmpty())
        return {};
    QFileInfoList found = QDir(directory).entryInfoList({QStringLiteral("*.plcache")},
                                                        QDir::Files | QDir::NoSymLinks | QDir::Hidden, QDir::Name);
    std::stable_sort(found.begin(), found.end(),
                     [](const QFileInfo& a, const QFileInfo& b) { return a.lastModified() < b.lastModified(); });
    return found;
}

/// Every image of a 3-channel set has three equal planes: gray images stored as RGB (a folder of gray scans loaded
/// with `color: rgb`, like the MRI threshold sweep's). Such a set is cached one plane per image, a third of the
/// bytes to write and to read back, and its planes are repeated on load.
bool grayAsRgb(const ImageSet& set)
{
    if (set.channels != 3 || set.count() == 0)
        return false;
    const size_t plane = size_t(set.width) * size_t(set.height);
    for (qsizetype i = 0; i < set.count(); ++i) {
        const uint8_t* image = set.image(i);
        if (std::memcmp(image, image + plane, plane) != 0 || std::memcmp(image + plane, image + 2 * plane, plane) != 0)
            return false;
    }
    return true;
}

QString mebibytes(qint64 bytes)
{
    return QStringLiteral("%1 MiB").arg(double(bytes) / double(1 << 20), 0, 'f', 1);
}
} // namespace

DatasetCache::DatasetCache(QString directory, qint64 limitBytes)
    : directory_(std::move(directory)), limitBytes_(limitBytes)
{}

QString DatasetCache::defaultDirectory()
{
    // Generic, not CacheLocation: the GUI (which sets an organisation name) and the CLI share one cache.
    return QStandardPaths::writableLocation(QStandardPaths::GenericCacheLocation) +
           QStringLiteral("/PruneLab/datasets");
}

QString DatasetCache::pathFor(const QByteArray& key) const
{
    return QDir(directory_).filePath(QString::fromLatin1(key.toHex().left(40)) + QStringLiteral(".plcache"));
}

bool DatasetCache::load(const QByteArray& key, ImageSet* set, DatasetSummary* summary) const
{
    if (directory_.isEmpty())
        return false;
    QFile file(pathFor(key));
    if (!file.open(QIODevice::ReadOnly))
        return false;
    if (file.read(sizeof(kMagic) - 1) != QByteArray(kMagic))
        return false;
    quint64 headerSize = 0;
    if (file.read(reinterpret_cast<char*>(&headerSize), sizeof headerSize) != sizeof headerSize ||
        headerSize > (quint64(1) << 30))
        return false;
    const QJsonObject header = QJsonDocument::fromJson(file.read(qint64(headerSize))).object();
    if (header.value(QStringLiteral("key")).toString() != QString::fromLatin1(key.toHex()))
        return false;
    ImageSet out;
    out.channels = header.value(QStringLiteral("channels")).toInt();
    out.height = header.value(QStringLiteral("height")).toInt();
    out.width = header.value(QStringLiteral("width")).toInt();
    const auto count = qint64(header.value(QStringLiteral("count")).toDouble(-1));
    for (const QJsonValue& v : header.value(QStringLiteral("classes")).toArray())
        out.classNames.append(v.toString());
    for (const QJsonValue& v : header.value(QStringLiteral("files")).toArray())
        out.files.append(v.toString());
    out.sourceDescription = header.value(QStringLiteral("description")).toString();
    if (count < 0 || out.channels < 1 || out.channels > 4 || out.width < 1 || out.height < 1 ||
        out.files.size() != count)
        return false;
    // Planes stored per image: all of them, or one for a gray set stored as RGB (entries before this: all).
    const int storedPlanes = header.value(QStringLiteral("planes_stored")).toInt(out.channels);
    if (storedPlanes != out.channels && !(storedPlanes == 1 && out.channels == 3))
        return false;
    const qint64 plane = qint64(out.width) * out.height;
    const qint64 storedBytes = count * plane * storedPlanes;
    if (file.size() - file.pos() != count * qint64(sizeof(int64_t)) + storedBytes)
        return false;
    out.labels.resize(size_t(count));
    out.pixels.resize(size_t(count * out.imageSize()));
    if (file.read(reinterpret_cast<char*>(out.labels.data()), count * qint64(sizeof(int64_t))) !=
            count * qint64(sizeof(int64_t)) ||
        file.read(reinterpret_cast<char*>(out.pixels.data()), storedBytes) != storedBytes)
        return false;
    if (storedPlanes == 1 && out.channels == 3) {
        // Image i's plane is at i·plane; it goes to 3i·plane, three times. From the last image down, no plane is
        // overwritten before it is copied (3i·plane ≥ i·plane + plane for i ≥ 1; image 0 is already in place).
        uint8_t* pixels = out.pixels.data();
        for (qint64 i = count - 1; i >= 0; --i) {
            const uint8_t* source = pixels + i * plane;
            uint8_t* target = pixels + 3 * i * plane;
            std::memcpy(target + 2 * plane, source, size_t(plane));
            std::memcpy(target + plane, source, size_t(plane));
            if (i > 0)
                std::memcpy(target, source, size_t(plane));
        }
    }
    for (int64_t label : out.labels) {
        if (label < 0 || label >= out.classNames.size())
            return false;
    }
    *summary = DatasetSummary::fromJson(header.value(QStringLiteral("summary")).toObject());
    *set = std::move(out);
    // Used now: the least recently used entries leave first. Best effort (a read-only cache keeps its times).
    file.setFileTime(QDateTime::currentDateTimeUtc(), QFileDevice::FileModificationTime);
    return true;
}

QString DatasetCache::store(const QByteArray& key, const ImageSet& set, const DatasetSummary& summary) const
{
    if (directory_.isEmpty())
        return {};
    if (!QDir().mkpath(directory_))
        return QStringLiteral("%1: cannot create the cache folder").arg(directory_);
    const bool onePlane = grayAsRgb(set);
    const qint64 plane = qint64(set.width) * set.height;
    const qint64 storedBytes = onePlane ? set.count() * plane : qint64(set.pixels.size());
    const QJsonObject header{{"key", QString::fromLatin1(key.toHex())},
                             {"channels", set.channels},
                             {"planes_stored", onePlane ? 1 : set.channels},
                             {"height", set.height},
                             {"width", set.width},
                             {"count", double(set.count())},
                             {"classes", QJsonArray::fromStringList(set.classNames)},
                             {"files", QJsonArray::fromStringList(set.files)},
                             {"description", set.sourceDescription},
                             {"summary", summary.toCacheJson()}};
    const QByteArray json = QJsonDocument(header).toJson(QJsonDocument::Compact);
    const quint64 headerSize = quint64(json.size());
    const qint64 entryBytes = qint64(sizeof(kMagic) - 1 + sizeof headerSize) + json.size() +
                              qint64(set.labels.size() * sizeof(int64_t)) + storedBytes;
    if (limitBytes_ <= 0)
        return QStringLiteral("not cached: the cache's size limit is 0 (switched off)");
    if (entryBytes > limitBytes_)
        return QStringLiteral("not cached: the decoded images take %1, more than the cache's size limit of %2")
            .arg(mebibytes(entryBytes), mebibytes(limitBytes_));
    QSaveFile file(pathFor(key));
    bool ok = file.open(QIODevice::WriteOnly) && file.write(kMagic, sizeof(kMagic) - 1) > 0 &&
              file.write(reinterpret_cast<const char*>(&headerSize), sizeof headerSize) == sizeof headerSize &&
              file.write(json) == json.size() &&
              file.write(reinterpret_cast<const char*>(set.labels.data()),
                         qint64(set.labels.size() * sizeof(int64_t))) == qint64(set.labels.size() * sizeof(int64_t));
    if (onePlane) {
        for (qsizetype i = 0; ok && i < set.count(); ++i)
            ok = file.write(reinterpret_cast<const char*>(set.image(i)), plane) == plane;
    } else {
        ok = ok && file.write(reinterpret_cast<const char*>(set.pixels.data()), storedBytes) == storedBytes;
    }
    if (!ok || !file.commit())
        return QStringLiteral("%1: cannot write the cache: %2")
            .arg(QDir::toNativeSeparators(file.fileName()), file.errorString());
    trim(limitBytes_, pathFor(key));
    return {};
}

qint64 DatasetCache::usageBytes() const
{
    qint64 total = 0;
    for (const QFileInfo& entry : entries(directory_))
        total += entry.size();
    return total;
}

qint64 DatasetCache::trim(qint64 limitBytes, const QString& keep) const
{
    const QFileInfoList found = entries(directory_);
    qint64 total = 0;
    for (const QFileInfo& entry : found)
        total += entry.size();
    const QString kept = keep.isEmpty() ? QString() : QFileInfo(keep).absoluteFilePath();
    qint64 freed = 0;
    for (const QFileInfo& entry : found) {
        if (total <= std::max<qint64>(limitBytes, 0))
            break;
        if (entry.absoluteFilePath() == kept)
            continue;
        const qint64 size = entry.size();
        if (QFile::remove(entry.absoluteFilePath())) { // one in use elsewhere can still be read until it is closed
            total -= size;
            freed += size;
        }
    }
    return freed;
}

qint64 DatasetCache::clear() const
{
    return trim(0);
}

} // namespace prunelab::datasets
