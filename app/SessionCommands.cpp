#include "CliCommands.h"
#include "CliOptions.h"
#include "CliOutput.h"

#include "core/workbench/Comparison.h"
#include "core/workbench/Grid.h"
#include "core/workbench/RunJob.h"
#include "core/workbench/Session.h"
#include "core/workbench/SessionExporter.h"
#include "core/workbench/SessionStore.h"

#include <QFileInfo>
#include <QTextStream>

namespace prunelab::cli {

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
        err << errorPrefix() << "merge needs SESSION... and --out DIR\n";
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
            QTextStream(stderr) << errorPrefix() << "--round must be a round number (0 = the dense model), got '"
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
        QTextStream(stderr) << errorPrefix() << "export needs --format FORMAT and --out PATH\n";
        return BadUsage;
    }
    const QStringList known = QStringList{QStringLiteral("torchscript"), QStringLiteral("compact-torchscript")} +
                              workbench::SessionExporter::formats();
    if (!known.contains(format)) {
        QTextStream(stderr) << errorPrefix() << "--format must be one of " << known.join(QStringLiteral(", "))
                            << ", got '" << format << "'\n";
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
        const QStringList written = exporter.exportTo(format, parser.value(QStringLiteral("out")), round);
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
    parser.addOption(sessionsOption());
    parser.addOption(option("json", "One JSON object per session."));
    parser.addOption(option("paths", "Only the session folders, one per line (for scripts and shell completion)."));
    if (const int code = parseOrExit(parser, arguments); code >= 0)
        return code;
    if (!parser.positionalArguments().isEmpty()) {
        QTextStream(stderr) << errorPrefix() << "list takes no arguments besides --sessions DIR\n";
        return BadUsage;
    }
    const workbench::SessionStore store(parser.value(QStringLiteral("sessions")));
    QTextStream out(stdout);
    for (const workbench::SessionInfo& i : store.list()) {
        if (parser.isSet(QStringLiteral("paths"))) {
            out << i.path << '\n';
            continue;
        }
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
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Rename a session (its folder keeps its date and takes the new name) or delete it with its files."));
    parser.addPositionalArgument(QStringLiteral("action"), QStringLiteral("rename or delete."),
                                 QStringLiteral("rename|delete"));
    parser.addPositionalArgument(QStringLiteral("session"), QStringLiteral("SESSION_DIR"));
    parser.addPositionalArgument(QStringLiteral("name"), QStringLiteral("rename: the new name."),
                                 QStringLiteral("[NAME]"));
    if (const int code = parseOrExit(parser, arguments); code >= 0)
        return code;
    const QStringList positional = parser.positionalArguments();
    const bool renameCommand = positional.size() == 3 && positional[0] == QLatin1String("rename");
    const bool deleteCommand = positional.size() == 2 && positional[0] == QLatin1String("delete");
    if (!renameCommand && !deleteCommand) {
        QTextStream(stderr) << errorPrefix()
                            << "usage: prunelab-cli session rename SESSION_DIR NEW_NAME | session delete "
                               "SESSION_DIR\n";
        return BadUsage;
    }
    try {
        const workbench::Session s = workbench::Session::open(positional[1]);
        const workbench::SessionStore store(QFileInfo(s.path()).absolutePath());
        if (renameCommand)
            QTextStream(stdout) << store.rename(s, positional[2]).path() << Qt::endl;
        else
            store.remove(s);
    } catch (const workbench::SessionError& e) {
        return fail(e, RunFailed);
    }
    return Success;
}

} // namespace prunelab::cli
