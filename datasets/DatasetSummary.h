#pragma once

#include "datasets/ImageSet.h"
#include "datasets/SourceListing.h"

#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>

namespace prunelab::datasets {

struct DatasetSplit;

/// What is in a dataset, told truthfully (the seed notebook's DataFrame overview, done properly): images per class,
/// the sizes and channel counts found before resizing, exact duplicates (same content hash) with their files, empty
/// classes, and every file that was skipped with its reason.
struct DatasetSummary {
    QString source;
    QStringList classNames;
    QList<qsizetype> classCounts;
    qsizetype total = 0;
    QMap<QString, qsizetype> sizes;          ///< "W×H" as found → images
    QMap<int, qsizetype> channels;           ///< channels as found (1 gray, 3 RGB, 4 RGBA, …) → images
    QList<QList<qsizetype>> duplicateGroups; ///< sample indices with identical content, two or more per group
    QList<SkippedFile> skipped;
    qint64 volumes = 0; ///< NIfTI sources: the volumes the slices came from (the split keeps each one together)
    /// Neighbouring images (in file order, same class) that are nearly identical but not exact copies: the sign of
    /// slices of one volume stored as separate files, which a random split spreads over training and test.
    qsizetype nearIdenticalNeighbours = 0;
    int storedWidth = 0; ///< after preprocessing
    int storedHeight = 0;
    int storedChannels = 0;

    QStringList emptyClasses() const;
    qsizetype duplicateImages() const; ///< images that are a copy of an earlier one
    /// Duplicate groups whose images sit in more than one part of `split` (train/validation/test leakage).
    qsizetype straddlingGroups(const DatasetSplit& split) const;

    /// The JSON of `prunelab-cli dataset summarize --json` (see README): `source`, `classes` [{name, count}], `total`,
    /// `skipped` [{file, reason}], `duplicates` [{files}], `sizes`, `channels`, `empty_classes`, `stored`.
    QJsonObject toJson(const QStringList& files) const;
    static DatasetSummary
    fromJson(const QJsonObject& json); ///< for the cache; duplicate groups come from `duplicate_indices`
    QJsonObject toCacheJson() const;
    /// A few lines a person reads.
    QString toText(const QStringList& files, int maxListed = 10) const;

    /// Counts, duplicate groups (from one content hash per image, in sample order) and stored shape for `set`.
    static DatasetSummary describe(const ImageSet& set, const QList<QByteArray>& contentHashes);
    /// One hash per image of its decoded pixels (for sources without files: IDX, the demo).
    static QList<QByteArray> pixelHashes(const ImageSet& set);
};

} // namespace prunelab::datasets
