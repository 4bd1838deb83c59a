#include "BenchCommands.h"

#include "CliOptions.h"

#include "core/bench/DecodeBench.h"
#include "core/bench/InferBench.h"
#include "core/bench/LessonBench.h"
#include "core/bench/PruneBench.h"
#include "core/bench/TrainBench.h"

#include <stdexcept>

namespace prunelab::cli {

namespace {

void print(const std::vector<bench::BenchReport>& reports, bool json)
{
    QTextStream out(stdout);
    for (const bench::BenchReport& report : reports) {
        if (json)
            out << QString::fromStdString(report.json()) << '\n';
        else
            for (const std::string& line : report.lines)
                out << QString::fromStdString(line) << '\n';
        out.flush();
    }
}

} // namespace

int bench(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Benchmarks against references measured in the same run (python3-torch for train and prune, torchvision for "
        "decode, LibTorch's dense forward for infer).\n"
        "  train   samples/s of the Trainer vs a plain PyTorch loop (models: lenet-300-100, mlp-003, mlp-000, lenet5, "
        "vgg-small, resnet20, densenet-small)\n"
        "  infer   batch-1 and batch-64 latency: dense vs sparse at 90/95/98 % (every SIMD level the CPU runs) vs "
        "structurally compacted; then sparse vs dense convolutions of LeNet-5 and VGG-11/4\n"
        "  prune   global magnitude mask over the MRI threshold sweep's 12.6 M weights vs "
        "torch.nn.utils.prune.global_unstructured\n"
        "  decode  images/s to decode, resize and cache a JPEG folder vs torchvision ImageFolder + DataLoader\n"
        "  memory  peak RSS of a whole run on 33,984 128×128 RGB JPEGs, and of each of its phases, against their uint8 "
        "size (--images N)\n"
        "  lesson  the GUI's default run (accuracy-cliff) from loading the demo to its last round, against the "
        "documented budget of 60 s\n"
        "  all     all of them, one after the other"));
    parser.addPositionalArgument(QStringLiteral("benchmark"),
                                 QStringLiteral("train | infer | prune | decode | memory | lesson | all"));
    parser.addOption(
        option("model", "train: a model or all (default); infer: lenet-300-100 (default), mlp-003, mlp-000.", "name"));
    parser.addOption(option("batch-size", "train: batch size (default: each model's seed's).", "n"));
    parser.addOption(option("steps", "train: timed optimiser steps (default: a few seconds per model).", "n"));
    parser.addOption(option("device", "train: cpu (default) or cuda.", "device"));
    parser.addOption(option("sparsity",
                            "prune: fraction of the weights to remove (default 0.9); infer: the one sparsity to "
                            "measure (default 0.9, 0.95 and 0.98).",
                            "s"));
    parser.addOption(option("images",
                            "decode, memory, train --from-files: how many JPEG files to write (default 4000; "
                            "memory 33984).",
                            "n"));
    parser.addOption(option("size", "decode: square size to resize to (default 128).", "n"));
    parser.addOption(option("recipe", "lesson: a preset or recipe file (default accuracy-cliff).", "recipe"));
    parser.addOption(option("epochs", "lesson: training epochs instead of the recipe's (a quick check).", "n"));
    parser.addOption(option("keep", "decode: write (or reuse) the JPEG files in this folder.", "dir"));
    parser.addOption(option("from-files",
                            "train: only the end-to-end case, from JPEG files (decode + one epoch of "
                            "LeNet-5) against torchvision ImageFolder + DataLoader; --images sets how many."));
    parser.addOption(option("no-reference", "Skip the Python references (PruneLab's own figures only)."));
    parser.addOption(option("json", "One JSON object per measured case."));
    if (const int exit = parseOrExit(parser, arguments); exit >= 0)
        return exit;
    const QStringList positional = parser.positionalArguments();
    const QString what = positional.value(0);
    const QStringList known{QStringLiteral("train"),  QStringLiteral("infer"),  QStringLiteral("prune"),
                            QStringLiteral("decode"), QStringLiteral("memory"), QStringLiteral("lesson"),
                            QStringLiteral("all")};
    if (positional.size() != 1 || !known.contains(what)) {
        QTextStream(stderr) << errorPrefix() << "bench needs one of train, infer, prune, decode, memory, lesson or all"
                            << (what.isEmpty() ? QString() : QStringLiteral(", got '%1'").arg(what)) << '\n';
        return BadUsage;
    }
    const bool reference = !parser.isSet(QStringLiteral("no-reference"));
    const bool json = parser.isSet(QStringLiteral("json"));

