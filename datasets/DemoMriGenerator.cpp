#include "datasets/DemoMriGenerator.h"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <QString>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace prunelab::datasets {

namespace {

// T1-weighted intensities (0–255) of the tissues drawn.
constexpr double kScalp = 190.0;
constexpr double kBone = 45.0;
constexpr double kCsf = 28.0;
constexpr double kGrey = 100.0;
constexpr double kWhite = 172.0;

quint64 mix(quint64 a, quint64 b)
{
    // splitmix64 of a combined key: independent, well-spread streams per sample.
    quint64 z = a * 0x9E3779B97F4A7C15ULL + b + 0x632BE59BD9B4E019ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

cv::Point2d rotate(cv::Point2d p, double degrees)
{
    const double r = degrees * CV_PI / 180.0;
    return {p.x * std::cos(r) - p.y * std::sin(r), p.x * std::sin(r) + p.y * std::cos(r)};
}

} // namespace

QStringList DemoMriGenerator::classNames()
{
    return {QStringLiteral("MildDemented"), QStringLiteral("ModerateDemented"), QStringLiteral("NonDemented"),
            QStringLiteral("VeryMildDemented")};
}

double DemoMriGenerator::classSeverity(int classIndex)
{
    static const double severity[] = {2.0 / 3.0, 1.0, 0.0, 1.0 / 3.0};
    if (classIndex < 0 || classIndex > 3)
        throw std::out_of_range("demo class index out of range");
    return severity[classIndex];
}

std::vector<uint8_t> DemoMriGenerator::renderSlice(double severity, quint64 sampleSeed, int size)
{
    if (size < 16 || size > 1024)
        throw std::invalid_argument("demo image size must be between 16 and 1024");
    cv::RNG rng(sampleSeed);
    const int s = size * 2; // draw at twice the size, then area-downsample: smooth edges
    cv::Mat img(s, s, CV_32F, cv::Scalar(0));
    const cv::Point2d centre(s * (0.5 + rng.uniform(-0.04, 0.04)), s * (0.5 + rng.uniform(-0.04, 0.04)));
    const double angle = rng.uniform(-10.0, 10.0);
    const double scale = rng.uniform(0.92, 1.06);
    const double a = s * 0.36 * scale; // half-width of the head
    const double b = s * 0.44 * scale; // half-length (front to back)
    const auto ellipse = [&](double fa, double fb, double value, cv::Point2d offset = {}, double extraAngle = 0.0) {
        const cv::Point2d c = centre + rotate(offset, angle);
        cv::ellipse(img,
                    cv::RotatedRect(cv::Point2f(c), cv::Size2f(float(2 * a * fa), float(2 * b * fb)),
                                    float(angle + extraAngle)),
                    cv::Scalar(value), cv::FILLED, cv::LINE_AA);
    };

    // Atrophy: the brain shrinks from the skull, sulci widen and deepen, ventricles grow.
    const double shrink = 0.05 * severity;
    ellipse(1.00, 1.00, kScalp);
    ellipse(0.94, 0.95, kBone);
    ellipse(0.89, 0.90, kCsf);
    const double brainA = 0.87 - shrink;
    const double brainB = 0.88 - shrink;

    // Cortex as a folded outline: r(θ) dips inwards at each sulcus; the white matter follows the gyri inside it.
    const int folds = 18 + rng.uniform(0, 8);
    const double phase = rng.uniform(0.0, 2.0 * CV_PI);
    const double sulcusDepth = 0.10 + 0.08 * severity;
    const double sulcusSharpness = 6.0 - 3.5 * severity; // lower: wider sulci
    std::vector<double> jitter(static_cast<size_t>(folds));
    for (double& j : jitter)
        j = rng.uniform(0.6, 1.3);
    std::vector<cv::Point> cortex;
    std::vector<cv::Point> whiteMatter;
    const int steps = 720;
    for (int i = 0; i < steps; ++i) {
        const double theta = 2.0 * CV_PI * i / steps;
        const double wave = std::cos(folds * theta + phase);
        const int fold = int(std::floor((folds * theta + phase) / (2.0 * CV_PI) + 0.5)) % folds;
        const double notch =
            sulcusDepth * jitter[size_t((fold + folds) % folds)] * std::pow(std::max(0.0, wave), sulcusSharpness);
        const double outer = 1.0 - notch;
        // white matter reaches into each gyrus (wave < 0) and recedes under each sulcus, smoothly
        const double inner = (0.74 - 0.05 * severity) - 0.05 * wave;
        const cv::Point2d dir(std::cos(theta) * a, std::sin(theta) * b);
        cortex.emplace_back(centre + rotate({dir.x * brainA * outer, dir.y * brainB * outer}, angle));
        whiteMatter.emplace_back(centre + rotate({dir.x * brainA * inner, dir.y * brainB * inner}, angle));
    }
    cv::fillPoly(img, std::vector<std::vector<cv::Point>>{cortex}, cv::Scalar(kGrey), cv::LINE_AA);
    cv::fillPoly(img, std::vector<std::vector<cv::Point>>{whiteMatter}, cv::Scalar(kWhite), cv::LINE_AA);

    // Interhemispheric fissure, front and back.
    const double fissure = std::max(1.0, s * (0.006 + 0.01 * severity));
    cv::line(img, centre + rotate({0, -b * brainB}, angle), centre + rotate({0, -b * 0.40}, angle), cv::Scalar(kCsf),
             int(std::lround(fissure)), cv::LINE_AA);
    cv::line(img, centre + rotate({0, b * brainB}, angle), centre + rotate({0, b * 0.55}, angle), cv::Scalar(kCsf),
             int(std::lround(fissure)), cv::LINE_AA);

    // Lateral ventricles: two curved horns either side of the midline, frontal ends apart, growing with atrophy;
    // a slit-like third ventricle between their posterior ends.
    const double grow = 1.0 + 1.2 * severity + rng.uniform(-0.12, 0.12);
    const double vx = 0.11 + 0.03 * severity;
    for (int side : {-1, 1}) {
        ellipse(0.045 * grow, 0.20 * std::sqrt(grow), kCsf, {side * a * vx, -b * 0.10}, side * 18.0);
        ellipse(0.05 * grow, 0.10 * std::sqrt(grow), kCsf, {side * a * (vx + 0.03), b * 0.10}, -side * 25.0);
    }
    ellipse(0.012 * grow, 0.06 * grow, kCsf, {0, b * 0.04});

    cv::GaussianBlur(img, img, cv::Size(0, 0), s * 0.006);

    // Scanner variation: smooth bias field, gain, Rician-like noise.
    cv::Mat bias(s, s, CV_32F);
    const double gx = rng.uniform(-0.25, 0.25);
    const double gy = rng.uniform(-0.25, 0.25);
    const double gain = rng.uniform(0.85, 1.12);
    for (int y = 0; y < s; ++y) {
        auto* row = bias.ptr<float>(y);
        for (int x = 0; x < s; ++x)
            row[x] = float(gain * (1.0 + gx * (x / double(s) - 0.5) + gy * (y / double(s) - 0.5)));
    }
    img = img.mul(bias);
    cv::Mat out;
    cv::resize(img, out, cv::Size(size, size), 0, 0, cv::INTER_AREA);
    cv::Mat noise(size, size, CV_32F);
    rng.fill(noise, cv::RNG::NORMAL, 0.0, 7.0);
    out = cv::abs(out + noise);
    cv::Mat bytes;
    out.convertTo(bytes, CV_8U); // saturates to [0, 255]
    return std::vector<uint8_t>(bytes.datastart, bytes.dataend);
}

ImageSet DemoMriGenerator::emptySet(const DemoOptions& options, const QString& description)
{
    const QStringList names = classNames();
    if (options.perClass.size() != names.size())
        throw std::invalid_argument("demo needs one count per class (4)");
    ImageSet set;
    set.channels = 1;
    set.height = options.size;
    set.width = options.size;
    set.classNames = names;
    set.sourceDescription = description;
    for (int c = 0; c < names.size(); ++c) {
        if (options.perClass[c] < 0)
            throw std::invalid_argument("demo class counts must be >= 0");
        for (int i = 0; i < options.perClass[c]; ++i) {
            set.labels.push_back(c);
            set.files.append(QStringLiteral("demo:%1/%2.png").arg(names[c]).arg(i, 5, 10, QLatin1Char('0')));
        }
    }
    set.pixels.resize(set.labels.size() * size_t(set.imageSize()));
    return set;
}

ImageSet DemoMriGenerator::generate(const DemoOptions& options, const std::function<bool(int, int)>& progress,
                                    const std::atomic<bool>* cancel) const
{
    ImageSet set = emptySet(
        options, QStringLiteral("Procedural MRI-like demo (%1×%1, seed %2)").arg(options.size).arg(options.seed));
    const int total = int(set.labels.size());

    const int chunk = 64;
    for (int begin = 0; begin < total; begin += chunk) {
        if ((cancel && cancel->load()) || (progress && !progress(begin, total)))
            return {};
        const int end = std::min(total, begin + chunk);
        cv::parallel_for_(cv::Range(begin, end), [&](const cv::Range& range) {
            for (int i = range.start; i < range.end; ++i) {
                const quint64 sampleSeed = mix(options.seed, quint64(i));
                // Per-sample severity around the class mean: adjacent classes overlap, as real ratings do.
                cv::RNG rng(sampleSeed ^ 0x5DEECE66DULL);
                const double severity =
                    std::clamp(classSeverity(int(set.labels[size_t(i)])) + rng.gaussian(0.12), 0.0, 1.15);
                const std::vector<uint8_t> slice = renderSlice(severity, sampleSeed, options.size);
                std::copy(slice.begin(), slice.end(), set.pixels.begin() + std::ptrdiff_t(i) * set.imageSize());
            }
        });
    }
    if (progress)
        progress(total, total);
    return set;
}

} // namespace prunelab::datasets
