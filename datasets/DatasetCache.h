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
/// The folder's entries are kept within a size limit, least recently used first out: an entry's modification time
/// is its last use (set when it is written, refreshed when it is loaded).
class DatasetCache {
public:
    /// 4 GiB: a few large datasets at 128×128, and a small share of a workstation's disk.
    static constexpr qint64 kDefaultLimitBytes = qint64(4) << 30;

    /// `directory` empty: no cache. `limitBytes`: what the folder's .plcache files may take together; 0 or less:
    /// nothing is written (entries already there are still read).
    explicit DatasetCache(QString directory, qint64 limitBytes = kDefaultLimitBytes);
    /// `~/.cache/PruneLab/datasets` (Qt's GenericCacheLocation + "/PruneLab/datasets", shared by the GUI and the CLI).
    static QString defaultDirectory();

    const QString& directory() const { return directory_; }
    qint64 limitBytes() const { return limitBytes_; }
    QString pathFor(const QByteArray& key) const;
    /// True when a valid entry was read into `set` and `summary`; marks the entry as used now.
    bool load(const QByteArray& key, ImageSet* set, DatasetSummary* summary) const;
    /// Best effort: returns an empty string, or why the entry was not written (the load still succeeds): it could
    /// not be, or it alone is larger than the limit. After a write, removes the least recently used other entries
    /// until the folder fits the limit.
    QString store(const QByteArray& key, const ImageSet& set, const DatasetSummary& summary) const;

    /// Bytes the folder's .plcache files take.
    qint64 usageBytes() const;
    /// Removes the least recently used .plcache files, never `keep` (a path), until the rest fit `limitBytes`;
    /// returns the bytes freed.
    qint64 trim(qint64 limitBytes, const QString& keep = {}) const;
    /// Removes every .plcache file in the folder and nothing else; returns the bytes freed.
    qint64 clear() const;

private:
    QString directory_;
    qint64 limitBytes_;
};

} // namespace prunelab::datasets
