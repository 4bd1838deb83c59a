#include "CliCommands.h"

#include "core/workbench/Recipe.h"
#include "core/workbench/RunJob.h"
#include "datasets/BrainSliceDemo.h"
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

void printJson(const QJsonObject& object)
{
    QTextStream(stdout) << QJsonDocument(object).toJson(QJsonDocument::Compact) << Qt::endl;
}

QCommandLineOption option(const char* name, const char* description, const char* valueName = nullptr)
{
    return valueName ? QCommandLineOption(QString::fromLatin1(name), QString::fromLatin1(description), QString::fromLatin1(valueName))
                     : QCommandLineOption(QString::fromLatin1(name), QString::fromLatin1(description));
}

/// Parses `arguments` (the command name first); prints help or the parser's error. Returns -1 to go on.
int parseOrExit(QCommandLineParser& parser, const QStringList& arguments)
{
    parser.addHelpOption();
    if (!parser.parse(arguments)) {
        QTextStream(stderr) << "prunelab-cli: " << parser.errorText() << '\n';
        return BadUsage;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        QTextStream(stdout) << parser.helpText();
        return Success;
    }
    return -1;
}

/// Runs one recipe to the end on a worker thread, printing every event; Ctrl-C cancels cleanly (exit 130).
int execute(const workbench::Recipe& recipe, bool json)
{
    QTextStream out(stdout);
    workbench::RunJob job;
    job.setRecipe(recipe);
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
    QObject::connect(&job, &workbench::RunJob::roundFinished, report);
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

/// Validates the JSON as a recipe; prints the key path and the problem and returns false when it is wrong.
bool toRecipe(const QJsonObject& json, workbench::Recipe& recipe)
{
    try {
        recipe = workbench::Recipe::fromJson(json);
        return true;
    } catch (const workbench::RecipeError& e) {
        QTextStream(stderr) << "prunelab-cli: bad recipe: " << e.what() << Qt::endl;
        return false;
    }
}

} // namespace

int run(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Run a recipe (a JSON file or a built-in preset)."));
    parser.addPositionalArgument(QStringLiteral("recipe"), QStringLiteral("RECIPE.json or a preset name (prunelab-cli presets)."));
    parser.addOption(option("set", "Override a recipe field: KEY=VALUE, e.g. train.epochs=1 (repeatable).", "key=value"));
    parser.addOption(option("json", "Print one JSON object per event."));
    if (const int code = parseOrExit(parser, arguments); code >= 0)
        return code;
    if (parser.positionalArguments().size() != 1) {
        QTextStream(stderr) << "prunelab-cli: run needs exactly one RECIPE.json or preset name\n";
        return BadUsage;
    }
    workbench::Recipe recipe;
    try {
        QJsonObject json = workbench::Recipe::loadJson(parser.positionalArguments().first());
        for (const QString& assignment : parser.values(QStringLiteral("set")))
            workbench::Recipe::applyOverride(json, assignment);
        if (!toRecipe(json, recipe))
            return BadUsage;
    } catch (const workbench::RecipeError& e) {
        QTextStream(stderr) << "prunelab-cli: " << e.what() << Qt::endl;
        return BadUsage;
    }
    return execute(recipe, parser.isSet(QStringLiteral("json")));
}

