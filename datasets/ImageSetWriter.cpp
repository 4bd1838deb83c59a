#include "datasets/ImageSetWriter.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <QDir>
#include <QFileInfo>
#include <QSaveFile>

#include <stdexcept>

namespace prunelab::datasets {

void writeClassFolders(const ImageSet& set, const QString& directory)
{
    const QDir root(directory);
    for (const QString& name : set.classNames) {
        if (!root.mkpath(name))
            throw std::runtime_error(QStringLiteral("cannot create folder %1").arg(root.filePath(name)).toStdString());
    }
    QList<int> written(set.classNames.size(), 0);
    const int type = set.channels == 1 ? CV_8UC1 : CV_8UC3;
    for (qsizetype i = 0; i < set.count(); ++i) {
        const auto label = static_cast<qsizetype>(set.labels[size_t(i)]);
        // ImageSet is planar (C×H×W); OpenCV wants interleaved BGR.
        cv::Mat image;
        if (set.channels == 1) {
            image = cv::Mat(set.height, set.width, type, const_cast<uint8_t*>(set.image(i)));
        } else {
            std::vector<cv::Mat> planes;
            for (int c = set.channels - 1; c >= 0; --c)
                planes.emplace_back(set.height, set.width, CV_8UC1,
                                    const_cast<uint8_t*>(set.image(i)) + qsizetype(c) * set.height * set.width);
            cv::merge(planes, image);
        }
        std::vector<uchar> png;
        cv::imencode(".png", image, png);
        const QString path = root.filePath(QStringLiteral("%1/%2.png").arg(set.classNames[label]).arg(written[label]++, 5, 10, QLatin1Char('0')));
        QSaveFile file(path);
        if (!file.open(QIODevice::WriteOnly) || file.write(reinterpret_cast<const char*>(png.data()), qint64(png.size())) != qint64(png.size()) || !file.commit())
            throw std::runtime_error(QStringLiteral("cannot write %1: %2").arg(path, file.errorString()).toStdString());
    }
}

} // namespace prunelab::datasets
