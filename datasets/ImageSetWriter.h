#pragma once

#include "datasets/ImageSet.h"

#include <QString>

namespace prunelab::datasets {

/// Writes an ImageSet as a folder of class folders of PNG files (`<dir>/<class>/<n>.png`), the layout a folder
/// source reads back. Throws std::runtime_error naming the file that could not be written.
void writeClassFolders(const ImageSet& set, const QString& directory);

} // namespace prunelab::datasets
