#pragma once

#include <QByteArray>
#include <QImage>
#include <QString>
#include <QStringList>

class QWidget;

namespace prunelab::ui {

/// A finished session's charts rendered offscreen by the GUI's own chart classes (TrainingChart, SparsityChart),
/// fed from the session's metrics.jsonl: what `prunelab-cli export --format plots` and the PDF report write.
/// Needs a QApplication (QT_QPA_PLATFORM=offscreen is enough: no display).
class ChartExport {
public:
    /// training.png/.svg (loss and accuracy per epoch, pruning rounds marked) and sparsity.png/.svg (accuracy
    /// against weights remaining) in `folder`, then the session's series charts (workbench::SvgChart, with their
    /// CSV): accuracies and losses across the rounds and, for a geometric schedule, neurons-per-iteration and
    /// neuron-distribution. Returns the files written. Throws workbench::SessionError.
    static QStringList writePlots(const QString& sessionPath, const QString& folder);
    /// Lets the workbench write PNG beside the SVG of its charts (workbench::SvgChart::setPngRenderer): the SVG
    /// drawn by QSvgRenderer at twice its size on white. Needs a QGuiApplication; safe from any thread.
    static void installPngRenderer();
    /// Lets workbench::SessionExporter::exportTo() write `plots` and the PDF of `report` with these charts.
    static void installRenderer();
    /// The report of `round` as a PDF: the HTML report's tables with the two charts as images.
    static void writeReportPdf(const QString& sessionPath, int round, const QString& file);

    static QImage trainingImage(const QString& sessionPath);

    /// Any chart widget of the GUI as an image, PNG bytes or SVG document (what its context menu saves and copies).
    static QImage widgetImage(QWidget& chart);
    static QByteArray widgetPng(QWidget& chart);
    static QByteArray widgetSvg(QWidget& chart, const QString& title);
    /// Writes `chart` to `file` by its suffix: .png, .svg, or .csv (then `csv` is written). Throws
    /// workbench::SessionError naming the file when it cannot be written or the suffix is unknown.
    static void saveChart(QWidget& chart, const QString& file, const QString& csv = {});
    static QImage sparsityImage(const QString& sessionPath);
};

} // namespace prunelab::ui
