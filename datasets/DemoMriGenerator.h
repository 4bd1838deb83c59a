#pragma once

#include "datasets/ImageSet.h"

#include <QList>

#include <atomic>
#include <functional>

namespace prunelab::datasets {

struct DemoOptions {
    /// Images per class, in classNames() order. The default keeps the Kaggle Augmented Alzheimer MRI set's
    /// imbalance (8960 : 6464 : 9600 : 8960) at 1/32 of its size.
    QList<int> perClass{280, 202, 300, 280};
    int size = 128;    ///< square images, pixels
    quint64 seed = 42; ///< same seed, same images
};

/// Procedurally generated brain-MRI-like axial T1 slices in the four classes of the Kaggle Augmented Alzheimer MRI
/// dataset. Each image is a head (scalp, skull, CSF rim, grey and white matter, sulci, interhemispheric fissure,
/// lateral ventricles) under random pose, size, bias field and noise. A class sets the mean severity of simulated
/// atrophy — larger ventricles, wider sulci, a thinner cortex — with enough spread that adjacent classes overlap.
/// Deterministic: image i depends only on (seed, i), whatever the thread count.
class DemoMriGenerator {
public:
    /// Kaggle class folder names in alphabetical order, as a folder source would list them.
    static QStringList classNames();
    /// Mean atrophy severity of a class in [0, 1]: NonDemented 0, VeryMild 1/3, Mild 2/3, Moderate 1.
    static double classSeverity(int classIndex);

    /// Generates the set in parallel. `progress(done, total)` is called between chunks from the calling thread;
    /// returning false cancels and the result is empty. `cancel`, when given, is polled too.
    ImageSet generate(const DemoOptions& options, const std::function<bool(int, int)>& progress = {},
                      const std::atomic<bool>* cancel = nullptr) const;

    /// The labels, file names and zeroed pixels of a demo set of `options` (both demo generators fill it in).
    static ImageSet emptySet(const DemoOptions& options, const QString& description);

    /// One grey-scale slice at `severity` (0 healthy … 1 severe), size×size uint8, row-major.
    static std::vector<uint8_t> renderSlice(double severity, quint64 sampleSeed, int size);
};

} // namespace prunelab::datasets
