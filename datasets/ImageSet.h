#pragma once

#include <QList>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <vector>

namespace prunelab::datasets {

/// A decoded image dataset as the rest of PruneLab sees it: one contiguous uint8 buffer N×C×H×W
/// (the workbench wraps it for LibTorch without a copy), one label per image, the class names, and the
/// file every image came from. Plain data: safe to copy between threads.
struct ImageSet {
    int channels = 1;
    int height = 0;
    int width = 0;
    std::vector<uint8_t> pixels;
    std::vector<int64_t> labels;
    QStringList classNames;
    QStringList files;
    /// Which images belong together (the slices of one MRI volume): a split never separates a group. Empty when
    /// every image stands alone.
    std::vector<qint64> groups;
    QString sourceDescription; ///< what a person reads: "Procedural MRI-like demo, seed 42"

    qsizetype count() const { return static_cast<qsizetype>(labels.size()); }
    bool isEmpty() const { return labels.empty(); }
    qsizetype imageSize() const { return static_cast<qsizetype>(channels) * height * width; }
    const uint8_t* image(qsizetype index) const { return pixels.data() + index * imageSize(); }
    /// Images per class, indexed like classNames.
    QList<qsizetype> classCounts() const;
    /// Indices of `perClass` images of each class spread evenly over the class (the first, then every n/perClass-th:
    /// a volume's slices from bottom to top, a folder's files from first to last), class by class (sample grids).
    QList<qsizetype> samplesPerClass(int perClass) const;
    /// A copy holding only the first `perClass` images of each class, in order (recipe's limit_per_class).
    ImageSet firstPerClass(int perClass) const;
};

} // namespace prunelab::datasets
