#include "datasets/VolumePreview.h"

#include "datasets/NiftiVolume.h"

#include <opencv2/core.hpp>

namespace prunelab::datasets {

struct VolumePreview::Private {
    QString path;
    NiftiVolume volume;
    float low = 0.0f;
    float high = 0.0f;
};

VolumePreview::VolumePreview(const QString& path, double lowPercentile, double highPercentile)
    : d(std::make_unique<Private>())
{
    d->path = path;
    d->volume = NiftiVolume::read(path);
    d->low = d->volume.percentile(lowPercentile);
    d->high = d->volume.percentile(highPercentile);
}

VolumePreview::~VolumePreview() = default;

const QString& VolumePreview::path() const
{
    return d->path;
}

int VolumePreview::slices(int axis) const
{
    return axis >= 0 && axis <= 2 ? d->volume.size(axis) : 0;
}

GreyImage VolumePreview::slice(int axis, int index) const
{
    const cv::Mat values = d->volume.slice(axis, index);
    // The loader's mapping: low → 0, high → 255, saturating outside the window.
    const double scale = d->high > d->low ? 255.0 / double(d->high - d->low) : 0.0;
    cv::Mat bytes;
    values.convertTo(bytes, CV_8U, scale, -double(d->low) * scale);
    GreyImage image;
    image.width = bytes.cols;
    image.height = bytes.rows;
    image.pixels.assign(bytes.datastart, bytes.dataend);
    return image;
}

float VolumePreview::windowLow() const
{
    return d->low;
}

float VolumePreview::windowHigh() const
{
    return d->high;
}

} // namespace prunelab::datasets
