#pragma once

#include "datasets/SourceListing.h"

namespace prunelab::datasets {

/// A folder whose sub-folders are the classes (images may sit in nested folders under a class), the layout of the
/// Kaggle Alzheimer MRI set and of `prunelab-cli dataset export`. A folder holding exactly one sub-folder and no files
/// (how archives are often unpacked) is looked into. Classes are sorted by name, like torchvision's ImageFolder.
/// Hidden files and folders (".name", "__MACOSX") are ignored; files directly in the root are listed as skipped.
/// Symbolic links to folders are not followed.
class FolderSource {
public:
    static SourceListing list(const QString& folder);
    /// Reads one listed file, at most `maxBytes`; an empty result with `reason` set when it cannot.
    static QByteArray read(const SourceEntry& entry, qint64 maxBytes, QString* reason);
};

/// A CSV manifest of `path,label` rows (a header row naming `path` and `label` is optional; quotes allowed; paths
/// relative to the manifest's folder). Classes are the distinct labels, sorted. Rows that do not parse are skipped
/// with their line number.
class ManifestSource {
public:
    static SourceListing list(const QString& csvPath);
};

} // namespace prunelab::datasets
