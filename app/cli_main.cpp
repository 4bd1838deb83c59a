// prunelab-cli: runs PruneLab headless. Dispatches to app/CliCommands.cpp.
#include "CliCommands.h"
#include "DatasetCommands.h"

#include <QCoreApplication>
#include <QTextStream>

namespace {

const char* const kUsage = R"(usage: prunelab-cli COMMAND [OPTIONS]

commands:
  run RECIPE.json|PRESET [--set KEY=VALUE]... [--json]
                        run an experiment: train, prune round by round, measure
  train --demo [--epochs N] [--sparsity F] [--method M] [--schedule S] [--rounds N] ...
                        the quick-demo preset on the demo MRI dataset, fields as flags
  presets [show NAME]   list the built-in presets, or print one as JSON
  dataset summarize SOURCE [--json]
                        classes, counts, sizes, duplicates and skipped files of a dataset
  dataset export SOURCE OUT
                        write a dataset as PNG class folders, or a .zip of them
  dataset demo OUTDIR [--per-class N] [--seed S] [--image-size N]
                        write the demo dataset as class folders of PNG images

Run 'prunelab-cli COMMAND --help' for a command's options.
)";

} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("PruneLab"));
    QCoreApplication::setApplicationVersion(QStringLiteral(PRUNELAB_VERSION));
    const QStringList args = QCoreApplication::arguments();
    QTextStream err(stderr);
    if (args.size() < 2 || args[1] == QLatin1String("--help") || args[1] == QLatin1String("-h")) {
        QTextStream(args.size() < 2 ? stderr : stdout) << kUsage;
        return args.size() < 2 ? prunelab::cli::BadUsage : prunelab::cli::Success;
    }
    if (args[1] == QLatin1String("--version")) {
        QTextStream(stdout) << "prunelab-cli " << PRUNELAB_VERSION << '\n';
        return prunelab::cli::Success;
    }
    if (args[1] == QLatin1String("run"))
        return prunelab::cli::run(args.mid(1));
    if (args[1] == QLatin1String("train"))
        return prunelab::cli::train(args.mid(1));
    if (args[1] == QLatin1String("presets"))
        return prunelab::cli::presets(args.mid(1));
    if (args[1] == QLatin1String("dataset") && args.size() > 2 && args[2] == QLatin1String("demo"))
        return prunelab::cli::datasetDemo(args.mid(2));
    if (args[1] == QLatin1String("dataset") && args.size() > 2 && args[2] == QLatin1String("summarize"))
        return prunelab::cli::datasetSummarize(args.mid(2));
    if (args[1] == QLatin1String("dataset") && args.size() > 2 && args[2] == QLatin1String("export"))
        return prunelab::cli::datasetExport(args.mid(2));
    err << "prunelab-cli: unknown command '" << args.mid(1).join(QLatin1Char(' ')) << "'\n\n" << kUsage;
    return prunelab::cli::BadUsage;
}
