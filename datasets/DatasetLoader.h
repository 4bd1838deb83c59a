#pragma once

#include "datasets/DatasetCache.h"
#include "datasets/DatasetSummary.h"
#include "datasets/DemoMriGenerator.h"
#include "datasets/ImageDecoder.h"
#include "datasets/ImageSet.h"
#include "datasets/SourceListing.h"
#include "datasets/ZipSource.h"

#include <QString>

#include <atomic>
#include <functional>
#include <stdexcept>

namespace prunelab::datasets {

/// Thrown when a load is cancelled through its progress callback or cancel flag.
class LoadCancelled : public std::runtime_error {
public:
    LoadCancelled() : std::runtime_error("loading was cancelled") {}
};

/// How NIfTI volumes become 2-D samples: which axis to slice across, which slices, and the intensity window.
struct NiftiOptions {
    int axis = 2;                ///< 0 sagittal, 1 coronal, 2 axial
    int middleSlices = 0;        ///< > 0: only the middle N slices of each volume
    int firstSlice = -1;         ///< >= 0: the first slice to use (with lastSlice; ignored when middleSlices is set)
    int lastSlice = -1;          ///< inclusive
    double windowLow = 1.0;      ///< percentile of the volume's non-zero voxels mapped to 0
    double windowHigh = 99.0;    ///< percentile mapped to 255
    bool skipEmptySlices = true; ///< leave out slices with no non-zero voxel (outside the head)
};

struct LoadOptions {
    int width = 0; ///< 0×0: the source's default (128×128 for image files, native for IDX and the demo)
    int height = 0;
    ColorMode color = ColorMode::Auto;
    int threads = 0;        ///< decoding threads; 0 = every core
    QString cacheDirectory; ///< empty: no cache
    /// What the cache folder may hold; least recently used entries go first, and a larger dataset is not cached.
    qint64 cacheLimitBytes = DatasetCache::kDefaultLimitBytes;
    quint64 demoSeed = 42; ///< the demo generator's seed
    int demoPerClass = 0;  ///< demo images per class, 0 = the Kaggle imbalance
    qint64 maxFileBytes = qint64(64) << 20;
    qint64 maxPixels = qint64(64) << 20;
    ZipLimits zip;
    NiftiOptions nifti;
};

/// A loaded source: the images, the source's own test images when it has them (IDX t10k files), and the summary.
struct LoadedDataset {
    ImageSet images;
    ImageSet test; ///< empty unless the source has its own test files
    DatasetSummary summary;
    bool fromCache = false;
    QString cacheMessage; ///< why the decoded images were not cached (empty: they were, or there is no cache)
};

/// Opens any dataset source PruneLab reads: `demo`, `fashion-mnist` (Debian's copy), a folder of class folders (or of
/// `train/` and `test/` folders of class folders: the source's own test split), a
/// `.zip` of the same, a folder of IDX files or one IDX images file (plain or .gz), or a `.csv` manifest of
/// path,label; or a folder of class folders of NIfTI volumes (.nii, .nii.gz), each slice a sample grouped with its
/// volume. Image files are decoded in parallel on every core and their pixels cached on disk (see DatasetCache).
/// Files that cannot be used are skipped and listed in the summary with their reason; a source that cannot be used
/// at all throws std::runtime_error naming it and the problem. Never touches torch.
class DatasetLoader {
public:
    /// done, total; return false to cancel. Called from the calling thread.
    using Progress = std::function<bool(qint64 done, qint64 total)>;

    explicit DatasetLoader(LoadOptions options = {});

    LoadedDataset load(const QString& source, const Progress& progress = {},
                       const std::atomic<bool>* cancel = nullptr) const;

    /// What kind of source a string names, without reading it: demo, fashion-mnist, idx, zip, csv, folder, or
    /// missing (folder-split: train/ and test/ folders).
    static QString kindOf(const QString& source);

    /// Converts between gray and RGB (replicating the gray plane, or the ITU-R 601 luma) and resizes, for sources
    /// that are not decoded from files (IDX, demo).
    static ImageSet convert(ImageSet set, int width, int height, ColorMode color);

    /// What the demo generator makes for `options`: its seed, images per class and size (the width; the loader
    /// refuses a width that is not the height).
    static DemoOptions demoOptions(const LoadOptions& options);

private:
    LoadedDataset sliceVolumes(const SourceListing& listing, const Progress& progress,
                               const std::atomic<bool>* cancel) const;
    LoadedDataset decodeListing(const SourceListing& listing, bool archive, const Progress& progress,
                                const std::atomic<bool>* cancel) const;

    LoadOptions options_;
};

} // namespace prunelab::datasets
