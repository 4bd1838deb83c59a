#include "CliCommands.h"
#include "CliOptions.h"

#include "core/workbench/Comparison.h"
#include "core/workbench/Grid.h"
#include "core/workbench/Recipe.h"
#include "core/workbench/RunJob.h"
#include "core/workbench/Session.h"
#include "core/workbench/SessionExporter.h"
#include "core/workbench/SessionStore.h"
#include "datasets/BrainSliceDemo.h"
#include "datasets/DemoMriGenerator.h"
#include "datasets/ImageSetWriter.h"
#include "ui/ChartExport.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>
#include <QTextStream>
#include <QTimer>

#include <csignal>
#include <unistd.h>

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

/// A one-line progress bar on a terminal: redrawn in place, erased before any other line is printed.
class ProgressBar {
public:
    explicit ProgressBar(bool enabled) : enabled_(enabled) {}
    void update(int percent, double eta)
    {
        if (!enabled_)
            return;
        percent_ = percent;
        eta_ = eta;
        draw();
    }
    void clear()
    {
        if (enabled_ && drawn_)
            QTextStream(stdout) << "\r\033[K" << Qt::flush;
        drawn_ = false;
    }
    void draw()
    {
        if (!enabled_ || percent_ < 0)
            return;
        constexpr int width = 30;
        const int filled = percent_ * width / 100;
        const int seconds = int(eta_ + 0.5);
        QTextStream(stdout) << "\r\033[K[" << QString(filled, QLatin1Char('#'))
                            << QString(width - filled, QLatin1Char('.')) << "] " << percent_ << "%  ETA "
                            << seconds / 60 << ':' << QString::number(seconds % 60).rightJustified(2, QLatin1Char('0'))
                            << Qt::flush;
        drawn_ = true;
    }

private:
    bool enabled_;
    bool drawn_ = false;
    int percent_ = -1;
    double eta_ = 0.0;
};

