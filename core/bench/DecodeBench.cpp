#include "core/bench/DecodeBench.h"

#include "core/bench/PythonReference.h"
#include "core/engine/models/ModelFactory.h"
#include "core/engine/training/Trainer.h"
#include "datasets/DatasetLoader.h"
#include "datasets/DemoMriGenerator.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>

#include <QFileInfo>
#include <QTemporaryDir>
#include <QThread>
#include <fcntl.h>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <iostream>
#include <stdexcept>

extern char** environ;

namespace prunelab::bench {

using namespace prunelab::datasets;

namespace {

double seconds(std::chrono::steady_clock::time_point since)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// The process's peak resident size since the last resetPeakRss() (VmHWM), in KiB; getrusage's lifetime peak when
// /proc does not say.
long peakRssKiB()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (status.open(QIODevice::ReadOnly))
        for (const QByteArray& line : status.readAll().split('\n'))
            if (line.startsWith("VmHWM:"))
                return line.mid(6).trimmed().split(' ').value(0).toLong();
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

// Linux (since 4.0) resets VmHWM to the current size when "5" is written to clear_refs: the peak of this benchmark
// alone, not of what ran before it in the same process (`bench all`).
void resetPeakRss()
{
    QFile clear(QStringLiteral("/proc/self/clear_refs"));
    if (clear.open(QIODevice::WriteOnly))
        clear.write("5");
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
            cv::Mat image = cv::imread((root + QLatin1Char('/') + c + QLatin1Char('/') + f).toStdString(),
                                       cv::IMREAD_COLOR),
                    small;
            cv::resize(image, small, cv::Size(size, size), 0, 0, cv::INTER_AREA);
            out.insert(out.end(), small.datastart, small.dataend);
        }
    }
    return seconds(start);
}

} // namespace

BenchReport runDecodeBench(const DecodeBenchOptions& options)
{
    const int size = options.size;
    QTemporaryDir temp;
    const QString root =
        options.keep.empty() ? temp.filePath(QStringLiteral("images")) : QString::fromStdString(options.keep);
    if (!QFileInfo::exists(root + QStringLiteral("/NonDemented"))) {
        std::cerr << "writing " << options.images << " JPEG files to " << root.toStdString() << "…\n";
        writeImages(root, options.images);
    }

    LoadOptions load;
    load.width = load.height = size;
    load.color = ColorMode::Rgb; // the memory target is for an RGB set
    load.cacheDirectory = temp.filePath(QStringLiteral("cache"));
    const long rssBefore = currentRssKiB();
    resetPeakRss();
    auto start = std::chrono::steady_clock::now();
    LoadedDataset first = DatasetLoader(load).load(root);
    const double decode = seconds(start);
    const double uint8MiB = double(first.images.pixels.size()) / (1 << 20);
    const double peakMiB = double(peakRssKiB() - rssBefore) / 1024.0;
    const qsizetype loaded = first.images.count();
    first = {};
    start = std::chrono::steady_clock::now();
    const LoadedDataset cached = DatasetLoader(load).load(root);
    const double reopen = seconds(start);
    const double reference = openCvLoop(root, size); // after the loads: its buffer must not count in their peak

    BenchReport report;
    report.benchmark = "decode";
    report.number("images", double(loaded));
    report.number("size", size);
    report.number("threads", QThread::idealThreadCount());
    report.number("prunelab_decode_s", decode);
    report.number("images_per_second", double(loaded) / decode);
    report.number("prunelab_cache_s", reopen);
    report.number("cache_speedup", decode / reopen);
    report.number("opencv_loop_s", reference);
    report.number("speedup_vs_opencv_loop", reference / decode);
    report.number("uint8_mib", uint8MiB);
    report.number("peak_growth_mib", peakMiB);
    report.number("peak_over_uint8", peakMiB / uint8MiB);
    report.number("cache_matches", cached.images.count() == loaded ? 1 : 0);
    report.lines.push_back(std::to_string(loaded) + " JPEG images → " + std::to_string(size) + "×" +
                           std::to_string(size) + " RGB, " + std::to_string(QThread::idealThreadCount()) + " threads");
    report.lines.push_back("  PruneLab decode:         " + fixed(decode, 2) + " s (" +
                           grouped(double(loaded) / decode) + " images/s)");
    report.lines.push_back("  OpenCV loop, 1 thread:   " + fixed(reference, 2) + " s   PruneLab ×" +
                           fixed(reference / decode, 2));
    if (options.reference) {
        const PythonResult python = runPython(decodeReferenceScript(), {root.toStdString(), std::to_string(size),
                                                                        std::to_string(QThread::idealThreadCount())});
        if (python.ran && python.values.count("seconds")) {
            const double torchvision = python.values.at("seconds");
            report.label("reference", "torchvision ImageFolder + DataLoader");
            report.number("torchvision_s", torchvision);
            report.number("reference_images_per_second", double(loaded) / torchvision);
            report.number("ratio", torchvision / decode);
            report.lines.push_back("  torchvision DataLoader:  " + fixed(torchvision, 2) + " s   PruneLab ×" +
                                   fixed(torchvision / decode, 2));
        } else {
            report.label("reference_skipped", python.error);
            report.lines.push_back("  torchvision reference skipped: " + python.error);
        }
    }
    report.lines.push_back("  PruneLab reopen (cache): " + fixed(reopen, 2) + " s   ×" + fixed(decode / reopen, 2) +
                           " the first open");
    report.lines.push_back("  peak memory growth " + fixed(peakMiB, 0) + " MiB for " + fixed(uint8MiB, 0) +
                           " MiB of pixels (×" + fixed(peakMiB / uint8MiB, 2) + ")");
    return report;
}

