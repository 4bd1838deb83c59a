#pragma once

#include "core/workbench/SensitivityAnalysis.h"
#include "core/workbench/Session.h"
#include "core/workbench/SvgChart.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>

namespace prunelab::workbench {

/// `prunelab-cli export`: turns a session folder into files for other tools (../shared/CLI.md, "Exported files").
/// Every file is written atomically; failures throw SessionError naming the file.
class SessionExporter {
public:
    explicit SessionExporter(Session session);

    /// The formats this version writes (torchscript and compact-torchscript are not among them yet). `plots` and
    /// the PDF of `report` are drawn by the GUI's chart classes: exportTo() writes them through the chart renderer,
    /// write() does not.
    static QStringList formats();
    /// Formats of the contract that this version refuses with a message saying so.
    static QStringList unavailableFormats();

    /// `K`, `best` (the round with the best validation accuracy for a sweep, else the last), `last` or empty (last).
    int resolveRound(const QString& spec) const;

    /// Writes `format` for `round` to `out` (a file, or a folder for csv); returns the files written.
    QStringList write(const QString& format, const QString& out, int round) const;

    /// Draws the GUI's charts for the exports that show them (`plots`, the PDF beside `report`). The ui installs
    /// one (ui::ChartExport::installRenderer); the workbench does not draw widgets itself.
    struct ChartRenderer {
        std::function<QStringList(const QString& sessionPath, const QString& folder)> plots;
        std::function<void(const QString& sessionPath, int round, const QString& pdf)> reportPdf;
    };
    static void setChartRenderer(ChartRenderer renderer);
    /// The one export operation of `prunelab-cli export` and the Sessions page: write()'s formats, `plots` through
    /// the chart renderer, and `report` as OUT.html with OUT.pdf beside it (OUT given with or without .html or
    /// .pdf). Returns the files written; throws SessionError naming the file, or saying that no chart renderer is
    /// installed. `plots` and `report` draw widgets: call them on the GUI thread.
    QStringList exportTo(const QString& format, const QString& out, int round) const;

    /// The per-round records (rounds/<k>/validation.json), round 0 first.
    QList<QJsonObject> roundRecords() const;
    /// The HTML report: recipe, dataset, curves, per-round table, confusion matrix and classification report.
    /// The curves are inline SVG, or with `chartImages` the images chart:training and chart:sparsity (the GUI's
    /// charts, which ui/ChartExport adds for the PDF).
    QString reportHtml(int round, bool chartImages = false) const;
    /// CSV files of every plotted series: curves.csv (per epoch), rounds.csv (per round, accuracy vs
    /// sparsity; with the train, validation and test accuracy and loss, the parameters of the compact model and
    /// the units kept per layer: the table across iterations), layers.csv (per layer and round), confusion.csv
    /// (of `round`). Relative name → contents.
    QList<std::pair<QString, QByteArray>> csvFiles(int round) const;

    /// `results/retain.txt`: a geometric schedule's retention table as the interval-adjoint workflow's retain.txt,
    /// written by the run before it trains (GeometricRetention::toText).
    static QString retentionFile();
    /// The charts of results/retain.txt (none without it): neurons-per-iteration (N_t of every hidden layer
    /// against t, the interval-adjoint workflow's pruneNodesIteration.png) and neuron-distribution (every further
    /// hidden layer's N_t against the first one's, one point per iteration, the interval-adjoint workflow's
    /// pruneNodesDistribution.png; only with two or more hidden layers). Throws SessionError naming the line of a
    /// damaged file.
    QList<SvgChart::Plot> retentionPlots() const;
    /// The charts across the saved rounds (the interval-adjoint workflow's concatenate.py): accuracies (train,
    /// validation, test) and losses (the same three) against the round; for a sensitivity run also `sensitivity`
    /// (accuracy against sparsity, one line per layer).
    QList<SvgChart::Plot> iterationPlots() const;
    /// The sensitivity table of the saved rounds (empty unless the session ran prune.schedule sensitivity);
    /// csvFiles() writes it as sensitivity.csv.
    SensitivityAnalysis sensitivityAnalysis() const;

private:
    QStringList copyModelFile(const QString& file, const QString& shaKey, const QString& out, int round) const;
    QStringList bundle(const QString& out) const;
    Session session_;
};

} // namespace prunelab::workbench
