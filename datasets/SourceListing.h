#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace prunelab::datasets {

/// A file that was not loaded, and why: what a person reads in the summary's skipped list.
struct SkippedFile {
    QString file;
    QString reason;
};

/// One image still to be read: where it is, which class it belongs to, how big the source says it is.
struct SourceEntry {
    QString file;     ///< what a person reads: a path, or "archive.zip:class/name.png"
    QString location; ///< where the bytes are: a file path, or the entry name inside the archive
    int label = -1;
    qint64 size = 0;       ///< bytes on disk / uncompressed bytes declared by the archive
    int archiveIndex = -1; ///< position in the archive's central directory (archives only)
    /// A file whose path is not UTF-8 (Qt cannot spell it): its bytes, which open it; `file` and `location` show it
    /// with \xHH escapes. Empty for every other file.
    QByteArray rawPath;
};

/// What a source holds before anything is decoded: the classes, the images with their labels, the files already
/// refused (unsafe names, not in a class folder, too large, …) and a signature of the listing (paths, sizes, dates
/// or checksums) that keys the decoded-pixel cache.
struct SourceListing {
    QString source;
    QStringList classNames;
    QList<SourceEntry> entries;
    QList<SkippedFile> skipped;
    QByteArray signature;
};

} // namespace prunelab::datasets