BenchReport runFileTrainBench(const FileTrainBenchOptions& options)
{
    QTemporaryDir temp;
    const QString root =
        options.keep.empty() ? temp.filePath(QStringLiteral("images")) : QString::fromStdString(options.keep);
    if (!QFileInfo::exists(root + QStringLiteral("/NonDemented"))) {
        std::cerr << "writing " << options.images << " JPEG files to " << root.toStdString() << "…\n";
        writeImages(root, options.images);
    }
    const int64_t batch = 64;
    const auto start = std::chrono::steady_clock::now();
    LoadOptions load;
    load.width = load.height = options.size;
    load.color = ColorMode::Gray;
    load.cacheDirectory = temp.filePath(QStringLiteral("no-cache-yet")); // empty: every file is decoded
    const LoadedDataset loaded = DatasetLoader(load).load(root);
    const double decoded = seconds(start);
    const ImageSet& set = loaded.images;
    engine::TensorDataset data;
    data.images = torch::from_blob(const_cast<uint8_t*>(set.pixels.data()),
                                   {set.count(), 1, options.size, options.size}, torch::kUInt8);
    data.labels = torch::from_blob(const_cast<int64_t*>(set.labels.data()), {set.count()}, torch::kLong);
    data.classCount = set.classNames.size();
    engine::ModelSpec spec;
    spec.arch = "lenet5";
    torch::manual_seed(1);
    engine::Trainer trainer(engine::buildModel(spec, 1, options.size, options.size, data.classCount),
                            engine::Normalizer::fromData(data.images), torch::kCPU);
    engine::TrainOptions train;
    train.epochs = 1;
    train.batchSize = batch;
    engine::TensorDataset none;
    none.classCount = data.classCount;
    trainer.fit(data, none, train);
    const double ours = seconds(start);

    BenchReport report;
    report.benchmark = "train";
    report.label("model", "lenet5-from-files");
    report.number("images", double(set.count()));
    report.number("batch_size", double(batch));
    report.number("seconds", ours);
    report.number("samples_per_second", double(set.count()) / ours);
    std::string line = "end to end from " + std::to_string(set.count()) + " JPEG files (decode " +
                       std::to_string(options.size) + "×" + std::to_string(options.size) +
                       " gray + one epoch of LeNet-5, batch 64): PruneLab " + fixed(ours, 2) + " s (decode " +
                       fixed(decoded, 2) + " s)";
    if (options.reference) {
        const std::string size = std::to_string(options.size);
        const std::string pythonSpec =
            "{\"arch\":\"lenet5\",\"optimizer\":\"adam\",\"lr\":0.001,\"batch\":64,\"steps\":0,"
            "\"warmup\":0,\"channels\":1,\"height\":" +
            size + ",\"width\":" + size + "}";
        const PythonResult python =
            runPython(trainReferenceScript(), {"--spec", pythonSpec, "--files", root.toStdString(), "--workers",
                                               std::to_string(QThread::idealThreadCount())});
        if (python.ran && python.values.count("seconds")) {
            // Python drops the last partial batch (drop_last): its rate is per sample it trained on.
            const double rate = python.values.at("samples_per_second");
            report.label("reference", "torchvision ImageFolder + DataLoader loop");
            report.number("reference_seconds", python.values.at("seconds"));
            report.number("reference_samples_per_second", rate);
            report.number("ratio", (double(set.count()) / ours) / rate);
            line += " · torchvision DataLoader " + fixed(python.values.at("seconds"), 2) + " s · ×" +
                    fixed((double(set.count()) / ours) / rate, 2) + " the samples per second";
        } else {
            report.label("reference_skipped", python.error);
            line += " (torchvision reference skipped: " + python.error + ")";
        }
    }
    report.number("decode_seconds", decoded);
    report.lines.push_back(line);
    return report;
}

