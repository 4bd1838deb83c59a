#pragma once

#include <QString>

#include <cstdint>
#include <memory>
#include <vector>

namespace prunelab::datasets {

/// An 8-bit grey image, row-major: what a viewer needs of a slice (no OpenCV in the interface, so the GUI can use it).
struct GreyImage {
    int width = 0;
    int height = 0;
    std::vector<uint8_t> pixels;
};

/// A NIfTI volume held for browsing slice by slice (the dataset page's volume preview). Reading and the window (the
/// percentiles of the non-zero voxels) happen in the constructor, on a worker thread; a slice is then cheap. Slices
/// are oriented and windowed exactly as DatasetLoader orients and windows the samples it makes from the volume.
class VolumePreview {
public:
    /// Throws std::runtime_error naming the file when it is not a readable 3-D NIfTI volume.
    explicit VolumePreview(const QString& path, double lowPercentile = 1.0, double highPercentile = 99.0);
    ~VolumePreview();
    VolumePreview(const VolumePreview&) = delete;
    VolumePreview& operator=(const VolumePreview&) = delete;

    const QString& path() const;
    /// Slices across `axis` (0 sagittal, 1 coronal, 2 axial).
    int slices(int axis) const;
    /// Slice `index` across `axis` mapped to 0–255 by the window; throws std::out_of_range outside the volume.
    GreyImage slice(int axis, int index) const;
    float windowLow() const;
    float windowHigh() const;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace prunelab::datasets
