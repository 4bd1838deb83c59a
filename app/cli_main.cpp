// prunelab-cli: runs PruneLab headless. Dispatches to app/CliCommands.cpp.
#include "BenchCommands.h"
#include "CliCommands.h"
#include "DatasetCommands.h"

#include "ui/charts/ChartExport.h"

#include <QApplication>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QGuiApplication>
#include <QTextStream>

#include <memory>

#include <cerrno>
#include <sys/stat.h>
#include <unistd.h>

namespace {

const char* const kUsage = R"(usage: prunelab-cli COMMAND [OPTIONS]

commands:
  run RECIPE.json|PRESET [--set KEY=VALUE]... [--sessions DIR] [--name NAME] [--json]
                        run an experiment in a new session: train, prune round by round, measure
  run [RECIPE] --from SESSION_DIR [--round K] [--set KEY=VALUE]...
                        a new session that starts after round K of an earlier one (its rounds 0..K copied)
  resume SESSION_DIR [--json]
                        continue a session after its last completed round (after Ctrl-C or a kill)
  validate SESSION_DIR [--round K]
                        reload a saved model and reproduce its recorded test accuracy
  export SESSION_DIR --format FORMAT --out PATH [--round K|best|last]
                        FORMAT: torchscript | compact-torchscript | state-dict | masks | csv | plots | report
                        | bundle
  run RECIPE --grid KEY=V1,V2,... [--grid ...] [--shard I/N]
                        every combination of values as one comparison; --shard runs the points i % N == I
  merge SESSION... --out DIR
                        combine the shards' comparisons into one
  list [--sessions DIR] [--json]
                        the sessions, newest first
  session rename SESSION_DIR NAME | session delete SESSION_DIR
  train --demo [--epochs N] [--sparsity F] [--method M] [--schedule S] [--rounds N] ...
                        the quick-demo preset on the demo MRI dataset, fields as flags
  presets [show NAME]   list the built-in presets, or print one as JSON
  methods [--json]      the pruning methods and schedules a recipe can name, one line each
  dataset summarize SOURCE [--json]
                        classes, counts, sizes, duplicates and skipped files of a dataset
  dataset export SOURCE OUT
                        write a dataset as PNG class folders, or a .zip of them
  dataset demo OUTDIR [--per-class N] [--seed S] [--image-size N]
                        write the demo dataset as class folders of PNG images
  bench train|infer|prune|decode|memory|all [--model M] [--no-reference] [--json]
                        speed against PyTorch / torchvision measured in the same run (see bench --help)

Run 'prunelab-cli COMMAND --help' for a command's options.
)";

/// Qt wants a private runtime folder (XDG_RUNTIME_DIR) and prints a warning on every call when a batch job, a container
/// or `su` has none. Such a folder is what Qt itself would fall back to: /tmp/runtime-USER, created 0700 when missing.
/// Left alone when set, or when the folder exists but is not ours (Qt then warns, rightly).
void ensureRuntimeDir()
{
    if (!qEnvironmentVariableIsEmpty("XDG_RUNTIME_DIR"))
        return;
    const QByteArray dir = QFile::encodeName(QDir::tempPath()) + "/runtime-" + QByteArray::number(uint(getuid()));
    if (mkdir(dir.constData(), 0700) != 0 && errno != EEXIST)
        return;
    struct stat info {};
    if (stat(dir.constData(), &info) == 0 && S_ISDIR(info.st_mode) && info.st_uid == getuid() &&
        (info.st_mode & 0777) == 0700)
        qputenv("XDG_RUNTIME_DIR", dir);
}

} // namespace

int main(int argc, char* argv[])
{
    ensureRuntimeDir();
    // export draws plots and the PDF report with the GUI's chart widgets: a QApplication on the offscreen platform
    // (no display needed). run, resume and train write PNG plots into the session (rasterised SVG): a
    // QGuiApplication, also offscreen. Every other command is Qt Core only.
    const bool drawsCharts = argc > 1 && qstrcmp(argv[1], "export") == 0;
    const bool drawsPictures =
        argc > 1 && (qstrcmp(argv[1], "run") == 0 || qstrcmp(argv[1], "resume") == 0 || qstrcmp(argv[1], "train") == 0);
    if ((drawsCharts || drawsPictures) && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    const std::unique_ptr<QCoreApplication> application = drawsCharts ? std::make_unique<QApplication>(argc, argv)
                                                          : drawsPictures
                                                              ? std::make_unique<QGuiApplication>(argc, argv)
                                                              : std::make_unique<QCoreApplication>(argc, argv);
    if (drawsCharts || drawsPictures)
        prunelab::ui::ChartExport::installPngRenderer();
    if (drawsCharts) // export's plots and the PDF report: the GUI's charts, drawn offscreen
        prunelab::ui::ChartExport::installRenderer();
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
    if (args[1] == QLatin1String("resume"))
        return prunelab::cli::resume(args.mid(1));
    if (args[1] == QLatin1String("validate"))
        return prunelab::cli::validate(args.mid(1));
    if (args[1] == QLatin1String("export"))
        return prunelab::cli::exportSession(args.mid(1));
    if (args[1] == QLatin1String("merge"))
        return prunelab::cli::merge(args.mid(1));
    if (args[1] == QLatin1String("list"))
        return prunelab::cli::list(args.mid(1));
    if (args[1] == QLatin1String("session"))
        return prunelab::cli::session(args.mid(1));
    if (args[1] == QLatin1String("train"))
        return prunelab::cli::train(args.mid(1));
    if (args[1] == QLatin1String("bench"))
        return prunelab::cli::bench(args.mid(1));
    if (args[1] == QLatin1String("presets"))
        return prunelab::cli::presets(args.mid(1));
    if (args[1] == QLatin1String("methods"))
        return prunelab::cli::methods(args.mid(1));
    if (args[1] == QLatin1String("dataset") && args.size() > 2 && args[2] == QLatin1String("demo"))
        return prunelab::cli::datasetDemo(args.mid(2));
    if (args[1] == QLatin1String("dataset") && args.size() > 2 && args[2] == QLatin1String("summarize"))
        return prunelab::cli::datasetSummarize(args.mid(2));
    if (args[1] == QLatin1String("dataset") && args.size() > 2 && args[2] == QLatin1String("export"))
        return prunelab::cli::datasetExport(args.mid(2));
    err << "prunelab-cli: unknown command '" << args.mid(1).join(QLatin1Char(' ')) << "'\n\n" << kUsage;
    return prunelab::cli::BadUsage;
}
