#include "CliCommands.h"
#include "CliOptions.h"
#include "CliOutput.h"

#include "core/workbench/Comparison.h"
#include "core/workbench/Grid.h"
#include "core/workbench/Recipe.h"
#include "core/workbench/RunJob.h"
#include "core/workbench/Session.h"
#include "core/workbench/SessionStore.h"

#include <QDir>
#include <QFileInfo>
#include <QTextStream>

namespace prunelab::cli {

namespace {

/// Runs a recipe in a new session under `sessionsRoot` (empty: the default folder); a recipe with a compare list
/// runs as a comparison.
int runRecipe(const workbench::Recipe& recipe, Output output, const QString& sessionsRoot = {},
              const QString& name = {}, const QString& fromSession = {}, int fromRound = -1)
{
    // A dataset that is not there is a mistake in the recipe (exit 2), found before a session is made.
    QList<workbench::Recipe> recipes{recipe};
    for (qsizetype i = 0; i < recipe.compare.size(); ++i)
        recipes << recipe.variant(i);
    for (const workbench::Recipe& r : recipes) {
        const QString& source = r.dataset.source;
        if (source != QLatin1String("demo") && source != QLatin1String("fashion-mnist") && !QFileInfo::exists(source)) {
            QTextStream(stderr) << errorPrefix() << "bad recipe: dataset.source \"" << source << "\" does not exist"
                                << Qt::endl;
            return BadUsage;
        }
    }
    if (recipe.runsAsComparison()) {
        try {
            const workbench::Comparison comparison =
                workbench::Comparison::create(workbench::SessionStore(sessionsRoot).root(), recipe, name);
            if (output == Output::Json)
                printJson({{"event", "session"}, {"session", comparison.session().path()}});
            else if (output == Output::Text)
                QTextStream(stdout) << "comparison of " << comparison.entries().size()
                                    << (recipe.repeats > 1 ? " runs (variants × seeds): " : " variants: ")
                                    << comparison.session().path() << Qt::endl;
            return runComparison(comparison, output);
        } catch (const workbench::SessionError& e) {
            return fail(e, RunFailed);
        }
    }
    workbench::RunJob job;
    job.setRecipe(recipe);
    try {
        QString path;
        if (fromSession.isEmpty()) {
            path = job.setNewSession(sessionsRoot, name);
        } else {
            path = workbench::SessionStore(sessionsRoot).create(name.isEmpty() ? recipe.name : name).path();
            try { // the interval-adjoint workflow's begin_itr: rounds 0…K of the earlier session, then this recipe's
                  // rounds after K
                job.startFrom(path, fromSession, fromRound);
            } catch (const workbench::SessionError& e) {
                QDir(path).removeRecursively(); // nothing was run in it
                return fail(e, BadUsage);
            }
        }
        if (output == Output::Json)
            printJson({{"event", "session"}, {"session", path}});
        else if (output == Output::Text)
            QTextStream(stdout) << "session: " << path << Qt::endl;
    } catch (const workbench::SessionError& e) {
        return fail(e, RunFailed);
    }
    return execute(job, output);
}

} // namespace

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
    addOutputOptions(parser);
    parser.addOption(sessionsOption());
    parser.addOption(option("name", "Session name (default: the recipe's name).", "name"));
    parser.addOption(option("repeat",
                            "Run the recipe (each variant) with K seeds: seed, seed + 1, … (same as --set "
                            "repeats=K); prints mean ± std (min–max) over the seeds.",
                            "K"));
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
    Output output = Output::Text;
    if (!readOutput(parser, &output))
        return BadUsage;
    const QString from = parser.value(QStringLiteral("from"));
    if (parser.positionalArguments().size() != 1 && !(from.size() > 0 && parser.positionalArguments().isEmpty())) {
        QTextStream(stderr) << errorPrefix()
                            << "run needs exactly one RECIPE.json or preset name (or --from SESSION)\n";
        return BadUsage;
    }
    int fromRound = -1;
    if (parser.isSet(QStringLiteral("round"))) {
        bool ok = false;
        fromRound = parser.value(QStringLiteral("round")).toInt(&ok);
        if (from.isEmpty() || !ok || fromRound < 0) {
            QTextStream(stderr) << errorPrefix() << "--round needs --from SESSION and a round number >= 0, got \""
                                << parser.value(QStringLiteral("round")) << "\"\n";
            return BadUsage;
        }
    }
    if (!from.isEmpty() && (parser.isSet(QStringLiteral("grid")) || parser.isSet(QStringLiteral("shard")))) {
        QTextStream(stderr) << errorPrefix() << "--from starts one run; it cannot be combined with --grid or --shard\n";
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
        if (parser.isSet(QStringLiteral("repeat")))
            workbench::Recipe::applyOverride(json, QStringLiteral("repeats=") + parser.value(QStringLiteral("repeat")));
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
    if (!from.isEmpty() && recipe.runsAsComparison()) {
        QTextStream(stderr) << errorPrefix() << "--from starts one run; the recipe has a compare list or repeats\n";
        return BadUsage;
    }
    return runRecipe(recipe, output, parser.value(QStringLiteral("sessions")), parser.value(QStringLiteral("name")),
                     from, fromRound);
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
    addOutputOptions(parser);
    parser.addOption(sessionsOption());
    if (const int code = parseOrExit(parser, arguments); code >= 0)
        return code;
    Output output = Output::Text;
    if (!readOutput(parser, &output))
        return BadUsage;
    if (!parser.positionalArguments().isEmpty() || !parser.isSet(QStringLiteral("demo"))) {
        QTextStream(stderr) << errorPrefix()
                            << "train takes --demo and flags; for other data use 'prunelab-cli run RECIPE'\n";
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
    return runRecipe(recipe, output, parser.value(QStringLiteral("sessions")));
}

int resume(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Continue a session's run after its last completed round."));
    parser.addPositionalArgument(QStringLiteral("session"), QStringLiteral("SESSION_DIR, as printed by run or list."));
    addOutputOptions(parser);
    if (const int code = parseOrExit(parser, arguments); code >= 0)
        return code;
    Output output = Output::Text;
    if (!readOutput(parser, &output))
        return BadUsage;
    workbench::Session session;
    if (!openSession(parser, "resume", session))
        return BadUsage;
    if (workbench::Comparison::isComparison(session)) {
        try {
            return runComparison(workbench::Comparison::open(session), output);
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
    return execute(job, output);
}

} // namespace prunelab::cli