/// Runs a prepared job to the end on its worker thread, printing every event; Ctrl-C cancels cleanly (exit 130)
/// after the last completed round is saved.
int execute(workbench::RunJob& job, bool json)
{
    QTextStream out(stdout);
    ProgressBar bar(!json && ::isatty(STDOUT_FILENO) == 1);
    int exitCode = Success;
    const auto line = [&](const QString& text) {
        bar.clear();
        out << text << Qt::endl;
        bar.draw();
    };
    QObject::connect(&job, &workbench::RunJob::logMessage, [&](const QString& text) {
        if (!json)
            line(text);
    });
    // Each event: one JSON object with --json, else the line the GUI's log shows.
    auto report = [&](const auto& event) {
        if (json)
            printJson(workbench::toJson(event));
        else
            line(workbench::describe(event));
    };
    double eta = 0.0;
    QObject::connect(&job, &workbench::RunJob::etaChanged, [&](double seconds) { eta = seconds; });
    QObject::connect(&job, &workbench::RunJob::progressChanged, [&](int percent) { bar.update(percent, eta); });
    QObject::connect(&job, &workbench::RunJob::epochFinished, report);
    QObject::connect(&job, &workbench::RunJob::roundFinished, report);
    QObject::connect(&job, &workbench::RunJob::finished, [&](const workbench::RunSummary& s) {
        using Outcome = workbench::RunSummary::Outcome;
        bar.clear();
        exitCode = s.outcome == Outcome::Completed ? Success : s.outcome == Outcome::Cancelled ? Cancelled : RunFailed;
        if (s.outcome == Outcome::Failed && !json)
            QTextStream(stderr) << "prunelab-cli: " << workbench::describe(s) << Qt::endl;
        else
            report(s);
        if (!json && !s.session.isEmpty())
            out << "session: " << s.session << Qt::endl;
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

int runComparison(const workbench::Comparison& comparison, bool json);

/// Runs a recipe in a new session under `sessionsRoot` (empty: the default folder); a recipe with a compare list
/// runs as a comparison.
int execute(const workbench::Recipe& recipe, bool json, const QString& sessionsRoot = {}, const QString& name = {},
            const QString& fromSession = {}, int fromRound = -1)
{
    // A dataset that is not there is a mistake in the recipe (exit 2), found before a session is made.
    QList<workbench::Recipe> recipes{recipe};
    for (qsizetype i = 0; i < recipe.compare.size(); ++i)
        recipes << recipe.variant(i);
    for (const workbench::Recipe& r : recipes) {
        const QString& source = r.dataset.source;
        if (source != QLatin1String("demo") && source != QLatin1String("fashion-mnist") && !QFileInfo::exists(source)) {
            QTextStream(stderr) << "prunelab-cli: bad recipe: dataset.source \"" << source << "\" does not exist"
                                << Qt::endl;
            return BadUsage;
        }
    }
    if (!recipe.compare.isEmpty()) {
        try {
            const workbench::Comparison comparison =
                workbench::Comparison::create(workbench::SessionStore(sessionsRoot).root(), recipe, name);
            if (json)
                printJson({{"event", "session"}, {"session", comparison.session().path()}});
            else
                QTextStream(stdout) << "comparison of " << recipe.compare.size()
                                    << " variants: " << comparison.session().path() << Qt::endl;
            return runComparison(comparison, json);
        } catch (const workbench::SessionError& e) {
            return fail(e, RunFailed);
        }
    }
    workbench::RunJob job;
    job.setRecipe(recipe);
    try {
        const workbench::Session session =
            workbench::SessionStore(sessionsRoot).create(name.isEmpty() ? recipe.name : name);
        if (fromSession.isEmpty()) {
            job.setSession(session.path());
        } else {
            try { // the interval-adjoint workflow's begin_itr: rounds 0…K of the earlier session, then this recipe's
                  // rounds after K
                job.startFrom(session.path(), fromSession, fromRound);
            } catch (const workbench::SessionError& e) {
                QDir(session.path()).removeRecursively(); // nothing was run in it
                return fail(e, BadUsage);
            }
        }
        if (json)
            printJson({{"event", "session"}, {"session", session.path()}});
        else
            QTextStream(stdout) << "session: " << session.path() << Qt::endl;
    } catch (const workbench::SessionError& e) {
        return fail(e, RunFailed);
    }
    return execute(job, json);
}

/// Runs (or continues) every variant of a comparison that has not completed, one after the other, then writes
/// the overlaid results and prints the table.
int runComparison(const workbench::Comparison& comparison, bool json)
{
    QTextStream out(stdout);
    int exitCode = Success;
    for (const workbench::Comparison::Entry& e : comparison.entries()) {
        if (workbench::Comparison::isCompleted(e.path)) {
            if (!json)
                out << "== variant " << e.label << ": completed before" << Qt::endl;
            continue;
        }
        workbench::RunJob job;
        try {
            workbench::Comparison::prepare(e, job);
        } catch (const workbench::SessionError& error) {
            return fail(error, RunFailed);
        }
        if (json)
            printJson({{"event", "variant"}, {"label", e.label}, {"session", e.path}});
        else
            out << "== variant " << e.label << ": " << e.recipe.prune.method << " / " << e.recipe.prune.schedule
                << Qt::endl;
        const int code = execute(job, json);
        if (code == Cancelled) {
            comparison.writeResults(QStringLiteral("cancelled"));
            return Cancelled;
        }
        if (code != Success)
            exitCode = RunFailed;
    }
    try {
        comparison.writeResults(exitCode == Success ? QStringLiteral("completed") : QStringLiteral("failed"));
    } catch (const workbench::SessionError& error) {
        return fail(error, RunFailed);
    }
    const QString results = comparison.session().filePath(QStringLiteral("results/comparison.html"));
    if (json)
        printJson({{"event", "done"},
                   {"outcome", exitCode == Success ? "completed" : "failed"},
                   {"session", comparison.session().path()},
                   {"comparison", results}});
    else
        out << '\n'
            << comparison.table() << "comparison: " << results << "\nsession: " << comparison.session().path()
            << Qt::endl;
    return exitCode;
}

/// Validates the JSON as a recipe; prints the key path and the problem (after the file, when it came from one) and
/// returns false when it is wrong.
bool toRecipe(const QJsonObject& json, workbench::Recipe& recipe, const QString& file = {})
{
    try {
        recipe = workbench::Recipe::fromJson(json);
        return true;
    } catch (const workbench::RecipeError& e) {
        QTextStream(stderr) << "prunelab-cli: bad recipe: "
                            << (file.isEmpty() ? QString() : QDir::toNativeSeparators(file) + QStringLiteral(": "))
                            << e.what() << Qt::endl;
        return false;
    }
}

} // namespace

int merge(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Combine comparisons (the shards of a grid) into one comparison."));
    parser.addPositionalArgument(QStringLiteral("sessions"),
                                 QStringLiteral("Comparison folders made by run --grid/--shard."),
                                 QStringLiteral("SESSION..."));
    parser.addOption(option("out", "The merged comparison's folder (must not exist).", "dir"));
    if (const int code = parseOrExit(parser, arguments); code >= 0)
        return code;
    QTextStream err(stderr);
    if (parser.positionalArguments().isEmpty() || !parser.isSet(QStringLiteral("out"))) {
        err << "prunelab-cli: merge needs SESSION... and --out DIR\n";
        return BadUsage;
    }
    workbench::Grid::Merge plan;
    try {
        plan = workbench::Grid::planMerge(parser.positionalArguments());
    } catch (const std::exception& e) { // not a comparison, or shards that do not belong together
        return fail(e, BadUsage);
    }
    workbench::Recipe recipe;
    if (!toRecipe(plan.recipe, recipe))
        return BadUsage;
    try {
        const workbench::Comparison out = workbench::Grid::writeMerge(plan, parser.value(QStringLiteral("out")));
        QTextStream(stdout) << out.table()
                            << "comparison: " << out.session().filePath(QStringLiteral("results/comparison.html"))
                            << "\nsession: " << out.session().path() << Qt::endl;
    } catch (const std::exception& e) {
        return fail(e, RunFailed);
    }
    return Success;
}

int run(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Run a recipe (a JSON file or a built-in preset)."));
    parser.addPositionalArgument(QStringLiteral("recipe"),
                                 QStringLiteral("RECIPE.json or a preset name (prunelab-cli presets); with --from, the "
                                                "earlier session's recipe when left out."),
                                 QStringLiteral("[RECIPE]"));
    parser.addOption(
        option("set", "Override a recipe field: KEY=VALUE, e.g. train.epochs=1 (repeatable).", "key=value"));
    parser.addOption(option("json", "Print one JSON object per event."));
    parser.addOption(option("sessions", "Folder of sessions (default: ~/.local/share/PruneLab/sessions).", "dir"));
    parser.addOption(option("name", "Session name (default: the recipe's name).", "name"));
    parser.addOption(
        option("grid", "Run every combination of values: KEY=V1,V2,… (repeatable), as one comparison.", "key=values"));
    parser.addOption(
        option("shard", "Run only grid points i with i % N == I (0-based; Slurm: $SLURM_ARRAY_TASK_ID/N).", "I/N"));
    parser.addOption(option("from",
                            "Start after a round of an earlier session (its rounds 0…K copied into the new "
                            "session), continuing the schedule at round K + 1.",
                            "session"));
    parser.addOption(
        option("round", "With --from: the round K to start after (default: its last completed round).", "K"));
    if (const int code = parseOrExit(parser, arguments); code >= 0)
        return code;
    const QString from = parser.value(QStringLiteral("from"));
    if (parser.positionalArguments().size() != 1 && !(from.size() > 0 && parser.positionalArguments().isEmpty())) {
        QTextStream(stderr) << "prunelab-cli: run needs exactly one RECIPE.json or preset name (or --from SESSION)\n";
        return BadUsage;
    }
    int fromRound = -1;
    if (parser.isSet(QStringLiteral("round"))) {
        bool ok = false;
        fromRound = parser.value(QStringLiteral("round")).toInt(&ok);
        if (from.isEmpty() || !ok || fromRound < 0) {
            QTextStream(stderr) << "prunelab-cli: --round needs --from SESSION and a round number >= 0, got \""
                                << parser.value(QStringLiteral("round")) << "\"\n";
            return BadUsage;
        }
    }
    if (!from.isEmpty() && (parser.isSet(QStringLiteral("grid")) || parser.isSet(QStringLiteral("shard")))) {
        QTextStream(stderr) << "prunelab-cli: --from starts one run; it cannot be combined with --grid or --shard\n";
        return BadUsage;
    }
    workbench::Recipe recipe;
    try {
        QJsonObject json;
        if (!parser.positionalArguments().isEmpty()) {
            json = workbench::Recipe::loadJson(parser.positionalArguments().first());
        } else {
            try {
                json = workbench::Session::open(from).recipeJson();
            } catch (const workbench::SessionError& e) {
                return fail(e, BadUsage, "--from: ");
            }
        }
        for (const QString& assignment : parser.values(QStringLiteral("set")))
            workbench::Recipe::applyOverride(json, assignment);
        if (parser.isSet(QStringLiteral("grid")) || parser.isSet(QStringLiteral("shard"))) {
            const int points = workbench::Grid::addTo(json, parser.values(QStringLiteral("grid")),
                                                      parser.value(QStringLiteral("shard")));
            if (points == 0) {
                QTextStream(stdout) << "shard " << parser.value(QStringLiteral("shard"))
                                    << ": no grid point falls to this shard" << Qt::endl;
                return Success;
            }
        }
        // A recipe file is named in its error messages; a preset or the recipe of --from's session is not a file.
        const QString source = parser.positionalArguments().value(0);
        const bool isFile = !source.isEmpty() && !workbench::Recipe::presetNames().contains(source);
        if (!toRecipe(json, recipe, isFile ? source : QString()))
            return BadUsage;
    } catch (const workbench::RecipeError& e) {
        return fail(e, BadUsage);
    }
    if (!from.isEmpty() && !recipe.compare.isEmpty()) {
        QTextStream(stderr) << "prunelab-cli: --from starts one run; the recipe has a compare list\n";
        return BadUsage;
    }
    return execute(recipe, parser.isSet(QStringLiteral("json")), parser.value(QStringLiteral("sessions")),
                   parser.value(QStringLiteral("name")), from, fromRound);
}

int train(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Train and prune on the demo dataset: the quick-demo preset, with flags."));
    parser.addOption(option("demo", "Use the built-in demo MRI dataset."));
    // Each flag sets one recipe field; the recipe then validates it, so messages name the field.
    const QList<std::pair<QString, QString>> fields{{"epochs", "train.epochs"},
                                                    {"lr", "train.lr"},
                                                    {"batch-size", "train.batch_size"},
                                                    {"optimizer", "train.optimizer"},
                                                    {"sparsity", "prune.sparsity"},
                                                    {"fine-tune-epochs", "prune.fine_tune_epochs"},
                                                    {"method", "prune.method"},
                                                    {"schedule", "prune.schedule"},
                                                    {"rounds", "prune.rounds"},
                                                    {"rate", "prune.rate"},
                                                    {"device", "device"},
                                                    {"seed", "seed"},
                                                    {"per-class", "dataset.demo_per_class"}};
    for (const auto& [flag, key] : fields)
        parser.addOption(QCommandLineOption(flag, QStringLiteral("Sets %1.").arg(key), QStringLiteral("value")));
    parser.addOption(option("hidden", "MLP hidden widths, e.g. 256,128 (model.hidden).", "list"));
    parser.addOption(option("image-size", "Demo image side in pixels (dataset.image_size).", "n"));
    parser.addOption(option("json", "Print one JSON object per event."));
    parser.addOption(option("sessions", "Folder of sessions (default: ~/.local/share/PruneLab/sessions).", "dir"));
    if (const int code = parseOrExit(parser, arguments); code >= 0)
        return code;
    if (!parser.positionalArguments().isEmpty() || !parser.isSet(QStringLiteral("demo"))) {
        QTextStream(stderr)
            << "prunelab-cli: train takes --demo and flags; for other data use 'prunelab-cli run RECIPE'\n";
        return BadUsage;
    }
    QJsonObject json = workbench::Recipe::presetJson(QStringLiteral("quick-demo"));
    try {
        for (const auto& [flag, key] : fields)
            if (parser.isSet(flag))
                workbench::Recipe::applyOverride(json, key + QLatin1Char('=') + parser.value(flag));
        if (parser.isSet(QStringLiteral("hidden")))
            workbench::Recipe::applyOverride(
                json, QStringLiteral("model.hidden=[%1]").arg(parser.value(QStringLiteral("hidden"))));
        if (parser.isSet(QStringLiteral("image-size"))) {
            const QString n = parser.value(QStringLiteral("image-size"));
            workbench::Recipe::applyOverride(json, QStringLiteral("dataset.image_size=[%1,%1]").arg(n));
        }
    } catch (const workbench::RecipeError& e) {
        return fail(e, BadUsage);
    }
    workbench::Recipe recipe;
    if (!toRecipe(json, recipe))
        return BadUsage;
    return execute(recipe, parser.isSet(QStringLiteral("json")), parser.value(QStringLiteral("sessions")));
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
            return fail(e, BadUsage);
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

namespace {

/// The one SESSION_DIR argument of resume, validate and export; prints the problem and returns false.
bool openSession(const QCommandLineParser& parser, const char* command, workbench::Session& session)
{
    if (parser.positionalArguments().size() != 1) {
        QTextStream(stderr) << "prunelab-cli: " << command << " needs exactly one SESSION_DIR\n";
        return false;
    }
    try {
        session = workbench::Session::open(parser.positionalArguments().first());
        return true;
    } catch (const workbench::SessionError& e) {
        fail(e, 0);
        return false;
    }
}

} // namespace

int resume(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Continue a session's run after its last completed round."));
    parser.addPositionalArgument(QStringLiteral("session"), QStringLiteral("SESSION_DIR, as printed by run or list."));
    parser.addOption(option("json", "Print one JSON object per event."));
    if (const int code = parseOrExit(parser, arguments); code >= 0)
        return code;
    workbench::Session session;
    if (!openSession(parser, "resume", session))
        return BadUsage;
    if (workbench::Comparison::isComparison(session)) {
        try {
            return runComparison(workbench::Comparison::open(session), parser.isSet(QStringLiteral("json")));
        } catch (const workbench::SessionError& e) {
            return fail(e, BadUsage);
        }
    }
    workbench::RunJob job;
    try {
        job.continueSession(session.path());
    } catch (const workbench::SessionError& e) {
        return fail(e, BadUsage);
    }
    return execute(job, parser.isSet(QStringLiteral("json")));
}

/// Runs a prepared one-shot job (validate, TorchScript export) and prints its summary: one JSON object with
/// `event` when `json`, else its message. Exit status 0 when it completed, 1 otherwise.
static int runToEnd(workbench::RunJob& job, bool json, const char* event)
{
    int exitCode = Success;
    QObject::connect(&job, &workbench::RunJob::finished, [&](const workbench::RunSummary& s) {
        exitCode = s.outcome == workbench::RunSummary::Outcome::Completed ? Success : RunFailed;
        if (json) {
            QJsonObject o = workbench::toJson(s);
            o.insert(QStringLiteral("event"), QString::fromLatin1(event));
            printJson(o);
        } else {
            QTextStream(exitCode == Success ? stdout : stderr)
                << (exitCode == Success ? "" : "prunelab-cli: ") << s.message << Qt::endl;
        }
        QCoreApplication::exit(exitCode);
    });
    QTimer::singleShot(0, &job, &workbench::RunJob::start);
    QCoreApplication::exec();
    return exitCode;
}

int validate(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Reload a round's saved model and check that it reproduces the recorded test accuracy."));
    parser.addPositionalArgument(QStringLiteral("session"), QStringLiteral("SESSION_DIR"));
    parser.addOption(option("round", "Round to validate (default: the last completed one).", "k"));
    parser.addOption(option("json", "Print the result as one JSON object."));
    if (const int code = parseOrExit(parser, arguments); code >= 0)
        return code;
    workbench::Session session;
    if (!openSession(parser, "validate", session))
        return BadUsage;
    int round = -1;
    if (parser.isSet(QStringLiteral("round"))) {
        bool ok = false;
        round = parser.value(QStringLiteral("round")).toInt(&ok);
        if (!ok || round < 0) {
            QTextStream(stderr) << "prunelab-cli: --round must be a round number (0 = the dense model), got '"
                                << parser.value(QStringLiteral("round")) << "'\n";
            return BadUsage;
        }
    }
    workbench::RunJob job;
    try {
        job.validateSession(session.path(), round);
    } catch (const workbench::SessionError& e) {
        return fail(e, BadUsage);
    }
    return runToEnd(job, parser.isSet(QStringLiteral("json")), "validated");
}

int exportSession(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Export a session's model, masks, data or report."));
    parser.addPositionalArgument(QStringLiteral("session"), QStringLiteral("SESSION_DIR"));
    parser.addOption(option(
        "format", "torchscript | compact-torchscript | state-dict | masks | plots | csv | report | bundle", "format"));
    parser.addOption(option("out", "File to write (a folder for csv).", "path"));
    parser.addOption(option("round", "K, best or last (default: last).", "k"));
    if (const int code = parseOrExit(parser, arguments); code >= 0)
        return code;
    workbench::Session session;
    if (!openSession(parser, "export", session))
        return BadUsage;
    const QString format = parser.value(QStringLiteral("format"));
    if (!parser.isSet(QStringLiteral("format")) || !parser.isSet(QStringLiteral("out"))) {
        QTextStream(stderr) << "prunelab-cli: export needs --format FORMAT and --out PATH\n";
        return BadUsage;
    }
    const QStringList known = QStringList{QStringLiteral("torchscript"), QStringLiteral("compact-torchscript")} +
                              workbench::SessionExporter::formats();
    if (!known.contains(format)) {
        QTextStream(stderr) << "prunelab-cli: --format must be one of " << known.join(QStringLiteral(", ")) << ", got '"
                            << format << "'\n";
        return BadUsage;
    }
    const workbench::SessionExporter exporter(session);
    int round = 0;
    try {
        round = exporter.resolveRound(parser.value(QStringLiteral("round")));
    } catch (const workbench::SessionError& e) {
        return fail(e, BadUsage);
    }
    if (format == QLatin1String("torchscript") || format == QLatin1String("compact-torchscript")) {
        // The model is rebuilt from the recipe and the round's checked weights (with the data's normalisation).
        workbench::RunJob job;
        job.exportTorchScript(session.path(), round, parser.value(QStringLiteral("out")),
                              format == QLatin1String("compact-torchscript"));
        return runToEnd(job, false, "exported");
    }
    try {
        const QString out = parser.value(QStringLiteral("out"));
        QStringList written;
        if (format == QLatin1String("plots")) { // the GUI's own charts, rendered offscreen
            written = ui::ChartExport::writePlots(session.path(), out);
        } else if (format == QLatin1String("report")) { // HTML, and the PDF beside it
            const QString stem = out.endsWith(QLatin1String(".html")) || out.endsWith(QLatin1String(".pdf"))
                                     ? out.section(QLatin1Char('.'), 0, -2)
                                     : out;
            written = exporter.write(format, stem + QStringLiteral(".html"), round);
            ui::ChartExport::writeReportPdf(session.path(), round, stem + QStringLiteral(".pdf"));
            written << stem + QStringLiteral(".pdf");
        } else {
            written = exporter.write(format, out, round);
        }
        for (const QString& file : written)
            QTextStream(stdout) << "wrote " << file << Qt::endl;
    } catch (const std::exception& e) {
        return fail(e, RunFailed);
    }
    return Success;
}

int list(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("List the sessions, newest first."));
    parser.addOption(option("sessions", "Folder of sessions (default: ~/.local/share/PruneLab/sessions).", "dir"));
    parser.addOption(option("json", "One JSON object per session."));
    if (const int code = parseOrExit(parser, arguments); code >= 0)
        return code;
    if (!parser.positionalArguments().isEmpty()) {
        QTextStream(stderr) << "prunelab-cli: list takes no arguments besides --sessions DIR\n";
        return BadUsage;
    }
    const workbench::SessionStore store(parser.value(QStringLiteral("sessions")));
    QTextStream out(stdout);
    for (const workbench::SessionInfo& i : store.list()) {
        if (parser.isSet(QStringLiteral("json"))) {
            printJson({{"session", i.path},
                       {"name", i.name},
                       {"recipe", i.recipeName},
                       {"created", i.created.toString(Qt::ISODate)},
                       {"status", i.status},
                       {"completed_round", i.completedRound},
                       {"rounds", i.rounds},
                       {"test_accuracy", i.testAccuracy},
                       {"sparsity", i.sparsity},
                       {"message", i.message},
                       {"variants", i.variants},
                       {"variants_completed", i.variantsCompleted}});
            continue;
        }
        out << i.created.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) << "  " << i.name.leftJustified(28) << ' '
            << i.status.leftJustified(10)
            << (i.variants > 0 ? QStringLiteral("variants %1/%2").arg(i.variantsCompleted).arg(i.variants)
                               : QStringLiteral("round %1/%2").arg(std::max(0, i.completedRound)).arg(i.rounds))
                   .leftJustified(14)
            << (i.testAccuracy >= 0 ? QStringLiteral("test %1%").arg(i.testAccuracy * 100, 0, 'f', 2)
                                    : QStringLiteral("-"))
                   .leftJustified(13)
            << QStringLiteral("sparsity %1%").arg(i.sparsity * 100, 0, 'f', 1).leftJustified(16) << i.path << '\n';
    }
    return Success;
}

int session(const QStringList& arguments)
{
    QTextStream err(stderr);
    const bool renameCommand = arguments.size() == 4 && arguments[1] == QLatin1String("rename");
    const bool deleteCommand = arguments.size() == 3 && arguments[1] == QLatin1String("delete");
    if (!renameCommand && !deleteCommand) {
        err << "usage: prunelab-cli session rename SESSION_DIR NEW_NAME | session delete SESSION_DIR\n";
        return BadUsage;
    }
    try {
        const workbench::Session s = workbench::Session::open(arguments[2]);
        const workbench::SessionStore store(QFileInfo(s.path()).absolutePath());
        if (renameCommand)
            QTextStream(stdout) << store.rename(s, arguments[3]).path() << Qt::endl;
        else
            store.remove(s);
    } catch (const workbench::SessionError& e) {
        return fail(e, RunFailed);
    }
    return Success;
}

} // namespace prunelab::cli
