#include "DatasetCommands.h"

#include "CliCommands.h"
#include "CliOptions.h"

#include "core/workbench/UserSettings.h"
#include "datasets/BrainSliceDemo.h"
#include "datasets/DatasetCache.h"
#include "datasets/DatasetLoader.h"
#include "datasets/DatasetSplit.h"
#include "datasets/DemoMriGenerator.h"
#include "datasets/ImageSetWriter.h"

#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>

#include <unistd.h>

namespace prunelab::cli {

namespace {

/// Options shared by the commands that load a source. Returns false (after printing why) on a bad value.
bool addLoadOptions(QCommandLineParser& parser)
{
    parser.addOption(option("image-size", "Resize images to N×N (default: 128 for image files, native for IDX).", "n"));
    parser.addOption(option("color", "auto (gray when every image is gray), gray or rgb.", "mode"));
    parser.addOption(option("no-cache", "Decode again even when the pixel cache holds this source."));
    return true;
}

bool readLoadOptions(const QCommandLineParser& parser, datasets::LoadOptions* options)
{
    if (parser.isSet(QStringLiteral("image-size"))) {
        bool ok = false;
        const int size = parser.value(QStringLiteral("image-size")).toInt(&ok);
        if (!ok || size < 8 || size > 4096) {
            QTextStream(stderr) << errorPrefix() << "--image-size must be a whole number from 8 to 4096, got '"
                                << parser.value(QStringLiteral("image-size")) << "'\n";
            return false;
        }
        options->width = options->height = size;
    }
    if (parser.isSet(QStringLiteral("color"))) {
        try {
            options->color = datasets::colorModeFromName(parser.value(QStringLiteral("color")));
        } catch (const std::invalid_argument& e) {
            QTextStream(stderr) << errorPrefix() << "--color: " << e.what() << '\n';
            return false;
        }
    }
    if (!parser.isSet(QStringLiteral("no-cache"))) { // the folder and limit of Preferences (a limit of 0: no cache)
        const workbench::UserSettings settings;
        options->cacheDirectory = settings.activeCacheDirectory();
        options->cacheLimitBytes = settings.cacheLimitBytes();
    }
    return true;
}

/// "decoding 1200/34000" on a terminal, rewritten in place; nothing when stderr is a file or a pipe.
datasets::DatasetLoader::Progress terminalProgress(const char* what)
{
    if (!isatty(STDERR_FILENO))
        return {};
    auto clock = std::make_shared<QElapsedTimer>();
    clock->start();
    return [clock, what](qint64 done, qint64 total) {
        if (done == total || clock->elapsed() > 100) {
            clock->restart();
            QTextStream(stderr) << '\r' << what << ' ' << done << '/' << total << (done == total ? "\n" : "")
                                << Qt::flush;
        }
        return true;
    };
}

} // namespace

int datasetSummarize(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Say what a dataset holds: classes, counts, sizes, channels, exact "
                       "duplicates, empty classes and every skipped file with its reason."));
    parser.addPositionalArgument(QStringLiteral("source"),
                                 QStringLiteral("A folder, .zip, .csv, IDX files, demo or fashion-mnist."));
    parser.addOption(option("json", "Print one JSON object."));
    addLoadOptions(parser);
    if (const int code = parseOrExit(parser, arguments); code >= 0)
        return code;
    if (parser.positionalArguments().size() != 1) {
        QTextStream(stderr) << errorPrefix() << "dataset summarize needs exactly one SOURCE\n";
        return BadUsage;
    }
    datasets::LoadOptions options;
    if (!readLoadOptions(parser, &options))
        return BadUsage;
    const QString source = parser.positionalArguments().first();
    try {
        QElapsedTimer clock;
        clock.start();
        const datasets::LoadedDataset data =
            datasets::DatasetLoader(options).load(source, terminalProgress("decoding"));
        // How many duplicate groups a plain split (every image on its own, as the seed notebook's) would leak.
        datasets::SplitOptions plain;
        const qsizetype leaking = data.summary.straddlingGroups(datasets::splitStratified(data.images, plain));
        if (parser.isSet(QStringLiteral("json"))) {
            QJsonObject json = data.summary.toJson(data.images.files);
            json.insert(QStringLiteral("straddling_duplicates_plain_split"), double(leaking));
            json.insert(QStringLiteral("test_images"), double(data.test.count()));
            json.insert(QStringLiteral("from_cache"), data.fromCache);
            json.insert(QStringLiteral("seconds"), double(clock.elapsed()) / 1000.0);
            QTextStream(stdout) << QJsonDocument(json).toJson(QJsonDocument::Compact) << Qt::endl;
        } else {
            QTextStream out(stdout);
            out << data.summary.toText(data.images.files);
            if (!data.test.isEmpty())
                out << "own test set: " << data.test.count() << " images\n";
            out << "duplicate groups a plain random split would put on both sides: " << leaking
                << " (PruneLab's split keeps duplicates together)\n";
            out << (data.fromCache ? "read from the pixel cache" : "decoded") << " in "
                << QString::number(double(clock.elapsed()) / 1000.0, 'f', 2) << " s\n";
        }
    } catch (const std::exception& e) {
        QTextStream(stderr) << errorPrefix() << e.what() << '\n';
        return RunFailed;
    }
    return Success;
}