    bench::TrainBenchOptions train;
    train.reference = reference;
    bench::InferBenchOptions infer;
    bench::PruneBenchOptions prune;
    prune.reference = reference;
    bench::DecodeBenchOptions decode;
    decode.reference = reference;
    qint64 batch = 0, steps = 0, images = decode.images, size = decode.size, epochs = 0;
    if (!readWholeNumber(parser, "batch-size", 1, 1000000, &batch) ||
        !readWholeNumber(parser, "epochs", 1, 100000, &epochs) ||
        !readWholeNumber(parser, "steps", 1, 10000000, &steps) ||
        !readNumber(parser, "sparsity", 0, 0.999, &prune.sparsity) ||
        !readWholeNumber(parser, "images", 8, 10000000, &images) || !readWholeNumber(parser, "size", 8, 4096, &size))
        return BadUsage;
    if (parser.isSet(QStringLiteral("sparsity")))
        infer.sparsities = {prune.sparsity};
    train.batchSize = int64_t(batch);
    train.steps = int64_t(steps);
    decode.images = int(images);
    decode.size = int(size);
    decode.keep = parser.value(QStringLiteral("keep")).toStdString();
    if (parser.isSet(QStringLiteral("device")))
        train.device = parser.value(QStringLiteral("device")).toStdString();
    if (parser.isSet(QStringLiteral("model")))
        train.model = infer.model = parser.value(QStringLiteral("model")).toStdString();

    try {
        const bool fromFiles = parser.isSet(QStringLiteral("from-files"));
        if ((what == QLatin1String("train") && !fromFiles) || what == QLatin1String("all"))
            print(bench::runTrainBench(train), json);
        if ((what == QLatin1String("train") && fromFiles) || what == QLatin1String("all")) {
            bench::FileTrainBenchOptions files;
            files.images = decode.images;
            files.keep = decode.keep;
            files.reference = reference;
            print({bench::runFileTrainBench(files)}, json);
        }
        if (what == QLatin1String("infer") || what == QLatin1String("all"))
            print(bench::runInferBench(infer), json);
        if (what == QLatin1String("prune") || what == QLatin1String("all"))
            print({bench::runPruneBench(prune)}, json);
        if (what == QLatin1String("decode") || what == QLatin1String("all"))
            print({bench::runDecodeBench(decode)}, json);
        if (what == QLatin1String("memory") || what == QLatin1String("all")) {
            bench::MemoryBenchOptions memory;
            if (parser.isSet(QStringLiteral("images")))
                memory.images = decode.images;
            memory.keep = decode.keep;
            print({bench::runMemoryBench(memory)}, json);
        }
        if (what == QLatin1String("lesson") || what == QLatin1String("all")) {
            bench::LessonBenchOptions lesson;
            if (parser.isSet(QStringLiteral("recipe")))
                lesson.recipe = parser.value(QStringLiteral("recipe")).toStdString();
            lesson.epochs = int(epochs);
            print({bench::runLessonBench(lesson)}, json);
        }
    } catch (const std::invalid_argument& e) {
        QTextStream(stderr) << errorPrefix() << "bench " << what << ": " << e.what() << '\n';
        return BadUsage;
    } catch (const std::exception& e) {
        QTextStream(stderr) << errorPrefix() << "bench " << what << " failed: " << e.what() << '\n';
        return RunFailed;
    }
    return Success;
}

} // namespace prunelab::cli
