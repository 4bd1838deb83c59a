// Fuzz target: a .zip of class folders, listed and every entry read (the loader's path, without decoding). The
// archive is written to one temporary file per process. Refusals are std::runtime_error; every listed entry must
// have a safe name, and no entry may yield more bytes than its header declared or than the limit.
#include "tests/robustness/fuzz/FuzzCheck.h"

#include "datasets/ZipSource.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>

#include <cstdint>
#include <stdexcept>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace prunelab::datasets;
    static QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("fuzz.zip"));
    {
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return 0;
        f.write(reinterpret_cast<const char*>(data), qint64(size));
    }
    ZipLimits limits;
    limits.maxEntryBytes = 1 << 20;
    limits.maxTotalBytes = 64 << 20;
    limits.maxEntries = 10000;
    try {
        const SourceListing listing = ZipSource::list(path, limits);
        ZipSource::Reader reader(path);
        for (const SourceEntry& entry : listing.entries) {
            QString reason;
            PRUNELAB_FUZZ_CHECK(ZipSource::isSafeEntryName(entry.location, &reason));
            PRUNELAB_FUZZ_CHECK(entry.label >= 0 && entry.label < listing.classNames.size());
            const QByteArray bytes = reader.read(entry, limits.maxEntryBytes, &reason);
            PRUNELAB_FUZZ_CHECK(bytes.size() <= entry.size && bytes.size() <= limits.maxEntryBytes);
            PRUNELAB_FUZZ_CHECK(!bytes.isEmpty() || !reason.isEmpty());
        }
        for (const SkippedFile& s : listing.skipped)
            PRUNELAB_FUZZ_CHECK(s.file.startsWith(QStringLiteral("fuzz.zip:")) && !s.reason.isEmpty());
    } catch (const std::runtime_error& e) {
        PRUNELAB_FUZZ_CHECK(QString::fromUtf8(e.what()).contains(QStringLiteral("fuzz.zip")));
    }
    return 0;
}
