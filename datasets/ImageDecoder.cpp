#include "datasets/ImageDecoder.h"

#include <QBuffer>
#include <QImageReader>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <stdexcept>

namespace prunelab::datasets {

ColorMode colorModeFromName(const QString& name)
{
    if (name == QLatin1String("auto"))
        return ColorMode::Auto;
    if (name == QLatin1String("gray") || name == QLatin1String("grey"))
        return ColorMode::Gray;
    if (name == QLatin1String("rgb"))
        return ColorMode::Rgb;
    throw std::invalid_argument("colour mode must be auto, gray or rgb, got '" + name.toStdString() + "'");
}

QString colorModeName(ColorMode mode)
{
    switch (mode) {
    case ColorMode::Gray: return QStringLiteral("gray");
    case ColorMode::Rgb: return QStringLiteral("rgb");
    case ColorMode::Auto: break;
    }
    return QStringLiteral("auto");
}

ImageDecoder::ImageDecoder(DecodeOptions options)
    : options_(options)
{
}

bool ImageDecoder::readHeader(const QByteArray& bytes, int* width, int* height, QString* reason)
{
    if (bytes.isEmpty()) {
        *reason = QStringLiteral("empty file");
        return false;
    }
    QBuffer buffer;
    buffer.setData(bytes);
    buffer.open(QIODevice::ReadOnly);
    QImageReader reader(&buffer);
    if (!reader.canRead()) {
        *reason = QStringLiteral("not an image in a format PruneLab reads");
        return false;
    }
    const QSize size = reader.size();
    if (!size.isValid() || size.isEmpty()) {
        *reason = QStringLiteral("the image header gives no valid size");
        return false;
    }
    *width = size.width();
    *height = size.height();
    return true;
}

namespace {

/// JPEG data cut short decodes "successfully" into grey fill (libjpeg only warns), so look for the end marker.
bool truncatedJpeg(const QByteArray& bytes)
{
    if (bytes.size() < 4 || uchar(bytes[0]) != 0xFF || uchar(bytes[1]) != 0xD8)
        return false;
    const qsizetype tail = std::min<qsizetype>(bytes.size(), 64); // some writers pad after the marker
    return !bytes.right(tail).contains(QByteArray("\xFF\xD9", 2));
}

cv::Mat toEightBit(const cv::Mat& m)
{
    if (m.depth() == CV_8U)
        return m;
    cv::Mat out;
    if (m.depth() == CV_16U) {
        double low = 0, high = 0;
        cv::minMaxLoc(m.reshape(1), &low, &high);
        m.convertTo(out, CV_8U, high <= 4095.0 ? 255.0 / 4095.0 : 255.0 / 65535.0);
        return out;
    }
    // Signed or floating data (TIFF, EXR): stretch its own range to 0…255.
    double low = 0, high = 0;
    cv::minMaxLoc(m.reshape(1), &low, &high);
    const double scale = high > low ? 255.0 / (high - low) : 0.0;
    m.convertTo(out, CV_8U, scale, -low * scale);
    return out;
}

bool allChannelsEqual(const cv::Mat& rgb)
{
    for (int y = 0; y < rgb.rows; ++y) {
        const auto* p = rgb.ptr<cv::Vec3b>(y);
        for (int x = 0; x < rgb.cols; ++x) {
            if (p[x][0] != p[x][1] || p[x][1] != p[x][2])
                return false;
        }
    }
    return true;
}

} // namespace

bool ImageDecoder::decode(const QByteArray& bytes, uint8_t* out, int outChannels, int width, int height,
                          DecodedInfo* info, QString* reason) const
{
    int declaredWidth = 0, declaredHeight = 0;
    if (!readHeader(bytes, &declaredWidth, &declaredHeight, reason))
        return false;
    if (declaredWidth > options_.maxSide || declaredHeight > options_.maxSide ||
        qint64(declaredWidth) * declaredHeight > options_.maxPixels) {
        *reason = QStringLiteral("the header declares %1×%2 pixels, more than the limit of %3 megapixels")
                      .arg(declaredWidth)
                      .arg(declaredHeight)
                      .arg(double(options_.maxPixels) / (1 << 20), 0, 'g', 3);
        return false;
    }
    if (truncatedJpeg(bytes)) {
        *reason = QStringLiteral("truncated JPEG (no end-of-image marker)");
        return false;
    }
    cv::Mat decoded;
    try {
        const cv::Mat raw(1, int(bytes.size()), CV_8U, const_cast<char*>(bytes.constData()));
        decoded = cv::imdecode(raw, cv::IMREAD_UNCHANGED);
    } catch (const cv::Exception& e) {
        *reason = QStringLiteral("cannot be decoded: %1").arg(QString::fromStdString(e.err));
        return false;
    }
    if (decoded.empty()) {
        *reason = QStringLiteral("cannot be decoded (truncated or corrupt)");
        return false;
    }
    info->width = decoded.cols;
    info->height = decoded.rows;
    info->channels = decoded.channels();
    info->bitDepth = decoded.depth() == CV_8U ? 8 : decoded.depth() == CV_16U ? 16 : 32;

    try {
        cv::Mat eight = toEightBit(decoded);
        cv::Mat rgb;  // 3-channel RGB, or empty when the image is single-channel
        cv::Mat gray; // 1-channel
        switch (eight.channels()) {
        case 1: gray = eight; break;
        case 2: cv::extractChannel(eight, gray, 0); break;
        case 3: cv::cvtColor(eight, rgb, cv::COLOR_BGR2RGB); break;
        case 4: cv::cvtColor(eight, rgb, cv::COLOR_BGRA2RGB); break;
        default:
            *reason = QStringLiteral("has %1 channels; PruneLab reads 1 to 4").arg(eight.channels());
            return false;
        }
        if (!rgb.empty() && allChannelsEqual(rgb)) {
            cv::extractChannel(rgb, gray, 0);
            rgb.release();
        }
        info->gray = rgb.empty();

        cv::Mat& source = info->gray ? gray : rgb;
        cv::Mat sized;
        if (source.cols == width && source.rows == height) {
            sized = source;
        } else {
            const bool shrinking = source.cols * source.rows > width * height;
            cv::resize(source, sized, cv::Size(width, height), 0, 0, shrinking ? cv::INTER_AREA : cv::INTER_LINEAR);
        }
        const size_t plane = size_t(width) * size_t(height);
        if (outChannels == 1) {
            cv::Mat single;
            if (sized.channels() == 1)
                single = sized;
            else
                cv::cvtColor(sized, single, cv::COLOR_RGB2GRAY);
            cv::Mat target(height, width, CV_8U, out);
            single.copyTo(target);
        } else {
            for (int c = 0; c < 3; ++c) {
                cv::Mat target(height, width, CV_8U, out + plane * size_t(c));
                if (sized.channels() == 1)
                    sized.copyTo(target);
                else
                    cv::extractChannel(sized, target, c);
            }
        }
    } catch (const cv::Exception& e) {
        *reason = QStringLiteral("cannot be converted: %1").arg(QString::fromStdString(e.err));
        return false;
    }
    return true;
}

} // namespace prunelab::datasets
