#pragma once

#include <QString>

#include <opencv2/core.hpp>

#include <vector>

namespace prunelab::datasets {

/// One 3-D scalar volume from a NIfTI-1 or NIfTI-2 file (.nii or .nii.gz), read with Debian's nifti2 library, as
/// float voxels with the header's scaling (scl_slope, scl_inter) applied. x varies fastest.
struct NiftiVolume {
    int nx = 0, ny = 0, nz = 0;
    std::vector<float> voxels;

    /// Reads the header first and refuses, naming the file, volumes that are not 3-D scalar data (a 4-D series keeps
    /// its first volume), whose voxel count is over `maxVoxels`, or whose data type is complex or RGB.
    static NiftiVolume read(const QString& path, qint64 maxVoxels = qint64(1024) * 1024 * 1024);

    int size(int axis) const { return axis == 0 ? nx : axis == 1 ? ny : nz; }
    float at(int x, int y, int z) const
    {
        return voxels[(size_t(z) * size_t(ny) + size_t(y)) * size_t(nx) + size_t(x)];
    }

    /// Slice `index` across `axis` (0 sagittal, 1 coronal, 2 axial for RAS-ordered volumes) as CV_32F, oriented for
    /// viewing: axial slices with anterior up, sagittal and coronal with superior up.
    cv::Mat slice(int axis, int index) const;

    /// The p-th percentile (0–100) of the non-zero voxels (the background of a brain scan is zero and would
    /// otherwise set the window).
    float percentile(double p) const;
};

} // namespace prunelab::datasets
