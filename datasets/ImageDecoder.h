#pragma once

#include <QByteArray>
#include <QString>

#include <cstdint>

namespace prunelab::datasets {

/// How decoded images are stored: gray (1 channel), RGB (3), or auto (gray when every image of the source is gray).
enum class ColorMode { Auto, Gray, Rgb };

ColorMode colorModeFromName(const QString& name); ///< "auto" | "gray" | "rgb"; throws std::invalid_argument
QString colorModeName(ColorMode mode);

struct DecodeOptions {
    int width = 128; ///< output size; 0×0 keeps the first image's size (and resizes the others to it)
    int height = 128;
    ColorMode color = ColorMode::Auto;
    qint64 maxPixels = qint64(64) << 20; ///< refuse images whose header declares more pixels than this
    int maxSide = 32768;                 ///< … or a side longer than this
};

/// What an image was before it was converted.
struct DecodedInfo {
    int width = 0;
    int height = 0;
    int channels = 0; ///< 1 gray, 2 gray+alpha, 3 colour, 4 colour+alpha
    int bitDepth = 8;
    bool gray = false; ///< no colour in it (one channel, or three equal channels)
};

/// Decodes one encoded image (every format OpenCV reads: PNG, JPEG, BMP, TIFF, WebP, PNM; 8 or 16 bit; gray, RGB
/// or RGBA) into planar uint8 at the requested size. The declared size is read from the header first (QImageReader,
/// header only) and absurd sizes are refused before anything is allocated; the decode itself is guarded, so a
/// corrupt file is a reason, never a crash. 16-bit images are scaled to 8 bit (12-bit data when the maximum is
/// below 4096, full range otherwise); alpha is dropped.
class ImageDecoder {
public:
    explicit ImageDecoder(DecodeOptions options);

    /// Reads only the header: the declared size, or a reason why the bytes are not a usable image.
    static bool readHeader(const QByteArray& bytes, int* width, int* height, QString* reason);

    /// Decodes `bytes` into `out` (`outChannels` planes of width×height, 1 or 3). With 3 output channels a gray
    /// image is written to all three planes. Returns false with `reason` set when the file is not usable.
    bool decode(const QByteArray& bytes, uint8_t* out, int outChannels, int width, int height, DecodedInfo* info,
                QString* reason) const;

    const DecodeOptions& options() const { return options_; }

private:
    DecodeOptions options_;
};

} // namespace prunelab::datasets