int datasetExport(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Write any dataset source as PNG class folders, or as a .zip of "
                                                    "them (for example to turn IDX files into images)."));
    parser.addPositionalArgument(QStringLiteral("source"),
                                 QStringLiteral("A folder, .zip, .csv, IDX files, demo or fashion-mnist."));
    parser.addPositionalArgument(QStringLiteral("out"), QStringLiteral("A folder, or a path ending in .zip."));
    addLoadOptions(parser);
    if (const int code = parseOrExit(parser, arguments); code >= 0)
        return code;
    if (parser.positionalArguments().size() != 2) {
        QTextStream(stderr) << errorPrefix() << "dataset export needs SOURCE and OUT\n";
        return BadUsage;
    }
    datasets::LoadOptions options;
    if (!readLoadOptions(parser, &options))
        return BadUsage;
    const QString source = parser.positionalArguments().at(0);
    const QString out = parser.positionalArguments().at(1);
    try {
        const datasets::LoadedDataset data =
            datasets::DatasetLoader(options).load(source, terminalProgress("decoding"));
        const bool zip = out.endsWith(QLatin1String(".zip"), Qt::CaseInsensitive);
        // IDX sources have their own test images: they go beside the training images as train/ and test/.
        if (data.test.isEmpty()) {
            zip ? datasets::writeClassZip(data.images, out) : datasets::writeClassFolders(data.images, out);
        } else if (zip) {
            QTextStream(stderr) << errorPrefix() << source << " has its own test images; export it to a folder "
                                << "(train/ and test/ are written side by side)\n";
            return BadUsage;
        } else {
            datasets::writeClassFolders(data.images, out + QStringLiteral("/train"));
            datasets::writeClassFolders(data.test, out + QStringLiteral("/test"));
        }
        QTextStream(stdout) << "wrote " << data.images.count() + data.test.count() << " images in "
                            << data.images.classNames.size() << " classes to " << out << " (skipped "
                            << data.summary.skipped.size() << ")" << Qt::endl;
    } catch (const std::exception& e) {
        QTextStream(stderr) << errorPrefix() << e.what() << '\n';
        return RunFailed;
    }
    return Success;
}

int datasetDemo(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Write the demo dataset as class folders of PNG images."));
    parser.addPositionalArgument(QStringLiteral("outdir"), QStringLiteral("Folder to write (created if missing)."));
    parser.addOption(option("per-class", "Images per class (default: the Kaggle imbalance at 1/32 scale).", "n"));
    parser.addOption(option("seed", "Random seed (default 42).", "s"));
    parser.addOption(option("image-size", "Image side in pixels (default 128).", "n"));
    if (const int code = parseOrExit(parser, arguments); code >= 0)
        return code;
    if (parser.positionalArguments().size() != 1) {
        QTextStream(stderr) << errorPrefix() << "dataset demo needs exactly one OUTDIR\n";
        return BadUsage;
    }
    datasets::DemoOptions demo;
    qint64 perClass = 0, seed = qint64(demo.seed), size = demo.size;
    bool valid = readWholeNumber(parser, "per-class", 1, 100000, &perClass); // every bad value is reported
    valid = readWholeNumber(parser, "seed", 0, 4294967295LL, &seed) && valid;
    valid = readWholeNumber(parser, "image-size", 16, 512, &size) && valid;
    if (!valid)
        return BadUsage;
    if (perClass > 0)
        demo.perClass = QList<int>(demo.perClass.size(), int(perClass));
    demo.seed = quint64(seed);
    demo.size = int(size);
    try {
        const datasets::ImageSet set = datasets::BrainSliceDemo::available()
                                           ? datasets::BrainSliceDemo().generate(demo)
                                           : datasets::DemoMriGenerator().generate(demo);
        datasets::writeClassFolders(set, parser.positionalArguments().first());
        QTextStream(stdout) << "wrote " << set.count() << " images in " << set.classNames.size() << " class folders to "
                            << parser.positionalArguments().first() << Qt::endl;
    } catch (const std::exception& e) {
        return fail(e, RunFailed);
    }
    return Success;
}

} // namespace prunelab::cli
