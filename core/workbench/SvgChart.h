#pragma once

#include <QByteArray>
#include <QList>
#include <QPointF>
#include <QString>

#include <functional>

namespace prunelab::workbench {

/// Small self-contained SVG line charts for the HTML reports, written with Qt Core only (no Qt Gui, no display).
/// The GUI's interactive charts are ui/TrainingChart and ui/SparsityChart.
class SvgChart {
public:
    struct Series {
        QString name;
        QString color; ///< any SVG colour, e.g. #1f77b4
        QList<QPointF> points;
    };
    /// An SVG element (640×300) with axes, ticks, a legend and one polyline with markers per series.
    static QString lineChart(const QString& title, const QString& xLabel, const QString& yLabel,
                             const QList<Series>& series);

    /// One chart written as files: `name`.svg (lineChart), `name`.csv (its series) and `name`.png when a PNG
    /// renderer is installed.
    struct Plot {
        QString name; ///< file name without suffix, e.g. neurons-per-iteration
        QString title;
        QString xLabel;
        QString yLabel;
        QList<Series> series;
    };
    /// The plotted points as CSV: a header `series,<x label>,<y label>`, then one line per point.
    static QByteArray csv(const Plot& plot);
    /// lineChart() as a standalone SVG file.
    static QByteArray svgDocument(const Plot& plot);

    /// Rasterises an SVG document to PNG bytes. Qt Core cannot draw: the GUI layer installs one
    /// (ui::ChartExport::installPngRenderer, done by both mains) and the workbench uses it from any thread.
    using PngRenderer = std::function<QByteArray(const QByteArray& svg)>;
    static void setPngRenderer(PngRenderer renderer);
    static bool canRenderPng();
    /// The PNG of `svg`; empty without a renderer.
    static QByteArray png(const QByteArray& svg);
    /// Writes `folder`/name.svg, .csv and (with a renderer) .png of every plot atomically; returns the files.
    /// Throws SessionError naming the file that cannot be written.
    static QStringList writePlots(const QString& folder, const QList<Plot>& plots);
};

} // namespace prunelab::workbench
