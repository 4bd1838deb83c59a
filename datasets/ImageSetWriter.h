#pragma once

#include "datasets/ImageSet.h"

#include <QByteArray>
#include <QString>

#include <functional>

namespace prunelab::datasets {

/// A class name made safe as one folder name: path separators, drive colons, wildcard and control characters
/// become '_', so a hostile label (a CSV manifest's "../../etc") cannot make a
/// writer leave its target folder; a leading '.' (hidden, or "..") gets the prefix "class_". "T-shirt/top" becomes
/// "T-shirt_top".
QString safeFolderName(const QString& className);

/// Image `index` of `set` encoded as PNG (gray or RGB).
QByteArray encodePng(const ImageSet& set, qsizetype index);

/// Writes an ImageSet as a folder of class folders of PNG files (`<dir>/<class>/<n>.png`), the layout a folder
/// source reads back. Every file is written atomically. Throws std::runtime_error naming the file that could not be
/// written. `progress(done, total)` returning false stops early.
void writeClassFolders(const ImageSet& set, const QString& directory,
                       const std::function<bool(qint64, qint64)>& progress = {});

/// The same layout inside a .zip (through QuaZip), written to a temporary file and renamed when complete.
void writeClassZip(const ImageSet& set, const QString& zipPath,
                   const std::function<bool(qint64, qint64)>& progress = {});

} // namespace prunelab::datasets
