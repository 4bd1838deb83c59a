#pragma once

#include "datasets/SourceListing.h"

#include <memory>

namespace prunelab::datasets {

/// Bounds on what an archive may make PruneLab read (zip bombs, absurd entries).
struct ZipLimits {
    qint64 maxEntryBytes = qint64(64) << 20; ///< one image, uncompressed
    qint64 maxTotalBytes = qint64(16) << 30; ///< the whole archive, uncompressed
    double maxRatio = 200.0;                 ///< uncompressed / compressed for entries over 1 MB
    int maxEntries = 2'000'000;
};

/// A .zip of class folders, read through QuaZip entry by entry into memory — never extracted to disk. Every entry
/// name is checked before use: absolute paths, drive letters, backslashes, ".." components, control characters and
/// symbolic-link entries are skipped and listed; so are encrypted entries and entries over the size and ratio limits.
/// Class folders are the first path component (after a single wrapper folder common to every entry, if any).
class ZipSource {
public:
    static SourceListing list(const QString& zipPath, const ZipLimits& limits = {});
    /// Whether an archive entry name is safe to use as a relative path; `reason` says why not.
    static bool isSafeEntryName(const QString& name, QString* reason);

    /// Reads entries of one archive. Not thread-safe: give every thread its own Reader. Entries are found by their
    /// central-directory position; reading in increasing order walks the directory once.
    class Reader {
    public:
        explicit Reader(const QString& zipPath);
        ~Reader();
        Reader(const Reader&) = delete;
        Reader& operator=(const Reader&) = delete;
        /// The entry's bytes, at most `maxBytes`; empty with `reason` set when it cannot be read or is larger than
        /// its header declared.
        QByteArray read(const SourceEntry& entry, qint64 maxBytes, QString* reason);

    private:
        struct Private;
        std::unique_ptr<Private> d;
    };
};

} // namespace prunelab::datasets
