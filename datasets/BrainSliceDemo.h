#pragma once

#include "datasets/DemoMriGenerator.h"
#include "datasets/ImageSet.h"

#include <QString>

#include <atomic>
#include <functional>
#include <memory>

namespace prunelab::datasets {

/// The demo dataset built from real anatomy: axial slices of the Colin27 single-subject T1 MRI (Debian's
/// mricron-data, BSD-3; 181×217×181 voxels of 1 mm) in the four classes of the Kaggle Alzheimer MRI set.
///
/// Per sample: a slice from the band that crosses the lateral ventricles; simulated atrophy whose severity grows from
/// NonDemented (0) to ModerateDemented (1), with a per-sample spread so neighbouring classes overlap —
///   * ventricle enlargement: a smooth radial warp around the ventricles' centre, strength ∝ severity;
///   * sulcal widening: CSF grows into the cortical ribbon (a grey-level erosion of the outer brain, ∝ severity);
///   * overall brain shrinkage: the brain (not the skull) contracts by up to 4 %;
/// then pose (rotation, scale, shift), gain, a smooth bias field and Rician-like noise. Deterministic: image i depends
/// only on (seed, i). The brain mask comes from the skull-stripped copy (ch2bet) beside the T1.
class BrainSliceDemo {
public:
    /// The axial slices (z, inclusive) of Colin27 the samples come from: the band that crosses the bodies of the
    /// lateral ventricles (MNI grid, voxel z = mm + 72).
    static constexpr int kFirstSlice = 83;
    static constexpr int kLastSlice = 100;

    static QString defaultVolumePath(); ///< /usr/share/mricron/templates/ch2.nii.gz
    static bool available(const QString& t1Path = defaultVolumePath());

    /// Reads the T1 and its brain mask; throws std::runtime_error naming the file when either cannot be read.
    explicit BrainSliceDemo(const QString& t1Path = defaultVolumePath());
    ~BrainSliceDemo();

    /// One slice at `severity` (0 healthy … 1 severe), size×size uint8. `band` in [0, 1] picks the slice within the
    /// ventricle band; `pose` false leaves out pose, gain, bias and noise (for measuring the atrophy alone).
    std::vector<uint8_t> render(double severity, double band, quint64 sampleSeed, int size, bool pose = true) const;

    /// The dataset: classes and counts of DemoOptions, generated in parallel with progress and cancellation.
    ImageSet generate(const DemoOptions& options, const std::function<bool(int, int)>& progress = {},
                      const std::atomic<bool>* cancel = nullptr) const;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace prunelab::datasets
