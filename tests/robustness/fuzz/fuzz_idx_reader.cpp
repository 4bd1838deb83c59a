// Fuzz target: IdxReader on an images file and a labels file (gzip or plain). Input layout: 4 bytes (little-endian)
// giving the images file's length, the images file, then the labels file. Refusals are std::runtime_error; an
// accepted pair must be consistent.
#include "tests/robustness/fuzz/FuzzCheck.h"

#include "datasets/IdxReader.h"

#include <QString>

#include <cstdint>
#include <cstring>
#include <stdexcept>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size < 4)
        return 0;
    quint32 split = 0;
    std::memcpy(&split, data, 4);
    split = quint32(std::min<size_t>(split, size - 4));
    const QByteArray images(reinterpret_cast<const char*>(data + 4), qsizetype(split));
    const QByteArray labels(reinterpret_cast<const char*>(data + 4 + split), qsizetype(size - 4 - split));
    using prunelab::datasets::IdxReader;
    try {
        const qint64 limit = 16 << 20;
        const prunelab::datasets::ImageSet set =
            IdxReader::fromBytes(IdxReader::decompress(images, QStringLiteral("images"), limit),
                                 IdxReader::decompress(labels, QStringLiteral("labels"), limit),
                                 QStringLiteral("images"), QStringLiteral("labels"));
        PRUNELAB_FUZZ_CHECK(set.channels == 1 && set.width > 0 && set.height > 0);
        PRUNELAB_FUZZ_CHECK(set.pixels.size() == size_t(set.count()) * size_t(set.width) * size_t(set.height));
        PRUNELAB_FUZZ_CHECK(set.labels.size() == size_t(set.count()) && set.files.size() == set.count());
        for (int label : set.labels)
            PRUNELAB_FUZZ_CHECK(label >= 0 && label < set.classNames.size());
    } catch (const std::runtime_error& e) {
        PRUNELAB_FUZZ_CHECK(std::strstr(e.what(), "images") || std::strstr(e.what(), "labels")); // names the file
    }
    return 0;
}
