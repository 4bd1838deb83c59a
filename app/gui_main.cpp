// prunelab: the desktop workbench. Argument parsing only; the window lives in ui/.
#include "ui/MainWindow.h"
#include "ui/ScreenshotTour.h"
#include "ui/charts/ChartExport.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QJsonObject>

#include <algorithm>

int main(int argc, char* argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("PruneLab"));
    QApplication::setOrganizationName(QStringLiteral("PruneLab"));
    QApplication::setApplicationVersion(QStringLiteral(PRUNELAB_VERSION));
    prunelab::ui::ChartExport::installPngRenderer(); // sessions get PNG beside the SVG of their plots

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Train and prune neural networks on image datasets."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption demo(QStringLiteral("demo"),
                                  QStringLiteral("Open the built-in demo dataset (the default)."));
    const QCommandLineOption autostart(QStringLiteral("autostart"),
                                       QStringLiteral("Start a run as soon as the dataset is ready."));
    const QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                        QStringLiteral("Save a PNG of the window when the run ends (or when the "
                                                       "dataset is ready without --autostart), then quit."),
                                        QStringLiteral("file"));
    const QCommandLineOption epochs(QStringLiteral("epochs"), QStringLiteral("Epochs for the run."),
                                    QStringLiteral("n"));
    const QCommandLineOption recipeOption(QStringLiteral("recipe"),
                                          QStringLiteral("Fill the form from a recipe file or preset."),
                                          QStringLiteral("file|preset"));
    const QCommandLineOption set(QStringLiteral("set"),
                                 QStringLiteral("Override a recipe field, e.g. prune.schedule=iterative."),
                                 QStringLiteral("key=value"));
    const QCommandLineOption tour(
        QStringLiteral("tour"),
        QStringLiteral("Load the demo, run the quick-demo preset (5 epochs unless --epochs), save a PNG "
                       "of every page and chart into the folder, then quit."),
        QStringLiteral("folder"));
    const QCommandLineOption presentation(
        QStringLiteral("presentation"), QStringLiteral("Start in presentation mode (full screen, larger fonts; F11)."));
    parser.addOptions({demo, autostart, screenshot, epochs, recipeOption, set, tour, presentation});
    parser.addPositionalArgument(QStringLiteral("dataset"),
                                 QStringLiteral("A folder, .zip, .csv, IDX or NIfTI source to open."),
                                 QStringLiteral("[dataset]"));
    parser.process(app);

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
