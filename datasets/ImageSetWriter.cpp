#include "datasets/ImageSetWriter.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <quazip/quazip.h>
#include <quazip/quazipfile.h>
#include <quazip/quazipnewinfo.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace prunelab::datasets {

QString safeFolderName(const QString& className)
{
    QString name;
    for (const QChar c : className) {
        const bool bad = c.unicode() < 0x20 || c.unicode() == 0x7f || QStringLiteral("/\\:*?\"<>|").contains(c);
        name += bad ? QLatin1Char('_') : c;
    }
    name = name.trimmed();
    if (name.isEmpty() || name.startsWith(QLatin1Char('.'))) // "..", or hidden: readers skip hidden folders
        name = QStringLiteral("class_") + name;
    return name;
}

QByteArray encodePng(const ImageSet& set, qsizetype index)
{
    // ImageSet is planar (C×H×W); OpenCV wants interleaved BGR.
    cv::Mat image;
    if (set.channels == 1) {
        image = cv::Mat(set.height, set.width, CV_8UC1, const_cast<uint8_t*>(set.image(index)));
    } else {
        std::vector<cv::Mat> planes;
        for (int c = set.channels - 1; c >= 0; --c)
            planes.emplace_back(set.height, set.width, CV_8UC1,
                                const_cast<uint8_t*>(set.image(index)) + qsizetype(c) * set.height * set.width);
        cv::merge(planes, image);
    }
    std::vector<uchar> png;
    cv::imencode(".png", image, png);
    return QByteArray(reinterpret_cast<const char*>(png.data()), qsizetype(png.size()));
}

namespace {

/// `<class>/<nnnnn>.png` for every image, numbered within its class.
QStringList relativeNames(const ImageSet& set)
{
    QStringList folders;
    for (const QString& name : set.classNames)
        folders.append(safeFolderName(name));
    QList<int> written(set.classNames.size(), 0);
    QStringList names;
    for (qsizetype i = 0; i < set.count(); ++i) {
        const auto label = static_cast<qsizetype>(set.labels[size_t(i)]);
        names.append(
            QStringLiteral("%1/%2.png").arg(folders.value(label)).arg(written[label]++, 5, 10, QLatin1Char('0')));
    }
    return names;
}

} // namespace

void writeClassFolders(const ImageSet& set, const QString& directory,
                       const std::function<bool(qint64, qint64)>& progress)
{
    const QDir root(directory);
    for (const QString& name : set.classNames) {
        if (!root.mkpath(safeFolderName(name)))
            throw std::runtime_error(
                QStringLiteral("cannot create folder %1").arg(root.filePath(safeFolderName(name))).toStdString());
    }
    const QStringList names = relativeNames(set);
    for (qsizetype i = 0; i < set.count(); ++i) {
        if (progress && !progress(i, set.count()))
            return;
        const QByteArray png = encodePng(set, i);
        const QString path = root.filePath(names[i]);
        QSaveFile file(path);
        if (!file.open(QIODevice::WriteOnly) || file.write(png) != png.size() || !file.commit())
            throw std::runtime_error(QStringLiteral("cannot write %1: %2").arg(path, file.errorString()).toStdString());
    }
}

void writeClassZip(const ImageSet& set, const QString& zipPath, const std::function<bool(qint64, qint64)>& progress)
{
    // QuaZip commits a QSaveFile when it closes, even after an error, so the archive is built as "<name>.part" and
    // renamed over the target only when complete (rename(2) replaces atomically).
    const QString partial = zipPath + QStringLiteral(".part");
    const QStringList names = relativeNames(set);
    const auto failed = [&](const QString& message) {
        QFile::remove(partial);
        return std::runtime_error(message.toStdString());
    };
    bool stopped = false;
    {
        QuaZip zip(partial);
        if (!zip.open(QuaZip::mdCreate))
            throw failed(
                QStringLiteral("cannot create the archive %1 (QuaZip error %2)").arg(zipPath).arg(zip.getZipError()));
        for (qsizetype i = 0; i < set.count() && !stopped; ++i) {
            if (progress && !progress(i, set.count())) {
                stopped = true;
                break;
            }
            QuaZipFile file(&zip);
            // PNG is already compressed: store it.
            if (!file.open(QIODevice::WriteOnly, QuaZipNewInfo(names[i]), nullptr, 0, 0) ||
                file.write(encodePng(set, i)) < 0)
                throw failed(QStringLiteral("cannot add %1 to %2 (QuaZip error %3)")
                                 .arg(names[i], zipPath)
                                 .arg(file.getZipError()));
            file.close();
            if (file.getZipError() != 0)
                throw failed(QStringLiteral("cannot add %1 to %2 (QuaZip error %3)")
                                 .arg(names[i], zipPath)
                                 .arg(file.getZipError()));
        }
        zip.close();
        if (zip.getZipError() != 0)
            throw failed(
                QStringLiteral("cannot finish the archive %1 (QuaZip error %2)").arg(zipPath).arg(zip.getZipError()));
    }
    if (stopped) {
        QFile::remove(partial);
        return;
    }
    if (std::rename(QFile::encodeName(partial).constData(), QFile::encodeName(zipPath).constData()) != 0)
        throw failed(QStringLiteral("cannot move the finished archive to %1: %2")
                         .arg(zipPath, QString::fromLocal8Bit(std::strerror(errno))));
}

} // namespace prunelab::datasets