int train(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Train and prune on the demo dataset: the quick-demo preset, with flags."));
    parser.addOption(option("demo", "Use the built-in demo MRI dataset."));
    // Each flag sets one recipe field; the recipe then validates it, so messages name the field.
    const QList<std::pair<QString, QString>> fields{
        {"epochs", "train.epochs"},           {"lr", "train.lr"},
        {"batch-size", "train.batch_size"},   {"optimizer", "train.optimizer"},
        {"sparsity", "prune.sparsity"},       {"fine-tune-epochs", "prune.fine_tune_epochs"},
        {"method", "prune.method"},           {"schedule", "prune.schedule"},
        {"rounds", "prune.rounds"},           {"rate", "prune.rate"},
        {"device", "device"},                 {"seed", "seed"},
        {"per-class", "dataset.demo_per_class"}};
    for (const auto& [flag, key] : fields)
        parser.addOption(QCommandLineOption(flag, QStringLiteral("Sets %1.").arg(key), QStringLiteral("value")));
    parser.addOption(option("hidden", "MLP hidden widths, e.g. 256,128 (model.hidden).", "list"));
    parser.addOption(option("image-size", "Demo image side in pixels (dataset.image_size).", "n"));
    parser.addOption(option("json", "Print one JSON object per event."));
    if (const int code = parseOrExit(parser, arguments); code >= 0)
        return code;
    if (!parser.positionalArguments().isEmpty() || !parser.isSet(QStringLiteral("demo"))) {
        QTextStream(stderr) << "prunelab-cli: train takes --demo and flags; for other data use 'prunelab-cli run RECIPE'\n";
        return BadUsage;
    }
    QJsonObject json = workbench::Recipe::presetJson(QStringLiteral("quick-demo"));
    try {
        for (const auto& [flag, key] : fields)
            if (parser.isSet(flag))
                workbench::Recipe::applyOverride(json, key + QLatin1Char('=') + parser.value(flag));
        if (parser.isSet(QStringLiteral("hidden")))
            workbench::Recipe::applyOverride(json, QStringLiteral("model.hidden=[%1]").arg(parser.value(QStringLiteral("hidden"))));
        if (parser.isSet(QStringLiteral("image-size"))) {
            const QString n = parser.value(QStringLiteral("image-size"));
            workbench::Recipe::applyOverride(json, QStringLiteral("dataset.image_size=[%1,%1]").arg(n));
        }
    } catch (const workbench::RecipeError& e) {
        QTextStream(stderr) << "prunelab-cli: " << e.what() << Qt::endl;
        return BadUsage;
    }
    workbench::Recipe recipe;
    if (!toRecipe(json, recipe))
        return BadUsage;
    return execute(recipe, parser.isSet(QStringLiteral("json")));
}

int presets(const QStringList& arguments)
{
    QTextStream out(stdout);
    if (arguments.size() == 1) {
        for (const QString& name : workbench::Recipe::presetNames()) {
            const workbench::Recipe r = workbench::Recipe::fromJson(workbench::Recipe::presetJson(name));
            out << name.leftJustified(28) << r.dataset.source << ", " << r.model.arch << ", " << r.prune.method << " / "
                << r.prune.schedule << '\n';
        }
        return Success;
    }
    if (arguments.size() == 3 && arguments[1] == QLatin1String("show")) {
        try {
            const workbench::Recipe r = workbench::Recipe::fromJson(workbench::Recipe::presetJson(arguments[2]));
            out << QJsonDocument(r.toJson()).toJson(QJsonDocument::Indented);
            return Success;
        } catch (const workbench::RecipeError& e) {
            QTextStream(stderr) << "prunelab-cli: " << e.what() << Qt::endl;
            return BadUsage;
        }
    }
    QTextStream(stderr) << "usage: prunelab-cli presets [show NAME]\n";
    return BadUsage;
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
        QTextStream(stderr) << "prunelab-cli: dataset demo needs exactly one OUTDIR\n";
        return BadUsage;
    }
    datasets::DemoOptions demo;
    const auto number = [&](const char* name, qint64 low, qint64 high, qint64 fallback) -> qint64 {
        if (!parser.isSet(QString::fromLatin1(name)))
            return fallback;
        bool ok = false;
        const qint64 v = parser.value(QString::fromLatin1(name)).toLongLong(&ok);
        if (!ok || v < low || v > high) {
            QTextStream(stderr) << "prunelab-cli: --" << name << " must be a whole number from " << low << " to " << high
                                << ", got '" << parser.value(QString::fromLatin1(name)) << "'\n";
            return -1;
        }
        return v;
    };
    const qint64 perClass = number("per-class", 1, 100000, 0);
    const qint64 seed = number("seed", 0, 4294967295LL, qint64(demo.seed));
    const qint64 size = number("image-size", 16, 512, demo.size);
    if (perClass < 0 || seed < 0 || size < 0)
        return BadUsage;
    if (perClass > 0)
        demo.perClass = QList<int>(demo.perClass.size(), int(perClass));
    demo.seed = quint64(seed);
    demo.size = int(size);
    try {
        const datasets::ImageSet set = datasets::BrainSliceDemo::available() ? datasets::BrainSliceDemo().generate(demo)
                                                                             : datasets::DemoMriGenerator().generate(demo);
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
