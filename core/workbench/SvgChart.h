#pragma once

#include <QList>
#include <QPointF>
#include <QString>

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
};

} // namespace prunelab::workbench
