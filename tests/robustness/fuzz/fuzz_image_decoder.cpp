// Fuzz target: the image decoder (header check, then OpenCV decode and conversion), as the loader calls it for
// every file. Either the image is decoded within the limits or a reason is given.
#include "tests/robustness/fuzz/FuzzCheck.h"

#include "datasets/ImageDecoder.h"

#include <cstdint>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace prunelab::datasets;
    const QByteArray bytes(reinterpret_cast<const char*>(data), qsizetype(size));
    DecodeOptions options;
    options.width = 16;
    options.height = 12;
    options.maxPixels = 4 << 20; // keep each decode small: the limit is what is under test, not the machine
    const ImageDecoder decoder(options);
    int width = 0;
    int height = 0;
    QString reason;
    if (ImageDecoder::readHeader(bytes, &width, &height, &reason))
        PRUNELAB_FUZZ_CHECK(width > 0 && height > 0);
    else
        PRUNELAB_FUZZ_CHECK(!reason.isEmpty());
    for (int channels : {1, 3}) {
        std::vector<uint8_t> out(size_t(channels) * 16 * 12, 0xAB);
        DecodedInfo info;
        reason.clear();
        if (decoder.decode(bytes, out.data(), channels, 16, 12, &info, &reason))
            PRUNELAB_FUZZ_CHECK(info.width > 0 && info.height > 0 &&
                                qint64(info.width) * info.height <= options.maxPixels && info.channels >= 1 &&
                                info.channels <= 4);
        else
            PRUNELAB_FUZZ_CHECK(!reason.isEmpty());
    }
    return 0;
}
