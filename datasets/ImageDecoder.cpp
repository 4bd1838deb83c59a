#include "datasets/ImageDecoder.h"

#include <QBuffer>
#include <QImageReader>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <turbojpeg.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <vector>

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
    case ColorMode::Gray:
        return QStringLiteral("gray");
    case ColorMode::Rgb:
        return QStringLiteral("rgb");
    case ColorMode::Auto:
        break;
    }
    return QStringLiteral("auto");
}

ImageDecoder::ImageDecoder(DecodeOptions options) : options_(options) {}

namespace {

quint32 bigEndian32(const uchar* p)
{
    return quint32(p[0]) << 24 | quint32(p[1]) << 16 | quint32(p[2]) << 8 | quint32(p[3]);
}

quint32 bigEndian16(const uchar* p)
{
    return quint32(p[0]) << 8 | quint32(p[1]);
}

/// The declared size of PNG, JPEG and BMP files, read directly: these are most datasets, and asking QImageReader
/// probes every image plugin for every file. Returns false when the bytes are none of the three (or too short).
bool commonHeaderSize(const QByteArray& bytes, qint64* width, qint64* height)
{
    const auto* b = reinterpret_cast<const uchar*>(bytes.constData());
    const qsizetype n = bytes.size();
    if (n >= 24 && std::memcmp(b, "\x89PNG\r\n\x1a\n", 8) == 0 && std::memcmp(b + 12, "IHDR", 4) == 0) {
        *width = bigEndian32(b + 16);
        *height = bigEndian32(b + 20);
        return true;
    }
    if (n >= 26 && b[0] == 'B' && b[1] == 'M') {
        const auto le32 = [&](qsizetype at) {
            return qint32(quint32(b[at]) | quint32(b[at + 1]) << 8 | quint32(b[at + 2]) << 16 |
                          quint32(b[at + 3]) << 24);
        };
        *width = std::abs(qint64(le32(18)));
        *height = std::abs(qint64(le32(22)));
        return true;
    }
    if (n >= 4 && b[0] == 0xFF && b[1] == 0xD8) {
        qsizetype i = 2;
        while (i + 4 <= n) {
            if (b[i] != 0xFF)
                return false;
            const uchar marker = b[i + 1];
            if (marker == 0xFF) { // fill byte
                ++i;
                continue;
            }
            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) {
                i += 2;
                continue;
            }
            const qsizetype length = bigEndian16(b + i + 2);
            const bool startOfFrame =
                marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
            if (startOfFrame) {
                if (i + 9 > n)
                    return false;
                *height = bigEndian16(b + i + 5);
                *width = bigEndian16(b + i + 7);
                return true;
            }
            if (marker == 0xDA || length < 2) // scan data before any frame header
                return false;
            i += 2 + length;
        }
    }
    return false;
}

} // namespace

