#include "datasets/NiftiVolume.h"

#include "datasets/SourceError.h"

#include <nifti2_io.h>

#include <QDir>
#include <QFile>

#include <algorithm>
#include <cmath>
#include <memory>
#include <stdexcept>

namespace prunelab::datasets {

namespace {

template <typename T> void convert(const void* data, size_t count, double slope, double inter, std::vector<float>& out)
{
    const T* in = static_cast<const T*>(data);
    for (size_t i = 0; i < count; ++i)
        out[i] = float(double(in[i]) * slope + inter);
}

} // namespace

NiftiVolume NiftiVolume::read(const QString& path, qint64 maxVoxels)
{
    if (!QFile::exists(path))
        throwSourceError(path, QStringLiteral("does not exist"));
    nifti_set_debug_level(0);
    const QByteArray name = QFile::encodeName(path);
    // Header only: sizes are checked before any voxel is allocated.
    std::unique_ptr<nifti_image, void (*)(nifti_image*)> image(nifti_image_read(name.constData(), 0), nifti_image_free);
    if (!image)
        throwSourceError(path, QStringLiteral("is not a readable NIfTI file"));
    if (image->nx < 1 || image->ny < 1 || image->nz < 1 || image->ndim < 2)
        throwSourceError(
            path,
            QStringLiteral("has no 3-D volume (dimensions %1×%2×%3)").arg(image->nx).arg(image->ny).arg(image->nz));
    const qint64 voxels3d = qint64(image->nx) * image->ny * image->nz;
    if (image->nx > 65535 || image->ny > 65535 || image->nz > 65535 || voxels3d > maxVoxels)
        throwSourceError(path, QStringLiteral("declares %1×%2×%3 voxels, more than the limit of %4")
                                   .arg(image->nx)
                                   .arg(image->ny)
                                   .arg(image->nz)
                                   .arg(maxVoxels));
    if (image->nvox > maxVoxels * 4) // a 4-D series: only its first volume is used, but the library loads all
        throwSourceError(
            path,
            QStringLiteral("holds %1 voxels in all; only single volumes or short series are read").arg(image->nvox));
    const int type = image->datatype;
    const bool supported = type == DT_UINT8 || type == DT_INT8 || type == DT_INT16 || type == DT_UINT16 ||
                           type == DT_INT32 || type == DT_UINT32 || type == DT_FLOAT32 || type == DT_FLOAT64;
    if (!supported)
        throwSourceError(path, QStringLiteral("has voxel type %1 (%2); PruneLab reads integer and float scalar volumes")
                                   .arg(type)
                                   .arg(QString::fromLatin1(nifti_datatype_string(type))));
    if (nifti_image_load(image.get()) != 0 || !image->data)
        throwSourceError(path, QStringLiteral("the voxel data is missing or truncated"));

    NiftiVolume volume;
    volume.nx = int(image->nx);
    volume.ny = int(image->ny);
    volume.nz = int(image->nz);
    volume.voxels.resize(size_t(voxels3d));
    const double slope = image->scl_slope != 0.0 ? image->scl_slope : 1.0; // 0 means "no scaling"
    const double inter = image->scl_slope != 0.0 ? image->scl_inter : 0.0;
    const size_t n = size_t(voxels3d);
    switch (type) {
    case DT_UINT8:
        convert<uint8_t>(image->data, n, slope, inter, volume.voxels);
        break;
    case DT_INT8:
        convert<int8_t>(image->data, n, slope, inter, volume.voxels);
        break;
    case DT_INT16:
        convert<int16_t>(image->data, n, slope, inter, volume.voxels);
        break;
    case DT_UINT16:
        convert<uint16_t>(image->data, n, slope, inter, volume.voxels);
        break;
    case DT_INT32:
        convert<int32_t>(image->data, n, slope, inter, volume.voxels);
        break;
    case DT_UINT32:
        convert<uint32_t>(image->data, n, slope, inter, volume.voxels);
        break;
    case DT_FLOAT32:
        convert<float>(image->data, n, slope, inter, volume.voxels);
        break;
    case DT_FLOAT64:
        convert<double>(image->data, n, slope, inter, volume.voxels);
        break;
    default:
        break;
    }
    for (float& v : volume.voxels) {
        if (!std::isfinite(v))
            v = 0.0f; // NaN marks "no data" in many pipelines
    }
    return volume;
}

cv::Mat NiftiVolume::slice(int axis, int index) const
{
    if (axis < 0 || axis > 2 || index < 0 || index >= size(axis))
        throw std::out_of_range("slice " + std::to_string(index) + " on axis " + std::to_string(axis) +
                                " is outside the volume");
    // Rows run against the second in-plane axis so anterior (axial) or superior (sagittal, coronal) is up.
    const int cols = axis == 0 ? ny : nx;
    const int rows = axis == 2 ? ny : nz;
    cv::Mat out(rows, cols, CV_32F);
    for (int r = 0; r < rows; ++r) {
        auto* row = out.ptr<float>(r);
        const int v = rows - 1 - r;
        for (int c = 0; c < cols; ++c) {
            switch (axis) {
            case 0:
                row[c] = at(index, c, v);
                break;
            case 1:
                row[c] = at(c, index, v);
                break;
            default:
                row[c] = at(c, v, index);
                break;
            }
        }
    }
    return out;
}

float NiftiVolume::percentile(double p) const
{
    std::vector<float> values;
    values.reserve(voxels.size() / 2);
    for (float v : voxels) {
        if (v != 0.0f)
            values.push_back(v);
    }
    if (values.empty())
        return 0.0f;
    const auto k = size_t(std::clamp(p, 0.0, 100.0) / 100.0 * double(values.size() - 1));
    std::nth_element(values.begin(), values.begin() + std::ptrdiff_t(k), values.end());
    return values[k];
}

} // namespace prunelab::datasets
