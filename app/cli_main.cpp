// prunelab-cli: runs PruneLab headless. Dispatches to app/CliCommands.cpp.
#include "CliCommands.h"

#include <QCoreApplication>
#include <QTextStream>

namespace {

const char* const kUsage = R"(usage: prunelab-cli COMMAND [OPTIONS]

commands:
  train --demo [--epochs N] [--sparsity F] [--fine-tune-epochs N] [--hidden 256,128]
        [--lr X] [--batch-size N] [--optimizer adam|adamw|sgd] [--seed S]
        [--per-class N] [--image-size N] [--device auto|cpu|cuda] [--json]
                        train an MLP on the demo MRI dataset, prune it once by global
                        magnitude to F (default 0.8), fine-tune with the mask held
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
    if (args[1] == QLatin1String("train"))
        return prunelab::cli::train(args.mid(1));
    if (args[1] == QLatin1String("dataset") && args.size() > 2 && args[2] == QLatin1String("demo"))
        return prunelab::cli::datasetDemo(args.mid(2));
    err << "prunelab-cli: unknown command '" << args.mid(1).join(QLatin1Char(' ')) << "'\n\n" << kUsage;
    return prunelab::cli::BadUsage;
}
