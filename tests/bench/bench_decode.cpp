// Decode-and-resize throughput of the dataset loader against references measured in the same run, on the same files:
// a single-threaded OpenCV loop (imread + resize, what a plain C++ program does) and, when python3-torchvision is
// installed, torchvision's ImageFolder through a DataLoader with one worker per core (what the seed notebook does).
// Also the second open (pixel cache) and peak memory against the uint8 size of the decoded set.
// Usage: bench_decode [--images N] [--size S] [--keep DIR] [--json]
// The images are MRI-like 208×176 JPEGs with three equal channels, like the Kaggle Alzheimer set's; --images 33984
// is that set's size.

#include "datasets/DatasetLoader.h"
#include "datasets/DemoMriGenerator.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QThread>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <iostream>

using namespace prunelab::datasets;

namespace {

double seconds(std::chrono::steady_clock::time_point since)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

long peakRssKiB()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

long currentRssKiB()
{
    QFile status(QStringLiteral("/proc/self/statm"));
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    const QList<QByteArray> fields = status.readAll().split(' ');
    return fields.size() > 1 ? fields[1].toLong() * (sysconf(_SC_PAGESIZE) / 1024) : 0;
}

void writeImages(const QString& root, int count)
{
    const QStringList classes = DemoMriGenerator::classNames();
    for (const QString& c : classes)
        QDir(root).mkpath(c);
    cv::parallel_for_(cv::Range(0, count), [&](const cv::Range& range) {
        for (int i = range.start; i < range.end; ++i) {
            const int label = i % int(classes.size());
            const std::vector<uint8_t> slice = DemoMriGenerator::renderSlice(label / 3.0, quint64(i) * 7919, 208);
            cv::Mat gray(208, 208, CV_8U, const_cast<uint8_t*>(slice.data()));
            cv::Mat cropped = gray(cv::Rect(16, 0, 176, 208)).clone(), bgr;
            cv::cvtColor(cropped, bgr, cv::COLOR_GRAY2BGR);
            cv::imwrite(QStringLiteral("%1/%2/%3.jpg").arg(root, classes[label]).arg(i).toStdString(), bgr);
        }
    });
}

double openCvLoop(const QString& root, int size)
{
    const auto start = std::chrono::steady_clock::now();
    std::vector<uint8_t> out;
    for (const QString& c : QDir(root).entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        for (const QString& f : QDir(root + QLatin1Char('/') + c).entryList(QDir::Files)) {
            cv::Mat image = cv::imread((root + QLatin1Char('/') + c + QLatin1Char('/') + f).toStdString(), cv::IMREAD_COLOR), small;
            cv::resize(image, small, cv::Size(size, size), 0, 0, cv::INTER_AREA);
            out.insert(out.end(), small.datastart, small.dataend);
        }
    }
    return seconds(start);
}

} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    int images = 4000, size = 128;
    bool json = false;
    QString keep;
    const QStringList args = app.arguments();
    for (int i = 1; i < args.size(); ++i) {
        if (args[i] == QLatin1String("--images") && i + 1 < args.size())
            images = args[++i].toInt();
        else if (args[i] == QLatin1String("--size") && i + 1 < args.size())
            size = args[++i].toInt();
        else if (args[i] == QLatin1String("--keep") && i + 1 < args.size())
            keep = args[++i];
        else if (args[i] == QLatin1String("--json"))
            json = true;
    }
    QTemporaryDir temp;
    const QString root = keep.isEmpty() ? temp.filePath(QStringLiteral("images")) : keep;
    if (!QFileInfo::exists(root + QStringLiteral("/NonDemented"))) {
        std::cerr << "writing " << images << " JPEG files to " << root.toStdString() << "…\n";
        writeImages(root, images);
    }

    LoadOptions options;
    options.width = options.height = size;
    options.color = ColorMode::Rgb; // the memory target is for an RGB set
    options.cacheDirectory = temp.filePath(QStringLiteral("cache"));
    const long rssBefore = currentRssKiB();
    auto start = std::chrono::steady_clock::now();
    LoadedDataset first = DatasetLoader(options).load(root);
    const double decode = seconds(start);
    const double uint8MiB = double(first.images.pixels.size()) / (1 << 20);
    const double peakMiB = double(peakRssKiB() - rssBefore) / 1024.0;
    const qsizetype loaded = first.images.count();
    first = {};
    start = std::chrono::steady_clock::now();
    const LoadedDataset cached = DatasetLoader(options).load(root);
    const double reopen = seconds(start);
    const double reference = openCvLoop(root, size); // after the loads: its buffer must not count in their peak

    double torchvision = -1;
    const QString script = QStringLiteral(PRUNELAB_SOURCE_DIR "/tests/bench/torchvision_decode.py");
    // Debian's python3 (python3-torchvision), not whatever python3 comes first on PATH.
    const QString python3 = QFileInfo::exists(QStringLiteral("/usr/bin/python3")) ? QStringLiteral("/usr/bin/python3")
                                                                               : QStringLiteral("python3");
    {
        QProcess python;
        python.start(python3, {script, root, QString::number(size), QString::number(QThread::idealThreadCount())});
        python.waitForFinished(-1);
        if (python.exitCode() == 0)
            torchvision = python.readAllStandardOutput().trimmed().toDouble();
        else
            std::cerr << "torchvision reference skipped: " << python.readAllStandardError().trimmed().toStdString() << "\n";
    }

    QJsonObject result{{"images", double(loaded)},
                       {"size", size},
                       {"threads", QThread::idealThreadCount()},
                       {"opencv_loop_s", reference},
                       {"prunelab_decode_s", decode},
                       {"prunelab_cache_s", reopen},
                       {"speedup_vs_opencv_loop", reference / decode},
                       {"cache_speedup", decode / reopen},
                       {"uint8_mib", uint8MiB},
                       {"peak_growth_mib", peakMiB},
                       {"peak_over_uint8", peakMiB / uint8MiB},
                       {"cache_matches", cached.images.count() == loaded}};
    if (torchvision > 0) {
        result.insert(QStringLiteral("torchvision_s"), torchvision);
        result.insert(QStringLiteral("speedup_vs_torchvision"), torchvision / decode);
    }
    if (json) {
        std::cout << QJsonDocument(result).toJson(QJsonDocument::Compact).toStdString() << std::endl;
        return 0;
    }
    std::cout << loaded << " JPEG images → " << size << "×" << size << " RGB, " << QThread::idealThreadCount() << " threads\n"
              << "  OpenCV loop, 1 thread:   " << reference << " s (reference)\n"
              << "  PruneLab decode:         " << decode << " s   ×" << reference / decode << " the OpenCV loop\n";
    if (torchvision > 0)
        std::cout << "  torchvision DataLoader:  " << torchvision << " s   PruneLab is ×" << torchvision / decode << " faster\n";
    std::cout << "  PruneLab reopen (cache): " << reopen << " s   ×" << decode / reopen << " the first open\n"
              << "  peak memory growth " << peakMiB << " MiB for " << uint8MiB << " MiB of pixels (×" << peakMiB / uint8MiB << ")\n";
    return 0;
}
