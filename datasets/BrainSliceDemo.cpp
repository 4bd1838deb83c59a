#include "datasets/BrainSliceDemo.h"

#include "datasets/NiftiVolume.h"

#include <QFileInfo>

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace prunelab::datasets {

namespace {

quint64 mix(quint64 seed, quint64 index)
{
    quint64 z = seed + 0x9E3779B97F4A7C15ULL * (index + 1);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/// Pads a slice to a square with zeros, centred.
cv::Mat square(const cv::Mat& m)
{
    const int side = std::max(m.rows, m.cols);
    cv::Mat out = cv::Mat::zeros(side, side, m.type());
    m.copyTo(out(cv::Rect((side - m.cols) / 2, (side - m.rows) / 2, m.cols, m.rows)));
    return out;
}

struct SliceAnatomy {
    cv::Mat t1;             ///< CV_32F, square
    cv::Mat ribbon;         ///< CV_32F in [0, 1]: the outer (cortical) band of the brain, smoothed
    cv::Mat brain;          ///< CV_32F in [0, 1]: the outer brain (mask minus its deep core), smoothed
    cv::Point2f ventricles; ///< centre of the ventricles
    cv::Point2f brainCentre;
};

} // namespace

struct BrainSliceDemo::Private {
    std::vector<SliceAnatomy> band;
};

QString BrainSliceDemo::defaultVolumePath()
{
    return QStringLiteral("/usr/share/mricron/templates/ch2.nii.gz");
}

bool BrainSliceDemo::available(const QString& t1Path)
{
    QString mask = t1Path;
    mask.replace(QLatin1String("ch2.nii"), QLatin1String("ch2bet.nii"));
    return QFileInfo::exists(t1Path) && QFileInfo::exists(mask);
}

BrainSliceDemo::BrainSliceDemo(const QString& t1Path) : d(std::make_unique<Private>())
{
    QString maskPath = t1Path;
    maskPath.replace(QLatin1String("ch2.nii"), QLatin1String("ch2bet.nii"));
    const NiftiVolume t1 = NiftiVolume::read(t1Path);
    const NiftiVolume bet = NiftiVolume::read(maskPath);
    if (t1.nx != bet.nx || t1.ny != bet.ny || t1.nz != bet.nz || t1.nz <= BrainSliceDemo::kLastSlice)
        throw std::runtime_error(
            (t1Path + QStringLiteral(": not the Colin27 grid (181×217×181) its brain mask has")).toStdString());
    for (int z = BrainSliceDemo::kFirstSlice; z <= BrainSliceDemo::kLastSlice; ++z) {
        SliceAnatomy a;
        a.t1 = square(t1.slice(2, z));
        cv::Mat mask = square(bet.slice(2, z)) > 0.5f;
        cv::morphologyEx(mask, mask, cv::MORPH_CLOSE, cv::getStructuringElement(cv::MORPH_ELLIPSE, {7, 7}));
        cv::Mat inner;
        cv::erode(mask, inner, cv::getStructuringElement(cv::MORPH_ELLIPSE, {21, 21}));
        cv::Mat ribbon = mask & ~inner;
        ribbon.convertTo(a.ribbon, CV_32F, 1.0 / 255.0);
        cv::GaussianBlur(a.ribbon, a.ribbon, {0, 0}, 2.0);
        // Ventricles: the dark (CSF) pixels deep inside the brain.
        cv::Mat deep;
        cv::erode(mask, deep, cv::getStructuringElement(cv::MORPH_ELLIPSE, {41, 41}));
        // Shrinkage acts on the outer brain only: the deep brain is where the ventricles grow.
        cv::Mat outer = mask & ~deep;
        outer.convertTo(a.brain, CV_32F, 1.0 / 255.0);
        cv::GaussianBlur(a.brain, a.brain, {0, 0}, 6.0);
        const double tissue = cv::mean(a.t1, mask)[0];
        cv::Mat csf = (a.t1 < 0.55 * tissue) & deep;
        const cv::Moments m = cv::moments(csf, true);
        const cv::Moments b = cv::moments(mask, true);
        a.brainCentre = b.m00 > 0 ? cv::Point2f(float(b.m10 / b.m00), float(b.m01 / b.m00))
                                  : cv::Point2f(a.t1.cols / 2.f, a.t1.rows / 2.f);
        a.ventricles = m.m00 > 20 ? cv::Point2f(float(m.m10 / m.m00), float(m.m01 / m.m00)) : a.brainCentre;
        d->band.push_back(std::move(a));
    }
    // Lower slices also hold dark cisterns behind the thalamus, which pull a per-slice centre off the ventricles;
    // the bodies of the lateral ventricles (the band's middle) give the centre for every slice.
    const cv::Point2f centre = d->band[d->band.size() / 2].ventricles;
    for (SliceAnatomy& a : d->band)
        a.ventricles = centre;
}

BrainSliceDemo::~BrainSliceDemo() = default;

std::vector<uint8_t> BrainSliceDemo::render(double severity, double band, quint64 sampleSeed, int size, bool pose) const
{
    const auto& a =
        d->band[size_t(std::clamp(int(std::lround(band * double(d->band.size() - 1))), 0, int(d->band.size()) - 1))];
    const int side = a.t1.cols;
    cv::Mat image = a.t1.clone();

    // Sulcal widening: CSF grows into the cortical ribbon at the expense of grey matter.
    cv::Mat eroded;
    cv::erode(image, eroded, cv::getStructuringElement(cv::MORPH_ELLIPSE, {5, 5}));
    const cv::Mat weight = a.ribbon * std::min(1.0, 0.9 * severity);
    image = image.mul(1.0 - weight) + eroded.mul(weight);

    // Ventricle enlargement (radial warp around the ventricles) and brain shrinkage (inside the brain mask), in one
    // remap: every output pixel samples the anatomy nearer the centre. f(r) = r(1 − a·e^(−r²/2σ²)) is monotonic
    // for a < 1, so nothing folds.
    const double strength = 0.6 * std::clamp(severity, 0.0, 1.15);
    const double sigma = 0.1 * side;
    const double shrink = 0.05 * std::clamp(severity, 0.0, 1.15);
    cv::Mat mapX(side, side, CV_32F), mapY(side, side, CV_32F);
    for (int y = 0; y < side; ++y) {
        auto* mx = mapX.ptr<float>(y);
        auto* my = mapY.ptr<float>(y);
        const auto* inBrain = a.brain.ptr<float>(y);
        for (int x = 0; x < side; ++x) {
            const double vx = x - a.ventricles.x, vy = y - a.ventricles.y;
            const double pull = 1.0 - strength * std::exp(-(vx * vx + vy * vy) / (2 * sigma * sigma));
            double sx = a.ventricles.x + vx * pull, sy = a.ventricles.y + vy * pull;
            const double k = 1.0 + shrink * inBrain[x];
            sx = a.brainCentre.x + (sx - a.brainCentre.x) * k;
            sy = a.brainCentre.y + (sy - a.brainCentre.y) * k;
            mx[x] = float(sx);
            my[x] = float(sy);
        }
    }
    cv::Mat warped;
    cv::remap(image, warped, mapX, mapY, cv::INTER_LINEAR, cv::BORDER_CONSTANT, 0);

    cv::RNG rng(sampleSeed ^ 0xC0117A27ULL);
    if (pose) {
        const double angle = rng.uniform(-8.0, 8.0);
        const double scale = rng.uniform(0.93, 1.07);
        cv::Mat affine = cv::getRotationMatrix2D(cv::Point2f(side / 2.f, side / 2.f), angle, scale);
        affine.at<double>(0, 2) += rng.uniform(-0.04, 0.04) * side;
        affine.at<double>(1, 2) += rng.uniform(-0.04, 0.04) * side;
        cv::warpAffine(warped, warped, affine, warped.size(), cv::INTER_LINEAR, cv::BORDER_CONSTANT, 0);
    }
    cv::Mat out;
    cv::resize(warped, out, cv::Size(size, size), 0, 0, size < side ? cv::INTER_AREA : cv::INTER_LINEAR);
    if (pose) {
        const double gain = rng.uniform(0.85, 1.15);
        const double gx = rng.uniform(-0.2, 0.2), gy = rng.uniform(-0.2, 0.2);
        const double noise = rng.uniform(3.0, 8.0);
        cv::Mat n1(size, size, CV_32F), n2(size, size, CV_32F);
        rng.fill(n1, cv::RNG::NORMAL, 0.0, noise);
        rng.fill(n2, cv::RNG::NORMAL, 0.0, noise);
        for (int y = 0; y < size; ++y) {
            auto* row = out.ptr<float>(y);
            const auto* a1 = n1.ptr<float>(y);
            const auto* a2 = n2.ptr<float>(y);
            for (int x = 0; x < size; ++x) {
                const double bias = gain * (1.0 + gx * (x / double(size) - 0.5) + gy * (y / double(size) - 0.5));
                const double v = row[x] * bias;
                row[x] = float(std::sqrt((v + a1[x]) * (v + a1[x]) + a2[x] * a2[x])); // Rician magnitude noise
            }
        }
    }
    cv::Mat bytes;
    out.convertTo(bytes, CV_8U); // saturates to [0, 255]
    return std::vector<uint8_t>(bytes.datastart, bytes.dataend);
}

ImageSet BrainSliceDemo::generate(const DemoOptions& options, const std::function<bool(int, int)>& progress,
                                  const std::atomic<bool>* cancel) const
{
    ImageSet set = DemoMriGenerator::emptySet(
        options, QStringLiteral("Demo from real T1 MRI (Colin27, mricron-data; %1×%1, seed %2)")
                     .arg(options.size)
                     .arg(options.seed));
    const int total = int(set.labels.size());
    const int chunk = 32;
    for (int begin = 0; begin < total; begin += chunk) {
        if ((cancel && cancel->load()) || (progress && !progress(begin, total)))
            return {};
        cv::parallel_for_(cv::Range(begin, std::min(total, begin + chunk)), [&](const cv::Range& range) {
            for (int i = range.start; i < range.end; ++i) {
                const quint64 sampleSeed = mix(options.seed, quint64(i));
                cv::RNG rng(sampleSeed ^ 0x5DEECE66DULL);
                const double severity = std::clamp(
                    DemoMriGenerator::classSeverity(int(set.labels[size_t(i)])) + rng.gaussian(0.12), 0.0, 1.15);
                const double band = rng.uniform(0.0, 1.0);
                const std::vector<uint8_t> slice = render(severity, band, sampleSeed, options.size);
                std::copy(slice.begin(), slice.end(), set.pixels.begin() + std::ptrdiff_t(i) * set.imageSize());
            }
        });
    }
    if (progress)
        progress(total, total);
    return set;
}

} // namespace prunelab::datasets
