// prunelab: the desktop workbench. Argument parsing only; the window lives in ui/.
#include "GuiOptions.h"

#include "ui/MainWindow.h"
#include "ui/ScreenshotTour.h"
#include "ui/charts/ChartExport.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QJsonObject>
#include <QTextStream>

#include <algorithm>

namespace {

/// --help, --version and --man answer without a display: they need only Qt Core (a QApplication would abort on a
/// machine with none).
bool answersWithoutDisplay(int argc, char* argv[])
{
    for (int i = 1; i < argc; ++i) {
        const QByteArray a(argv[i]);
        if (a == "-h" || a == "--help" || a == "--help-all" || a == "-v" || a == "--version" || a == "--man")
            return true;
    }
    return false;
}

void describe(QCoreApplication& app)
{
    QCoreApplication::setApplicationName(QStringLiteral("prunelab"));
    QCoreApplication::setApplicationVersion(QStringLiteral(PRUNELAB_VERSION));
    QCommandLineParser parser;
    const prunelab::app::GuiOptions options;
    options.addTo(parser);
    parser.process(app); // prints --help or --version and exits; a bad option exits with its message
    if (parser.isSet(options.man))
        QTextStream(stdout) << prunelab::app::GuiOptions::manPage(parser);
}

} // namespace

int main(int argc, char* argv[])
{
    if (answersWithoutDisplay(argc, argv)) {
        QCoreApplication app(argc, argv);
        describe(app);
        return 0;
    }
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("PruneLab"));
    QApplication::setOrganizationName(QStringLiteral("PruneLab"));
    QApplication::setApplicationVersion(QStringLiteral(PRUNELAB_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("io.github.prunelab.PruneLab"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/io.github.prunelab.PruneLab.svg")));
    prunelab::ui::ChartExport::installPngRenderer(); // sessions get PNG beside the SVG of their plots

    QCommandLineParser parser;
    const prunelab::app::GuiOptions options;
    options.addTo(parser);
    parser.process(app);
    const QCommandLineOption& recipeOption = options.recipe;
    const QCommandLineOption& set = options.set;
    const QCommandLineOption& epochs = options.epochs;
    const QCommandLineOption& tour = options.tour;
    const QCommandLineOption& screenshot = options.screenshot;
    const QCommandLineOption& autostart = options.autostart;
    const QCommandLineOption& presentation = options.presentation;

    prunelab::ui::MainWindow window;
    if (parser.isSet(recipeOption) || parser.isSet(set)) {
        try {
            QJsonObject json = parser.isSet(recipeOption)
                                   ? prunelab::workbench::Recipe::loadJson(parser.value(recipeOption))
                                   : window.recipe().toJson();
            for (const QString& assignment : parser.values(set))
                prunelab::workbench::Recipe::applyOverride(json, assignment);
            window.setRecipe(prunelab::workbench::Recipe::fromJson(json));
        } catch (const prunelab::workbench::RecipeError& e) {
            qCritical("prunelab: %s", e.what());
            return 2;
        }
    }
    const QString tourFolder = parser.value(tour);
    if (!tourFolder.isEmpty() && !parser.isSet(epochs)) {
        auto recipe = window.recipe();
        recipe.train.epochs = std::min(recipe.train.epochs, 5);
        window.setRecipe(recipe);
    }
    if (parser.isSet(epochs)) {
        auto recipe = window.recipe();
        bool ok = false;
        recipe.train.epochs = parser.value(epochs).toInt(&ok);
        if (!ok || recipe.train.epochs < 1) {
            qCritical("--epochs needs a positive whole number, got '%s'", qPrintable(parser.value(epochs)));
            return 2;
        }
        window.setRecipe(recipe);
    }
    new prunelab::ui::ScreenshotTour(window, parser.value(screenshot), tourFolder, parser.isSet(autostart));
    window.show();
    if (parser.isSet(presentation))
        window.setPresentationMode(true);
    if (parser.isSet(options.lesson))
        window.setLessonMode(true);
    // The dataset named on the command line, else the recipe's own (fashion-mnist for the lottery preset), else the
    // demo.
    const QString recipeSource = window.recipe().dataset.source;
    if (!parser.positionalArguments().isEmpty() && tourFolder.isEmpty())
        window.openDataset(parser.positionalArguments().first());
    else if (tourFolder.isEmpty() && parser.isSet(recipeOption))
        window.openDataset(recipeSource); // the demo too: at the recipe's image size and seed
    else
        window.loadDemo();
    return app.exec();
}