BenchReport runMemoryBench(const MemoryBenchOptions& options)
{
    QTemporaryDir temp;
    const QString root =
        options.keep.empty() ? temp.filePath(QStringLiteral("images")) : QString::fromStdString(options.keep);
    if (!QFileInfo::exists(root + QStringLiteral("/NonDemented"))) {
        std::cerr << "writing " << options.images << " JPEG files to " << root.toStdString() << "…\n";
        writeImages(root, options.images);
    }
    const std::string cli = options.cli.empty() ? QCoreApplication::applicationFilePath().toStdString() : options.cli;
    const std::string size = std::to_string(options.size);
    std::vector<std::string> arguments{cli,
                                       "run",
                                       "mri-threshold-sweep",
                                       "--sessions",
                                       temp.filePath(QStringLiteral("sessions")).toStdString(),
                                       "--set",
                                       "dataset.source=" + root.toStdString(),
                                       "--set",
                                       "dataset.image_size=[" + size + "," + size + "]",
                                       "--set",
                                       "dataset.color=rgb",
                                       "--set",
                                       "model.init=default",
                                       "--set",
                                       "train.epochs=1",
                                       "--set",
                                       "prune.thresholds=[0.01]",
                                       "--set",
                                       "prune.fine_tune_epochs=1"};
    // The run writes each phase's peak here (workbench/MemoryPhases.h): "<phase> <KiB>" a line.
    const QString phasesFile = temp.filePath(QStringLiteral("memory-phases.txt"));
    std::vector<std::string> environment{"XDG_CACHE_HOME=" + temp.filePath(QStringLiteral("cache")).toStdString(),
                                         "QT_QPA_PLATFORM=offscreen",
                                         "PRUNELAB_MEMORY_PHASES=" + phasesFile.toStdString()};
    for (char** e = environ; *e != nullptr; ++e)
        if (std::strncmp(*e, "XDG_CACHE_HOME=", 15) != 0 && std::strncmp(*e, "QT_QPA_PLATFORM=", 16) != 0 &&
            std::strncmp(*e, "PRUNELAB_MEMORY_PHASES=", 23) != 0)
            environment.emplace_back(*e);
    std::vector<char*> argv, envp;
    for (std::string& a : arguments)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    for (std::string& e : environment)
        envp.push_back(e.data());
    envp.push_back(nullptr);

    posix_spawn_file_actions_t quiet;
    posix_spawn_file_actions_init(&quiet);
    posix_spawn_file_actions_addopen(&quiet, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    const auto start = std::chrono::steady_clock::now();
    pid_t child = 0;
    const int spawned = posix_spawn(&child, cli.c_str(), &quiet, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&quiet);
    if (spawned != 0)
        throw std::runtime_error("cannot start " + cli + ": " + std::strerror(spawned));
    int status = 0;
    rusage usage{};
    if (wait4(child, &status, 0, &usage) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        throw std::runtime_error("the measured run failed (" + cli + " run mri-threshold-sweep on " +
                                 root.toStdString() + ", status " + std::to_string(status) + ")");
    const double elapsed = seconds(start);
    const double uint8MiB = double(options.images) * options.size * options.size * 3 / double(1 << 20);

    // Each phase's peak: the largest of its lines (the run resets its high-water mark as each phase begins, so a
    // line is the peak of that stretch alone). The phases cover the run from exec to its last result file; the
    // kernel's own figure (wait4) is then only the peak since the last reset and while threads exited, so the
    // whole run's peak is the largest phase's (or wait4's, should it be larger).
    struct Phase {
        const char* name;
        const char* title;
        double peakMiB = -1;
    };
    Phase phases[] = {{"load", "load and decode"},
                      {"split", "split, fingerprint, statistics, model"},
                      {"train", "training (round 0)"},
                      {"prune", "pruning and fine-tuning"},
                      {"save", "saving rounds and results"}};
    QFile phaseLines(phasesFile);
    if (!phaseLines.open(QIODevice::ReadOnly))
        throw std::runtime_error("the measured run wrote no memory phases (" + phasesFile.toStdString() + ")");
    for (const QByteArray& line : phaseLines.readAll().split('\n')) {
        const QList<QByteArray> fields = line.split(' ');
        if (fields.size() != 2)
            continue;
        for (Phase& phase : phases)
            if (fields[0] == phase.name)
                phase.peakMiB = std::max(phase.peakMiB, double(fields[1].toLong()) / 1024.0);
    }
    double peakMiB = double(usage.ru_maxrss) / 1024.0;
    for (const Phase& phase : phases) {
        if (phase.peakMiB < 0)
            throw std::runtime_error(std::string("the measured run reported no peak for its ") + phase.name +
                                     " phase (" + phasesFile.toStdString() + ")");
        peakMiB = std::max(peakMiB, phase.peakMiB);
    }

    BenchReport report;
    report.benchmark = "memory";
    report.number("images", options.images);
    report.number("size", options.size);
    report.number("seconds", elapsed);
    report.number("uint8_mib", uint8MiB);
    report.number("peak_rss_mib", peakMiB);
    report.number("peak_over_uint8", peakMiB / uint8MiB);
    for (const Phase& phase : phases) {
        report.number(std::string(phase.name) + "_peak_mib", phase.peakMiB);
        report.number(std::string(phase.name) + "_over_uint8", phase.peakMiB / uint8MiB);
    }
    report.lines.push_back(
        "a whole run (the mri-threshold-sweep preset, one epoch, one threshold, one fine-tuning epoch) on " +
        grouped(options.images) + " " + size + "×" + size + " RGB JPEGs: peak " + fixed(peakMiB, 0) + " MiB for " +
        fixed(uint8MiB, 0) + " MiB of uint8 pixels (×" + fixed(peakMiB / uint8MiB, 2) + "), " + fixed(elapsed, 1) +
        " s");
    report.lines.push_back("  peak resident size of each phase (its high-water mark, reset as it begins):");
    for (const Phase& phase : phases) {
        std::string title = phase.title;
        title.resize(std::max<size_t>(title.size(), 40), ' ');
        report.lines.push_back("    " + title + " " + fixed(phase.peakMiB, 0) + " MiB  ×" +
                               fixed(phase.peakMiB / uint8MiB, 2));
    }
    return report;
}

} // namespace prunelab::bench
