#pragma once

// prunelab's command line: its options in one place, for the parser in gui_main.cpp and for prunelab(1), which
// `prunelab --man` writes from the same parser's --help.

#include "ManPage.h"

#include <QCommandLineOption>
#include <QCommandLineParser>

namespace prunelab::app {

struct GuiOptions {
    QCommandLineOption demo{QStringLiteral("demo"), QStringLiteral("Open the built-in demo dataset (the default).")};
    QCommandLineOption autostart{QStringLiteral("autostart"),
                                 QStringLiteral("Start a run as soon as the dataset is ready.")};
    QCommandLineOption screenshot{QStringLiteral("screenshot"),
                                  QStringLiteral("Save a PNG of the window when the run ends (or when the dataset is "
                                                 "ready without --autostart), then quit."),
                                  QStringLiteral("file")};
    QCommandLineOption epochs{QStringLiteral("epochs"), QStringLiteral("Epochs for the run."), QStringLiteral("n")};
    QCommandLineOption recipe{QStringLiteral("recipe"), QStringLiteral("Fill the form from a recipe file or preset."),
                              QStringLiteral("file|preset")};
    QCommandLineOption set{QStringLiteral("set"),
                           QStringLiteral("Override a recipe field, e.g. prune.schedule=iterative (repeatable)."),
                           QStringLiteral("key=value")};
    QCommandLineOption tour{
        QStringLiteral("tour"),
        QStringLiteral("Load the demo, run the default recipe (accuracy-cliff, 5 epochs unless --epochs), save "
                       "a PNG of every page and chart, of each lesson step and of presentation "
                       "mode at 1024x768 and 1280x720 into the folder, then quit."),
        QStringLiteral("folder")};
    QCommandLineOption presentation{QStringLiteral("presentation"),
                                    QStringLiteral("Start in presentation mode (full screen, larger fonts; F11).")};
    QCommandLineOption lesson{QStringLiteral("lesson"),
                              QStringLiteral("Start in lesson mode: a guided walk through data, training, pruning "
                                             "and comparison (View > Lesson mode).")};
    QCommandLineOption man{QStringLiteral("man"), QStringLiteral("Print the manual page prunelab(1), in roff.")};

    /// Every option and the dataset argument, with -h/--help and -v/--version.
    void addTo(QCommandLineParser& parser) const
    {
        parser.setApplicationDescription(QStringLiteral("Train and prune neural networks on image datasets."));
        parser.addHelpOption();
        parser.addVersionOption();
        parser.addOptions({demo, autostart, screenshot, epochs, recipe, set, tour, presentation, lesson, man});
        parser.addPositionalArgument(QStringLiteral("dataset"),
                                     QStringLiteral("A folder of class folders, .zip, .csv manifest, IDX or NIfTI "
                                                    "source to open (default: the built-in demo)."),
                                     QStringLiteral("[dataset]"));
    }

    /// prunelab(1), from the parser's help text.
    static QString manPage(const QCommandLineParser& parser)
    {
        const ParsedHelp help = parseHelpText(parser.helpText());
        ManPage page;
        page.name = QStringLiteral("prunelab");
        page.section = QStringLiteral("1");
        page.version = QStringLiteral(PRUNELAB_VERSION);
        page.summary = QStringLiteral("workbench for training and pruning neural networks on image datasets");
        page.synopsis << QStringLiteral("prunelab [OPTIONS] [DATASET]");
        page.sections << ManPage::Section{
            QStringLiteral("Description"),
            {QStringLiteral("PruneLab opens a folder (or zip) of class-labelled images, shows samples and class "
                            "balance, trains a network on a background thread, prunes it (unstructured, "
                            "semi-structured N:M, structured; one-shot, iterative, lottery-ticket rewinding and "
                            "more) and draws accuracy against sparsity, weight histograms and mask heatmaps while "
                            "it runs. Every run is a session folder that can be resumed, compared and exported "
                            "(plots, pruned models for PyTorch and TorchScript, a report, a zip bundle)."),
             QStringLiteral("Without a DATASET it opens the built-in demo: brain MRI slices (Colin27 from the "
                            "mricron-data package, or a procedural phantom without it) in four classes. Press Start "
                            "on the Run page. prunelab-cli(1) runs the same recipes without a display.")},
            {},
            {},
            {}};
        page.sections << ManPage::Section{QStringLiteral("Options"), {}, help.options, {}, {}};
        page.sections << ManPage::Section{QStringLiteral("Arguments"), {}, help.arguments, {}, {}};
        page.sections << ManPage::Section{
            QStringLiteral("Files"),
            {},
            {{QStringLiteral("~/.local/share/PruneLab/sessions"),
              QStringLiteral("The sessions (File > Preferences chooses another folder).")},
             {QStringLiteral("~/.config/PruneLab/PruneLab.conf"),
              QStringLiteral("Settings: sessions folder, cache size limit, recent datasets, palette.")},
             {QStringLiteral("~/.cache/PruneLab/datasets"),
              QStringLiteral("Decoded pixels of datasets opened before; Preferences shows its size and clears it.")}},
            {},
            {}};
        page.sections << ManPage::Section{
            QStringLiteral("Examples"),
            {},
            {},
            {},
            {QStringLiteral("prunelab"), QStringLiteral("prunelab ~/data/brain-mri --recipe lecture-global-magnitude"),
             QStringLiteral("prunelab --presentation --autostart"),
             QStringLiteral("prunelab --recipe quick-demo --set prune.schedule=iterative")}};
        page.sections << ManPage::Section{QStringLiteral("See also"), {QStringLiteral("prunelab-cli(1)")}, {}, {}, {}};
        return page.toRoff();
    }
};

} // namespace prunelab::app
