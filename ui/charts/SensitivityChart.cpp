#include "ui/charts/SensitivityChart.h"

#include "ui/charts/ChartContextMenu.h"
#include "ui/charts/Palette.h"

#include <QChart>
#include <QChartView>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QPen>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>

namespace prunelab::ui {

SensitivityChart::SensitivityChart(QWidget* parent) : QWidget(parent)
{
    chart_ = new QChart;
    chart_->setAnimationOptions(QChart::NoAnimation);
    chart_->setTitle(tr("Each layer pruned alone"));
    chart_->legend()->setAlignment(Qt::AlignBottom);
    sparsityAxis_ = new QValueAxis;
    sparsityAxis_->setTitleText(tr("sparsity of the layer (%)"));
    sparsityAxis_->setLabelFormat(QStringLiteral("%d"));
    sparsityAxis_->setRange(0, 100);
    accuracyAxis_ = new QValueAxis;
    accuracyAxis_->setTitleText(tr("validation accuracy (%)"));
    accuracyAxis_->setLabelFormat(QStringLiteral("%d"));
    accuracyAxis_->setRange(0, 100);
    chart_->addAxis(sparsityAxis_, Qt::AlignBottom);
    chart_->addAxis(accuracyAxis_, Qt::AlignLeft);
    view_ = new QChartView(chart_, this);
    view_->setRenderHint(QPainter::Antialiasing);
    view_->setMinimumSize(280, 180);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(view_);
    palette::follow(view_);
    ChartContextMenu::install(view_, QStringLiteral("sensitivity"), [this] { return toCsv(); });
}

void SensitivityChart::clear()
{
    chart_->removeAllSeries();
    analysis_ = {};
    layers_.clear();
}

void SensitivityChart::setAnalysis(const workbench::SensitivityAnalysis& analysis, double maxDropPoints)
{
    clear();
    analysis_ = analysis;
    const workbench::SvgChart::Plot plot = analysis.plot(); // the same lines and colours as the exported chart
    double low = 100.0 * analysis.denseAccuracy() - std::max(5.0, maxDropPoints);
    for (qsizetype i = 0; i < plot.series.size() && i < analysis.layers().size(); ++i) {
        auto* series = new QLineSeries;
        QString label = plot.series[i].name; // layers.0.weight: "layers.0" fits the legend of a narrow pane
        if (label.endsWith(QLatin1String(".weight")))
            label.chop(7);
        series->setName(label);
        QPen pen{QColor(plot.series[i].color)};
        pen.setWidthF(2.0);
        series->setPen(pen);
        series->setPointsVisible(true);
        series->replace(plot.series[i].points);
        for (const QPointF& p : plot.series[i].points)
            low = std::min(low, p.y());
        chart_->addSeries(series);
        series->attachAxis(sparsityAxis_);
        series->attachAxis(accuracyAxis_);
        layers_.append(plot.series[i].name);
    }
    // The dense accuracy and the floor of the proposal: a layer is proposed up to where its line leaves the band.
    const auto level = [&](const QString& name, double y, Qt::PenStyle style) {
        auto* line = new QLineSeries;
        line->setName(name);
        QPen pen(QColor(0x40, 0x40, 0x40));
        pen.setStyle(style);
        pen.setWidthF(1.5);
        line->setPen(pen);
        line->replace({{0.0, y}, {100.0, y}});
        chart_->addSeries(line);
        line->attachAxis(sparsityAxis_);
        line->attachAxis(accuracyAxis_);
    };
    level(tr("dense"), 100.0 * analysis.denseAccuracy(), Qt::DashLine);
    level(tr("−%1 pt").arg(maxDropPoints), 100.0 * analysis.denseAccuracy() - maxDropPoints, Qt::DotLine);
    accuracyAxis_->setRange(std::max(0.0, std::floor(low / 5.0) * 5.0),
                            std::min(100.0, 100.0 * analysis.denseAccuracy() + 5.0));
}

QStringList SensitivityChart::plottedLayers() const
{
    return layers_;
}

QString SensitivityChart::toCsv() const
{
    return QString::fromUtf8(analysis_.csv());
}

} // namespace prunelab::ui