bool ImageDecoder::readHeader(const QByteArray& bytes, int* width, int* height, QString* reason)
{
    if (bytes.isEmpty()) {
        *reason = QStringLiteral("empty file");
        return false;
    }
    qint64 w = 0, h = 0;
    if (commonHeaderSize(bytes, &w, &h)) {
        if (w <= 0 || h <= 0 || w > std::numeric_limits<int>::max() || h > std::numeric_limits<int>::max()) {
            *reason = QStringLiteral("the image header gives no valid size");
            return false;
        }
        *width = int(w);
        *height = int(h);
        return true;
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

/// Any format OpenCV reads (and JPEGs the TurboJPEG path declines): sets `gray` or `rgb` (RGB order), or `reason`.
bool decodeWithOpenCv(const QByteArray& bytes, cv::Mat* gray, cv::Mat* rgb, DecodedInfo* info, QString* reason)
{
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
        switch (eight.channels()) {
        case 1:
            *gray = eight;
            break;
        case 2:
            cv::extractChannel(eight, *gray, 0);
            break;
        case 3: // gray pictures saved as colour (most MRI JPEGs) skip the colour conversion
            if (allChannelsEqual(eight))
                cv::extractChannel(eight, *gray, 0);
            else
                cv::cvtColor(eight, *rgb, cv::COLOR_BGR2RGB);
            break;
        case 4:
            cv::cvtColor(eight, *rgb, cv::COLOR_BGRA2RGB);
            break;
        default:
            *reason = QStringLiteral("has %1 channels; PruneLab reads 1 to 4").arg(eight.channels());
            return false;
        }
    } catch (const cv::Exception& e) {
        *reason = QStringLiteral("cannot be converted: %1").arg(QString::fromStdString(e.err));
        return false;
    }
    return true;
}

/// Each decoding thread's TurboJPEG handle and buffers, kept from one file to the next (no allocation per file).
struct TurboJpeg {
    tjhandle handle = tjInitDecompress();
    std::vector<uint8_t> planes; ///< Y, then Cb and Cr
    std::vector<uint8_t> rgb;
    bool colourSeen = false; ///< a JPEG with colour in it was met: decode the next ones to RGB directly
    TurboJpeg() = default;
    TurboJpeg(const TurboJpeg&) = delete;
    TurboJpeg& operator=(const TurboJpeg&) = delete;
    ~TurboJpeg()
    {
        if (handle != nullptr)
            tjDestroy(handle);
    }
};

/// A baseline or progressive 8-bit JPEG (gray or YCbCr) decoded by libjpeg-turbo, with the very pixels OpenCV's
/// decode (the same libjpeg, the same IDCT and upsampling) gives. Most JPEGs of gray scans (MRI, X-ray) are saved as
/// colour with neutral chroma (every Cb and Cr sample 128); libjpeg's conversion then writes Y to each of R, G and B,
/// so the file is decoded to its Y, Cb and Cr planes only — no chroma upsampling, no colour conversion, about half
/// the time of OpenCV's decode to BGR (`bench decode`) — and Y is the image. A colour file is decoded again to RGB,
/// and from then on this thread decodes its colour files to RGB at once (a folder of photos pays the planes once).
/// Sets `gray` or `rgb` (views of this thread's buffers, valid until its next call). False for anything else —
/// CMYK, 12-bit or arithmetic-coded files, and any file libjpeg even warns about (corrupt data) — which the caller
/// decodes with OpenCV as before, so what is skipped and why stays as it was.
bool decodeJpegPlanes(const QByteArray& bytes, cv::Mat* gray, cv::Mat* rgb, DecodedInfo* info)
{
    if (bytes.size() < 4 || uchar(bytes[0]) != 0xFF || uchar(bytes[1]) != 0xD8)
        return false;
    thread_local TurboJpeg tj;
    if (tj.handle == nullptr)
        return false;
    const auto* data = reinterpret_cast<const unsigned char*>(bytes.constData());
    const auto size = static_cast<unsigned long>(bytes.size());
    int width = 0, height = 0, subsampling = 0, colorspace = 0;
    if (tjDecompressHeader3(tj.handle, data, size, &width, &height, &subsampling, &colorspace) != 0)
        return false;
    if (width <= 0 || height <= 0 || (colorspace != TJCS_GRAY && colorspace != TJCS_YCbCr))
        return false;
    const int components = colorspace == TJCS_GRAY ? 1 : 3;
    if (components == 3 && subsampling == TJSAMP_GRAY)
        return false;
    info->width = width;
    info->height = height;
    info->channels = components;
    info->bitDepth = 8;
    // Non-zero on errors and on warnings alike (libjpeg-turbo 2): either way, OpenCV's decoder has the last word.
    const auto decodeRgb = [&] {
        tj.rgb.resize(size_t(width) * size_t(height) * 3);
        if (tjDecompress2(tj.handle, data, size, tj.rgb.data(), width, 0, height, TJPF_RGB, 0) != 0)
            return false;
        *rgb = cv::Mat(height, width, CV_8UC3, tj.rgb.data());
        return true;
    };
    if (components == 3 && tj.colourSeen)
        return decodeRgb();
    int strides[3] = {0, 0, 0};
    size_t offsets[3] = {0, 0, 0}, total = 0;
    for (int c = 0; c < components; ++c) {
        strides[c] = tjPlaneWidth(c, width, subsampling);
        const int rows = tjPlaneHeight(c, height, subsampling);
        if (strides[c] <= 0 || rows <= 0)
            return false;
        offsets[c] = total;
        total += size_t(strides[c]) * size_t(rows);
    }
    if (tj.planes.size() < total)
        tj.planes.resize(total);
    uint8_t* const base = tj.planes.data();
    unsigned char* planes[3] = {base, components == 3 ? base + offsets[1] : nullptr,
                                components == 3 ? base + offsets[2] : nullptr};
    if (tjDecompressToYUVPlanes(tj.handle, data, size, planes, width, strides, height, 0) != 0)
        return false;
    const bool neutral =
        components == 1 || std::all_of(base + offsets[1], base + total, [](uint8_t v) { return v == 128; });
    if (neutral) {
        *gray = cv::Mat(height, width, CV_8U, planes[0], size_t(strides[0]));
        return true;
    }
    tj.colourSeen = true;
    return decodeRgb();
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
    cv::Mat rgb;  // 3-channel RGB, or empty when the image is single-channel
    cv::Mat gray; // 1-channel
    if (!decodeJpegPlanes(bytes, &gray, &rgb, info) && !decodeWithOpenCv(bytes, &gray, &rgb, info, reason))
        return false;
    try {
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
            // Area averaging where it matters (shrinking by 2× or more, where bilinear would alias); bilinear for
            // milder changes, where the two look alike and OpenCV's general area path costs about 3× as much.
            const bool halving = source.cols >= 2 * width || source.rows >= 2 * height;
            cv::resize(source, sized, cv::Size(width, height), 0, 0, halving ? cv::INTER_AREA : cv::INTER_LINEAR);
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
