#include "CliCommands.h"

#include "core/workbench/RunJob.h"
#include "datasets/DemoMriGenerator.h"
#include "datasets/ImageSetWriter.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>
#include <QTimer>

#include <csignal>

namespace prunelab::cli {

namespace {

volatile std::sig_atomic_t interrupted = 0;

void onSigint(int)
{
    interrupted = 1;
}

/// Reads option `name` as a number in [low, high]; on failure prints which option and what it got.
template <typename T> bool readNumber(const QCommandLineParser& parser, const QString& name, T low, T high, T& out)
{
    if (!parser.isSet(name))
        return true;
    bool ok = false;
    const double value = parser.value(name).toDouble(&ok);
    if (!ok || value < double(low) || value > double(high) || (std::is_integral_v<T> && value != double(T(value)))) {
        QTextStream(stderr) << "prunelab-cli: --" << name << " must be a number from " << low << " to " << high
                            << ", got '" << parser.value(name) << "'\n";
        return false;
    }
    out = T(value);
    return true;
}

void printJson(const QJsonObject& object)
{
    QTextStream(stdout) << QJsonDocument(object).toJson(QJsonDocument::Compact) << Qt::endl;
}

QCommandLineOption option(const char* name, const char* description, const char* valueName = nullptr)
{
    return valueName ? QCommandLineOption(QString::fromLatin1(name), QString::fromLatin1(description), QString::fromLatin1(valueName))
                     : QCommandLineOption(QString::fromLatin1(name), QString::fromLatin1(description));
}

void addDemoOptions(QCommandLineParser& parser)
{
    parser.addOption(option("per-class", "Demo images per class (default: the Kaggle imbalance at 1/32 scale).", "n"));
    parser.addOption(option("seed", "Random seed (default 42).", "s"));
    parser.addOption(option("image-size", "Demo image side in pixels (default 64).", "n"));
}

bool readDemoOptions(const QCommandLineParser& parser, datasets::DemoOptions& demo)
{
    int perClass = 0;
    if (!readNumber(parser, QStringLiteral("per-class"), 1, 100000, perClass) ||
        !readNumber<quint64>(parser, QStringLiteral("seed"), 0, 4294967295ULL, demo.seed) ||
        !readNumber(parser, QStringLiteral("image-size"), 16, 512, demo.size))
        return false;
    if (perClass > 0)
        demo.perClass = QList<int>(demo.perClass.size(), perClass);
    return true;
}

} // namespace

int train(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Train an MLP on the demo dataset, prune it, fine-tune it."));
    parser.addHelpOption();
    parser.addOption(option("demo", "Use the built-in demo MRI dataset (the only source for now)."));
    parser.addOption(option("epochs", "Training epochs (default 8).", "n"));
    parser.addOption(option("sparsity", "Fraction of weights removed by global magnitude pruning, 0 = none (default 0.8).", "f"));
    parser.addOption(option("fine-tune-epochs", "Epochs after pruning (default 2).", "n"));
    parser.addOption(option("hidden", "Hidden layer widths (default 256,128).", "list"));
    parser.addOption(option("lr", "Learning rate (default 0.001).", "x"));
    parser.addOption(option("batch-size", "Batch size (default 64).", "n"));
    parser.addOption(option("optimizer", "adam, adamw or sgd (default adam).", "name"));
    parser.addOption(option("device", "auto, cpu, cuda or cuda:N (default auto).", "name"));
    parser.addOption(option("json", "Print one JSON object per event."));
    addDemoOptions(parser);
    if (!parser.parse(arguments)) {
        QTextStream(stderr) << "prunelab-cli: " << parser.errorText() << '\n';
        return BadUsage;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        QTextStream(stdout) << parser.helpText();
        return Success;
    }
    if (!parser.positionalArguments().isEmpty()) {
        QTextStream(stderr) << "prunelab-cli: unexpected argument '" << parser.positionalArguments().first() << "'\n";
        return BadUsage;
    }
    if (!parser.isSet(QStringLiteral("demo"))) {
        QTextStream(stderr) << "prunelab-cli: train needs a dataset; only --demo is available in this version\n";
        return BadUsage;
    }

    workbench::RunConfig config;
    datasets::DemoOptions demo;
    if (!readNumber(parser, QStringLiteral("epochs"), 1, 100000, config.epochs) ||
        !readNumber(parser, QStringLiteral("sparsity"), 0.0, 0.999, config.pruneSparsity) ||
        !readNumber(parser, QStringLiteral("fine-tune-epochs"), 0, 100000, config.fineTuneEpochs) ||
        !readNumber(parser, QStringLiteral("lr"), 1e-7, 10.0, config.learningRate) ||
        !readNumber(parser, QStringLiteral("batch-size"), 1, 65536, config.batchSize) || !readDemoOptions(parser, demo))
        return BadUsage;
    config.seed = demo.seed;
    if (parser.isSet(QStringLiteral("optimizer"))) {
        config.optimizer = parser.value(QStringLiteral("optimizer"));
        if (!QStringList({"adam", "adamw", "sgd"}).contains(config.optimizer)) {
            QTextStream(stderr) << "prunelab-cli: --optimizer must be adam, adamw or sgd, got '" << config.optimizer << "'\n";
            return BadUsage;
        }
    }
    if (parser.isSet(QStringLiteral("device")))
        config.device = parser.value(QStringLiteral("device"));
    if (parser.isSet(QStringLiteral("hidden"))) {
        config.hidden.clear();
        for (const QString& part : parser.value(QStringLiteral("hidden")).split(QLatin1Char(','))) {
            bool ok = false;
            const int width = part.trimmed().toInt(&ok);
            if (!ok || width < 1 || width > 100000) {
                QTextStream(stderr) << "prunelab-cli: --hidden must be widths like 256,128, got '"
                                    << parser.value(QStringLiteral("hidden")) << "'\n";
                return BadUsage;
            }
            config.hidden.append(width);
        }
    }
    const bool json = parser.isSet(QStringLiteral("json"));
    QTextStream out(stdout);

    auto dataset = std::make_shared<datasets::ImageSet>(datasets::DemoMriGenerator().generate(demo));
    if (json)
        printJson({{"event", "dataset"},
                   {"source", "demo"},
                   {"images", int(dataset->count())},
                   {"classes", QJsonValue::fromVariant(dataset->classNames)}});
    else
        out << dataset->sourceDescription << ": " << dataset->count() << " images, " << dataset->classNames.join(", ")
            << Qt::endl;

    workbench::RunJob job;
    job.setDataset(dataset);
    job.setConfig(config);
    int exitCode = Success;
    QObject::connect(&job, &workbench::RunJob::logMessage, [&](const QString& line) {
        if (!json)
            out << line << Qt::endl;
    });
    // Each event: one JSON object with --json, else the line the GUI's log shows.
    auto report = [&](const auto& event) {
        if (json)
            printJson(workbench::toJson(event));
        else
            out << workbench::describe(event) << Qt::endl;
    };
    QObject::connect(&job, &workbench::RunJob::epochFinished, report);
    QObject::connect(&job, &workbench::RunJob::pruned, report);
    QObject::connect(&job, &workbench::RunJob::finished, [&](const workbench::RunSummary& s) {
        using Outcome = workbench::RunSummary::Outcome;
        exitCode = s.outcome == Outcome::Completed ? Success : s.outcome == Outcome::Cancelled ? Cancelled : RunFailed;
        if (s.outcome == Outcome::Failed && !json)
            QTextStream(stderr) << "prunelab-cli: " << workbench::describe(s) << Qt::endl;
        else
            report(s);
        QCoreApplication::exit(exitCode);
    });

    std::signal(SIGINT, onSigint);
    QTimer interruptPoll;
    QObject::connect(&interruptPoll, &QTimer::timeout, [&] {
        if (interrupted)
            job.cancel();
    });
    interruptPoll.start(100);
    QTimer::singleShot(0, &job, &workbench::RunJob::start);
    QCoreApplication::exec();
    return exitCode;
}

int datasetDemo(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Write the demo dataset as class folders of PNG images."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("outdir"), QStringLiteral("Folder to write (created if missing)."));
    addDemoOptions(parser);
    if (!parser.parse(arguments)) {
        QTextStream(stderr) << "prunelab-cli: " << parser.errorText() << '\n';
        return BadUsage;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        QTextStream(stdout) << parser.helpText();
        return Success;
    }
    if (parser.positionalArguments().size() != 1) {
        QTextStream(stderr) << "prunelab-cli: dataset demo needs exactly one OUTDIR\n";
        return BadUsage;
    }
    datasets::DemoOptions demo;
    if (!readDemoOptions(parser, demo))
        return BadUsage;
    try {
        const datasets::ImageSet set = datasets::DemoMriGenerator().generate(demo);
        datasets::writeClassFolders(set, parser.positionalArguments().first());
        QTextStream(stdout) << "wrote " << set.count() << " images in " << set.classNames.size() << " class folders to "
                            << parser.positionalArguments().first() << Qt::endl;
    } catch (const std::exception& e) {
        QTextStream(stderr) << "prunelab-cli: " << e.what() << Qt::endl;
        return RunFailed;
    }
    return Success;
}

} // namespace prunelab::cli
