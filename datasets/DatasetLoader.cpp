#include "datasets/DatasetLoader.h"

#include "datasets/SourceError.h"

#include "datasets/BrainSliceDemo.h"
#include "datasets/DatasetCache.h"
#include "datasets/DemoMriGenerator.h"
#include "datasets/FolderSource.h"
#include "datasets/IdxReader.h"
#include "datasets/NiftiVolume.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QThread>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <numeric>
#include <thread>

namespace prunelab::datasets {

namespace {

constexpr int kDefaultSide = 128;

bool isIdxImagesFile(const QString& name)
{
    return name.contains(QLatin1String("-images-idx3-ubyte"));
}

QString idxLabelsFor(const QString& imagesPath)
{
    QString labels = imagesPath;
    labels.replace(QLatin1String("-images-idx3-ubyte"), QLatin1String("-labels-idx1-ubyte"));
    return labels;
}

/// `train/` and `test/` (or `testing`, `val`…) sub-folders that each hold class folders: the source's own split.
std::pair<QString, QString> trainTestFolders(const QString& folder)
{
    const QDir dir(folder);
    QString train, test;
    for (const QFileInfo& sub : dir.entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        const QString name = sub.fileName().toLower();
        if (name == QLatin1String("train") || name == QLatin1String("training"))
            train = sub.absoluteFilePath();
        else if (name == QLatin1String("test") || name == QLatin1String("testing"))
            test = sub.absoluteFilePath();
    }
    if (train.isEmpty() || test.isEmpty() || dir.entryList(QDir::Dirs | QDir::NoDotAndDotDot).size() != 2)
        return {};
    return {train, test};
}

bool isNiftiFile(const QString& path)
{
    return path.endsWith(QLatin1String(".nii"), Qt::CaseInsensitive) ||
           path.endsWith(QLatin1String(".nii.gz"), Qt::CaseInsensitive);
}

bool folderHasIdx(const QString& folder)
{
    return !QDir(folder).entryList({QStringLiteral("train-images-idx3-ubyte*")}, QDir::Files).isEmpty();
}

/// Decodes every listed entry into one buffer, in parallel, with progress and cancellation.
struct ParallelDecode {
    const SourceListing& listing;
    const LoadOptions& options;
    bool archive = false;

