#pragma once

#include "datasets/DatasetSummary.h"
#include "datasets/ImageSet.h"

#include <QByteArray>
#include <QString>

namespace prunelab::datasets {

/// Decoded pixels on disk, keyed by the source's listing signature and the preprocessing, so reopening a large
/// folder or archive reads one file instead of decoding every image again. One file per key:
/// a text magic, a JSON header (shape, class names, files, summary), int64 labels, then the uint8 pixels.
/// Written atomically (QSaveFile); a file that does not match what its header says is ignored and rewritten.
class DatasetCache {
public:
    explicit DatasetCache(QString directory);
    /// `<cache location>/datasets` (Qt's CacheLocation for the application).
    static QString defaultDirectory();

    QString pathFor(const QByteArray& key) const;
    /// True when a valid entry was read into `set` and `summary`.
    bool load(const QByteArray& key, ImageSet* set, DatasetSummary* summary) const;
    /// Best effort: returns an empty string, or why the entry could not be written (the load still succeeds).
    QString store(const QByteArray& key, const ImageSet& set, const DatasetSummary& summary) const;

private:
    QString directory_;
};

} // namespace prunelab::datasets
