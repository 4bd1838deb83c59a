// prunelab-cli: runs PruneLab headless. The commands are listed in CliManual.cpp, each in its *Commands.cpp file.
#include "CliCommands.h"
#include "CliManual.h"
#include "CliOptions.h"

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
    const QString first = args.value(1);
    if (args.size() < 2 || first == QLatin1String("--help") || first == QLatin1String("-h")) {
        QTextStream(args.size() < 2 ? stderr : stdout) << prunelab::cli::usage();
        return args.size() < 2 ? prunelab::cli::BadUsage : prunelab::cli::Success;
    }
    if (first == QLatin1String("--version") || first == QLatin1String("-v")) {
        QTextStream(stdout) << "prunelab-cli " << PRUNELAB_VERSION << '\n';
        return prunelab::cli::Success;
    }
    if (first == QLatin1String("--man")) {
        QTextStream(stdout) << prunelab::cli::manPage();
        return prunelab::cli::Success;
    }
    int words = 0;
    if (const prunelab::cli::Command* command = prunelab::cli::findCommand(args.mid(1), &words)) {
        prunelab::cli::helpOutput.words = command->words.join(QLatin1Char(' '));
        return command->run(args.mid(words));
    }
    QTextStream(stderr) << prunelab::cli::errorPrefix() << "unknown command '" << args.mid(1).join(QLatin1Char(' '))
                        << "'\n\n"
                        << prunelab::cli::usage();
    return prunelab::cli::BadUsage;
}