    ImageSet run(const DatasetLoader::Progress& progress, const std::atomic<bool>* cancel, DatasetSummary* summary,
                 QList<QByteArray>* hashes) const
    {
        const qsizetype n = listing.entries.size();
        DecodeOptions decode;
        decode.color = options.color;
        decode.maxPixels = options.maxPixels;
        decode.width = options.width > 0 ? options.width : kDefaultSide;
        decode.height = options.height > 0 ? options.height : kDefaultSide;
        const ImageDecoder decoder(decode);
        const int channels = options.color == ColorMode::Gray ? 1 : 3; // auto decodes RGB, then folds if all gray
        const size_t imageBytes = size_t(channels) * size_t(decode.width) * size_t(decode.height);

        ImageSet set;
        set.channels = channels;
        set.width = decode.width;
        set.height = decode.height;
        set.classNames = listing.classNames;
        set.pixels.resize(size_t(n) * imageBytes);

        std::vector<DecodedInfo> infos(static_cast<size_t>(n));
        std::vector<QString> reasons(static_cast<size_t>(n));
        std::vector<QByteArray> contentHashes(static_cast<size_t>(n));
        // Archive entries are read in central-directory order so each thread walks the directory once.
        std::vector<qsizetype> order(static_cast<size_t>(n));
        std::iota(order.begin(), order.end(), 0);
        if (archive) {
            std::sort(order.begin(), order.end(), [&](qsizetype a, qsizetype b) {
                return listing.entries[a].archiveIndex < listing.entries[b].archiveIndex;
            });
        }
        std::atomic<qsizetype> next{0};
        std::atomic<qsizetype> done{0};
        std::atomic<bool> stop{false};
        const int threadCount = std::clamp<int>(options.threads > 0 ? options.threads : QThread::idealThreadCount(), 1,
                                                int(std::max<qsizetype>(1, n)));
        constexpr qsizetype kChunk = 8;
        const auto worker = [&] {
            std::unique_ptr<ZipSource::Reader> zip;
            if (archive)
                zip = std::make_unique<ZipSource::Reader>(listing.source);
            while (!stop.load(std::memory_order_relaxed) && !(cancel && cancel->load(std::memory_order_relaxed))) {
                const qsizetype begin = next.fetch_add(kChunk);
                if (begin >= n)
                    break;
                for (qsizetype k = begin; k < std::min(n, begin + kChunk); ++k) {
                    const qsizetype i = order[size_t(k)];
                    const SourceEntry& entry = listing.entries[i];
                    QString reason;
                    const QByteArray bytes = zip ? zip->read(entry, options.maxFileBytes, &reason)
                                                 : FolderSource::read(entry, options.maxFileBytes, &reason);
                    try {
                        if (reason.isEmpty()) {
                            // Exact duplicates only: BLAKE2b, a sixth of Qt's SHA-256 time (which was a third of
                            // the decode time of a folder of small JPEGs).
                            contentHashes[size_t(i)] = QCryptographicHash::hash(bytes, QCryptographicHash::Blake2b_256);
                            decoder.decode(bytes, set.pixels.data() + size_t(i) * imageBytes, channels, decode.width,
                                           decode.height, &infos[size_t(i)], &reason);
                        }
                    } catch (const std::exception& e) { // out of memory in a codec, say: this file, not the load
                        reason = QStringLiteral("cannot be decoded: %1").arg(QString::fromLocal8Bit(e.what()));
                    }
                    reasons[size_t(i)] = reason;
                }
                done.fetch_add(std::min(n, begin + kChunk) - begin);
            }
        };
        // One image per thread, each decoded single-threaded: OpenCV's own parallel resize and colour conversion,
        // called from several threads at once, queue on its one pool and make the whole load slower.
        struct OpenCvThreads {
            int saved = cv::getNumThreads();
            OpenCvThreads() { cv::setNumThreads(1); }
            ~OpenCvThreads() { cv::setNumThreads(saved); }
        } serialOpenCv;
        if ((cancel && cancel->load()) || (progress && !progress(0, n)))
            throw LoadCancelled();
        std::vector<std::thread> threads;
        for (int t = 0; t < threadCount; ++t)
            threads.emplace_back(worker);
        bool cancelled = false;
        while (done.load() < n && !cancelled) {
            if ((cancel && cancel->load()) || (progress && !progress(done.load(), n)))
                cancelled = true;
            else
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        stop = cancelled;
        for (std::thread& t : threads)
            t.join();
        if (cancelled)
            throw LoadCancelled();
        if (progress)
            progress(n, n);

        // Keep the good images, in listing order, moving pixels forward in place.
        qsizetype kept = 0;
        bool allGray = true;
        for (qsizetype i = 0; i < n; ++i) {
            const SourceEntry& entry = listing.entries[i];
            if (!reasons[size_t(i)].isEmpty()) {
                summary->skipped.append({entry.file, reasons[size_t(i)]});
                continue;
            }
            const DecodedInfo& info = infos[size_t(i)];
            allGray = allGray && info.gray;
            summary->sizes[QStringLiteral("%1×%2").arg(info.width).arg(info.height)] += 1;
            summary->channels[info.channels] += 1;
            if (kept != i)
                std::memmove(set.pixels.data() + size_t(kept) * imageBytes, set.pixels.data() + size_t(i) * imageBytes,
                             imageBytes);
            set.labels.push_back(entry.label);
            set.files.append(entry.file);
            hashes->append(contentHashes[size_t(i)]);
            ++kept;
        }
        if (options.color == ColorMode::Auto && allGray && channels == 3) {
            const size_t plane = size_t(decode.width) * size_t(decode.height);
            for (qsizetype i = 0; i < kept; ++i)
                std::memmove(set.pixels.data() + size_t(i) * plane, set.pixels.data() + size_t(i) * imageBytes, plane);
            set.channels = 1;
        }
        set.pixels.resize(size_t(kept) * size_t(set.imageSize()));
        set.pixels.shrink_to_fit();
        return set;
    }
};

QByteArray cacheKey(const SourceListing& listing, const LoadOptions& o)
{
    QCryptographicHash key(QCryptographicHash::Sha256);
    key.addData("prunelab-decode-v1");
    key.addData(listing.signature);
    key.addData(
        QStringLiteral("%1x%2 %3 %4").arg(o.width).arg(o.height).arg(colorModeName(o.color)).arg(o.maxPixels).toUtf8());
    return key.result();
}

} // namespace

DatasetLoader::DatasetLoader(LoadOptions options) : options_(std::move(options)) {}

QString DatasetLoader::kindOf(const QString& source)
{
    if (source == QLatin1String("demo") || source == QLatin1String("demo-procedural"))
        return QStringLiteral("demo");
    if (source == QLatin1String("fashion-mnist"))
        return QStringLiteral("fashion-mnist");
    const QFileInfo info(source);
    if (!info.exists())
        return QStringLiteral("missing");
    if (info.isDir()) {
        if (folderHasIdx(source))
            return QStringLiteral("idx");
        return trainTestFolders(source).first.isEmpty() ? QStringLiteral("folder") : QStringLiteral("folder-split");
    }
    const QString name = info.fileName().toLower();
    if (name.endsWith(QLatin1String(".zip")))
        return QStringLiteral("zip");
    if (name.endsWith(QLatin1String(".csv")))
        return QStringLiteral("csv");
    if (isIdxImagesFile(name))
        return QStringLiteral("idx");
    return QStringLiteral("unknown");
}

DemoOptions DatasetLoader::demoOptions(const LoadOptions& options)
{
    DemoOptions demo;
    demo.seed = options.demoSeed;
    if (options.width > 0)
        demo.size = options.width;
    if (options.demoPerClass > 0)
        demo.perClass = QList<int>(demo.perClass.size(), options.demoPerClass);
    return demo;
}

ImageSet DatasetLoader::convert(ImageSet set, int width, int height, ColorMode color)
{
    const int outChannels = color == ColorMode::Gray ? 1 : color == ColorMode::Rgb ? 3 : set.channels;
    const int w = width > 0 ? width : set.width;
    const int h = height > 0 ? height : set.height;
    if (outChannels == set.channels && w == set.width && h == set.height)
        return set;
    std::vector<uint8_t> out(size_t(set.count()) * size_t(outChannels) * size_t(w) * size_t(h));
    const size_t inPlane = size_t(set.width) * size_t(set.height), outPlane = size_t(w) * size_t(h);
    cv::parallel_for_(cv::Range(0, int(set.count())), [&](const cv::Range& range) {
        for (int i = range.start; i < range.end; ++i) {
            std::vector<cv::Mat> planes;
            for (int c = 0; c < set.channels; ++c)
                planes.emplace_back(set.height, set.width, CV_8U,
                                    const_cast<uint8_t*>(set.image(i)) + inPlane * size_t(c));
            cv::Mat image;
            if (set.channels == 3 && outChannels == 1) {
                cv::Mat rgb;
                cv::merge(planes, rgb);
                cv::cvtColor(rgb, image, cv::COLOR_RGB2GRAY);
            } else {
                image = planes.front(); // gray → gray or gray → RGB (replicated below)
                if (set.channels == 3)
                    cv::merge(planes, image);
            }
            cv::Mat sized;
            if (image.cols != w || image.rows != h)
                cv::resize(image, sized, cv::Size(w, h), 0, 0,
                           image.cols * image.rows > w * h ? cv::INTER_AREA : cv::INTER_LINEAR);
            else
                sized = image;
            uint8_t* target = out.data() + size_t(i) * size_t(outChannels) * outPlane;
            for (int c = 0; c < outChannels; ++c) {
                cv::Mat plane(h, w, CV_8U, target + outPlane * size_t(c));
                if (sized.channels() == 1)
                    sized.copyTo(plane);
                else
                    cv::extractChannel(sized, plane, c);
            }
        }
    });
    set.pixels = std::move(out);
    set.channels = outChannels;
    set.width = w;
    set.height = h;
    return set;
}

LoadedDataset DatasetLoader::load(const QString& source, const Progress& progress,
                                  const std::atomic<bool>* cancel) const
{
    const QString kind = kindOf(source);
    LoadedDataset result;
    if (kind == QLatin1String("missing"))
        throwSourceError(
            source,
            QStringLiteral(
                "does not exist (expected a folder, a .zip, a .csv manifest, IDX files, demo or fashion-mnist)"));
    if (kind == QLatin1String("unknown"))
        throwSourceError(
            source,
            QStringLiteral(
                "is not a dataset PruneLab reads (a folder of class folders, a .zip, a .csv manifest, or IDX files)"));

    if (kind == QLatin1String("demo")) {
        if (options_.width != options_.height)
            throwSourceError(source, QStringLiteral("demo images are square: ask for N×N"));
        const DemoOptions demo = demoOptions(options_);
        const auto demoProgress = [&](int done, int total) { return !progress || progress(done, total); };
        // Real anatomy when Debian's mricron-data is installed; the procedural phantom otherwise (or when asked).
        if (source == QLatin1String("demo") && BrainSliceDemo::available())
            result.images = BrainSliceDemo().generate(demo, demoProgress, cancel);
        else
            result.images = DemoMriGenerator().generate(demo, demoProgress, cancel);
        if (result.images.isEmpty())
            throw LoadCancelled();
        result.images = convert(std::move(result.images), 0, 0, options_.color);
        result.summary = DatasetSummary::describe(result.images, DatasetSummary::pixelHashes(result.images));
        result.summary.sizes.insert(QStringLiteral("%1×%1").arg(demo.size), result.images.count());
        result.summary.channels.insert(1, result.images.count());
        return result;
    }

    if (kind == QLatin1String("fashion-mnist") || kind == QLatin1String("idx")) {
        IdxDataset idx;
        const QFileInfo info(source);
        if (kind == QLatin1String("fashion-mnist")) {
            const QString folder = IdxReader::debianFashionMnistFolder();
            if (!QFileInfo::exists(folder))
                throwSourceError(
                    source, QStringLiteral("the Debian package dataset-fashion-mnist is not installed (%1 is missing)")
                                .arg(folder));
            idx = IdxReader::readFolder(folder);
        } else if (info.isDir()) {
            idx = IdxReader::readFolder(source);
        } else {
            const QString labels = idxLabelsFor(source);
            if (!QFileInfo::exists(labels))
                throwSourceError(
                    source,
                    QStringLiteral("has no labels file beside it (expected %1)").arg(QFileInfo(labels).fileName()));
            idx.train = IdxReader::readPair(source, labels);
        }
        const int nativeWidth = idx.train.width, nativeHeight = idx.train.height;
        result.images = convert(std::move(idx.train), options_.width, options_.height, options_.color);
        if (!idx.test.isEmpty())
            result.test = convert(std::move(idx.test), options_.width, options_.height, options_.color);
        result.summary = DatasetSummary::describe(result.images, DatasetSummary::pixelHashes(result.images));
        result.summary.source = QFileInfo(source).exists() ? QFileInfo(source).absoluteFilePath() : source;
        result.summary.sizes.insert(QStringLiteral("%1×%2").arg(nativeWidth).arg(nativeHeight), result.images.count());
        result.summary.channels.insert(1, result.images.count());
        return result;
    }

    if (kind == QLatin1String("folder-split")) {
        const auto [trainFolder, testFolder] = trainTestFolders(source);
        result = decodeListing(FolderSource::list(trainFolder), false, progress, cancel);
        SourceListing testListing = FolderSource::list(testFolder);
        // Test labels follow the training folder's classes; a class only the test folder has cannot be scored.
        QList<SourceEntry> kept;
        for (SourceEntry entry : testListing.entries) {
            entry.label = int(result.images.classNames.indexOf(testListing.classNames.value(entry.label)));
            if (entry.label < 0)
                result.summary.skipped.append({entry.file, QStringLiteral("its class has no training folder")});
            else
                kept.append(entry);
        }
        testListing.entries = kept;
        testListing.classNames = result.images.classNames;
        LoadedDataset test = decodeListing(testListing, false, progress, cancel);
        result.test = std::move(test.images);
        result.summary.skipped += test.summary.skipped;
        result.fromCache = result.fromCache && test.fromCache;
        if (result.cacheMessage.isEmpty())
            result.cacheMessage = test.cacheMessage;
        return result;
    }
    const SourceListing listing = kind == QLatin1String("zip")   ? ZipSource::list(source, options_.zip)
                                  : kind == QLatin1String("csv") ? ManifestSource::list(source)
                                                                 : FolderSource::list(source);
    if (kind == QLatin1String("folder") && std::any_of(listing.entries.begin(), listing.entries.end(),
                                                       [](const SourceEntry& e) { return isNiftiFile(e.location); }))
        return sliceVolumes(listing, progress, cancel);
    return decodeListing(listing, kind == QLatin1String("zip"), progress, cancel);
}

LoadedDataset DatasetLoader::sliceVolumes(const SourceListing& listing, const Progress& progress,
                                          const std::atomic<bool>* cancel) const
{
    const NiftiOptions& n = options_.nifti;
    if (n.axis < 0 || n.axis > 2)
        throwSourceError(listing.source, QStringLiteral("the slice axis must be 0, 1 or 2, got %1").arg(n.axis));
    if (!(n.windowLow >= 0 && n.windowLow < n.windowHigh && n.windowHigh <= 100))
        throwSourceError(listing.source,
                         QStringLiteral("the intensity window must be two percentiles, low < high, in [0, 100]"));
    const int side = options_.width > 0 ? options_.width : kDefaultSide;
    const int sideY = options_.height > 0 ? options_.height : kDefaultSide;
    LoadedDataset result;
    ImageSet& set = result.images;
    set.channels = 1;
    set.width = side;
    set.height = sideY;
    set.classNames = listing.classNames;
    set.sourceDescription = listing.source;
    DatasetSummary found;
    found.skipped = listing.skipped;
    qint64 volumes = 0;
    for (qsizetype v = 0; v < listing.entries.size(); ++v) {
        if ((cancel && cancel->load()) || (progress && !progress(v, listing.entries.size())))
            throw LoadCancelled();
        const SourceEntry& entry = listing.entries[v];
        if (!isNiftiFile(entry.location)) {
            found.skipped.append({entry.file, QStringLiteral("not a NIfTI volume (this folder holds volumes)")});
            continue;
        }
        NiftiVolume volume;
        try {
            volume = NiftiVolume::read(entry.location);
        } catch (const std::exception& e) {
            found.skipped.append({entry.file, QString::fromLocal8Bit(e.what()).section(QStringLiteral(": "), 1)});
            continue;
        }
        const int count = volume.size(n.axis);
        int first = 0, last = count - 1;
        if (n.middleSlices > 0) {
            first = std::max(0, count / 2 - n.middleSlices / 2);
            last = std::min(count - 1, first + n.middleSlices - 1);
        } else if (n.firstSlice >= 0) {
            first = std::min(n.firstSlice, count - 1);
            last = n.lastSlice >= 0 ? std::min(n.lastSlice, count - 1) : count - 1;
        }
        const float low = volume.percentile(n.windowLow), high = volume.percentile(n.windowHigh);
        const double scale = high > low ? 255.0 / double(high - low) : 0.0;
        const qint64 group = volumes++;
        for (int k = first; k <= last; ++k) {
            cv::Mat slice = volume.slice(n.axis, k);
            if (n.skipEmptySlices && cv::countNonZero(slice) == 0)
                continue;
            found.sizes[QStringLiteral("%1×%2").arg(slice.cols).arg(slice.rows)] += 1;
            found.channels[1] += 1;
            // Pad to the target's aspect ratio, then resize: anatomy is not stretched.
            const double aspect = double(side) / double(sideY);
            const int paddedWidth = std::max(slice.cols, int(std::lround(slice.rows * aspect)));
            const int paddedHeight = std::max(slice.rows, int(std::lround(paddedWidth / aspect)));
            cv::Mat padded = cv::Mat::zeros(paddedHeight, paddedWidth, CV_32F);
            slice.copyTo(padded(
                cv::Rect((paddedWidth - slice.cols) / 2, (paddedHeight - slice.rows) / 2, slice.cols, slice.rows)));
            cv::Mat sized, bytes;
            cv::resize(padded, sized, cv::Size(side, sideY), 0, 0,
                       paddedWidth > side ? cv::INTER_AREA : cv::INTER_LINEAR);
            sized.convertTo(bytes, CV_8U, scale, -double(low) * scale);
            set.pixels.insert(set.pixels.end(), bytes.datastart, bytes.dataend);
            set.labels.push_back(entry.label);
            set.files.append(QStringLiteral("%1#%2=%3").arg(entry.file, QStringLiteral("xyz").mid(n.axis, 1)).arg(k));
            set.groups.push_back(group);
        }
    }
    if (progress)
        progress(listing.entries.size(), listing.entries.size());
    if (set.isEmpty())
        throwSourceError(
            listing.source,
            QStringLiteral("no slice could be read from its volumes (%1 skipped)").arg(found.skipped.size()));
    result.summary = DatasetSummary::describe(set, DatasetSummary::pixelHashes(set));
    result.summary.source = listing.source;
    result.summary.sizes = found.sizes;
    result.summary.channels = found.channels;
    result.summary.skipped = found.skipped;
    result.summary.volumes = volumes;
    return result;
}

LoadedDataset DatasetLoader::decodeListing(const SourceListing& listing, bool archive, const Progress& progress,
                                           const std::atomic<bool>* cancel) const
{
    LoadedDataset result;
    const QByteArray key = cacheKey(listing, options_);
    const DatasetCache cache(options_.cacheDirectory, options_.cacheLimitBytes);
    if (cache.load(key, &result.images, &result.summary)) {
        result.fromCache = true;
        if (progress)
            progress(listing.entries.size(), listing.entries.size());
        return result;
    }
    QList<QByteArray> hashes;
    DatasetSummary found;
    found.skipped = listing.skipped;
    ParallelDecode decode{listing, options_, archive};
    result.images = decode.run(progress, cancel, &found, &hashes);
    result.images.sourceDescription = listing.source;
    if (result.images.isEmpty())
        throwSourceError(listing.source,
                         QStringLiteral("no image could be read (%1 skipped; first: %2)")
                             .arg(found.skipped.size())
                             .arg(found.skipped.isEmpty() ? QStringLiteral("no files")
                                                          : found.skipped.first().file + QStringLiteral(": ") +
                                                                found.skipped.first().reason));
    result.summary = DatasetSummary::describe(result.images, hashes);
    result.summary.source = listing.source;
    result.summary.sizes = found.sizes;
    result.summary.channels = found.channels;
    result.summary.skipped = found.skipped;
    // Best effort: a read-only cache folder, or a dataset over the size limit, only costs speed.
    result.cacheMessage = cache.store(key, result.images, result.summary);
    return result;
}

} // namespace prunelab::datasets
