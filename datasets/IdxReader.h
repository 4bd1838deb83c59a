#pragma once

#include "datasets/ImageSet.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace prunelab::datasets {

/// Train and test halves of an IDX dataset (MNIST layout: train-* and t10k-* files).
struct IdxDataset {
    ImageSet train;
    ImageSet test;
};

/// Reads MNIST-style IDX files, plain or gzip-compressed (.gz). Unsigned-byte data only (every MNIST-family set).
/// Every size is checked before anything is allocated: a wrong magic, a dimension that overflows, a length that
/// does not match the header, or labels that do not match the images are refused with std::runtime_error naming
/// the file and the problem.
class IdxReader {
public:
    /// The Fashion-MNIST copy installed by Debian's dataset-fashion-mnist package.
    static QString debianFashionMnistFolder();
    /// Fashion-MNIST's ten class names (T-shirt/top … Ankle boot).
    static QStringList fashionMnistClassNames();

    /// A folder holding train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz] and the t10k-* pair.
    /// Class names: Fashion-MNIST's when the folder name says fashion, else the label numbers.
    static IdxDataset readFolder(const QString& folder);
    /// One images file and its labels file.
    static ImageSet readPair(const QString& imagesPath, const QString& labelsPath, const QStringList& classNames = {});

    /// The same from bytes already read (and decompressed); the paths name the files in messages.
    static ImageSet fromBytes(const QByteArray& images, const QByteArray& labels, const QString& imagesPath,
                              const QString& labelsPath, const QStringList& classNames = {});

    /// `raw` gunzipped when it is gzip (else as it is), at most `maxBytes`, and never beyond the length the IDX
    /// header at its start describes; `path` names the file in messages.
    static QByteArray decompress(const QByteArray& raw, const QString& path, qint64 maxBytes = qint64(4) << 30);

    /// The file's bytes, gunzipped when it is gzip, at most `maxBytes` after decompression.
    static QByteArray readFile(const QString& path, qint64 maxBytes = qint64(4) << 30);
};

} // namespace prunelab::datasets
