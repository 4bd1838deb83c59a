#include "ui/WeightHistogramWidget.h"

#include "ui/charts/ChartContextMenu.h"
#include "ui/charts/Palette.h"

#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QLegend>
#include <QLineSeries>
#include <QPen>
#include <QTimer>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace prunelab::ui {

WeightHistogramWidget::WeightHistogramWidget(QWidget* parent) : QWidget(parent)
{
    setAccessibleName(tr("Weight histogram of the chosen layer"));
    chart_ = new QChart;
    chart_->setAnimationOptions(QChart::NoAnimation);
    chart_->setTitle(tr("Weight histogram"));
    chart_->legend()->setAlignment(Qt::AlignBottom);
    before_ = new QLineSeries;
    before_->setName(tr("dense"));
    QPen beforePen(QColor(0x1f, 0x77, 0xb4));
    beforePen.setWidthF(1.5);
    before_->setPen(beforePen);
    after_ = new QLineSeries;
    after_->setName(tr("after pruning"));
    QPen afterPen(QColor(0xd6, 0x27, 0x28));
    afterPen.setWidthF(2.0);
    after_->setPen(afterPen);
    weightAxis_ = new QValueAxis;
    weightAxis_->setTitleText(tr("weight value"));
    weightAxis_->setLabelFormat(QStringLiteral("%.2f"));
    countAxis_ = new QValueAxis;
    countAxis_->setTitleText(tr("weights"));
    countAxis_->setLabelFormat(QStringLiteral("%d"));
    chart_->addAxis(weightAxis_, Qt::AlignBottom);
    chart_->addAxis(countAxis_, Qt::AlignLeft);
    for (QLineSeries* s : {before_, after_}) {
        chart_->addSeries(s);
        s->attachAxis(weightAxis_);
        s->attachAxis(countAxis_);
    }
    auto* view = new QChartView(chart_, this);
    view->setRenderHint(QPainter::Antialiasing);
    view->setMinimumSize(260, 160);
    logScale_ = new QCheckBox(tr("Log scale"));
    logScale_->setObjectName(QStringLiteral("histogramLogScale"));
    logScale_->setAccessibleName(tr("Log scale for the weight histogram"));
    logScale_->setToolTip(tr("Counts as log10(1 + weights): shows the thin tails next to the peak"));
    connect(logScale_, &QCheckBox::toggled, this, &WeightHistogramWidget::setLogScale);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(view, 1);
    layout->addWidget(logScale_);
    palette::follow(view);
    ChartContextMenu::install(view, QStringLiteral("weight-histogram"), [this] { return toCsv(); });

    replotTimer_ = new QTimer(this);
    replotTimer_->setInterval(40); // ~25 Hz, as the other live charts
    connect(replotTimer_, &QTimer::timeout, this, &WeightHistogramWidget::replot);
    replotTimer_->start();
    clear();
}

void WeightHistogramWidget::addRound(const workbench::RoundStats& stats)
{
    if (stats.layers.isEmpty())
        return;
    if (stats.round == 0)
        dense_ = stats.layers;
    latest_ = stats.layers;
    latestRound_ = stats.round;
    dirty_ = true;
}

void WeightHistogramWidget::setLayer(int layer)
{
    layer_ = std::max(0, layer);
    dirty_ = true;
}

void WeightHistogramWidget::setLogScale(bool log)
{
    if (logScale_->isChecked() != log)
        logScale_->setChecked(log); // calls back here
    dirty_ = true;
}

void WeightHistogramWidget::clear()
{
    dense_.clear();
    latest_.clear();
    latestRound_ = -1;
    dirty_ = true;
    replot();
}

int WeightHistogramWidget::plottedBins() const
{
    return int(before_->count() + after_->count()) / 2;
}

QList<QPointF> WeightHistogramWidget::steps(const workbench::LayerStats& layer) const
{
    QList<QPointF> points;
    const qsizetype bins = layer.histogram.size();
    if (bins == 0)
        return points;
    const bool log = logScale_->isChecked();
    const double width = (layer.histogramMax - layer.histogramMin) / double(bins);
    points.reserve(2 * bins + 2);
    points.append({layer.histogramMin, 0.0});
    for (qsizetype i = 0; i < bins; ++i) {
        const double count = double(layer.histogram[i]);
        const double y = log ? std::log10(1.0 + count) : count;
        points.append({layer.histogramMin + width * double(i), y});
        points.append({layer.histogramMin + width * double(i + 1), y});
    }
    points.append({layer.histogramMax, 0.0});
    return points;
}

void WeightHistogramWidget::replot()
{
    if (!dirty_)
        return;
    dirty_ = false;
    const workbench::LayerStats* dense = layer_ < dense_.size() ? &dense_[layer_] : nullptr;
    const workbench::LayerStats* latest = latestRound_ > 0 && layer_ < latest_.size() ? &latest_[layer_] : nullptr;
    before_->replace(dense ? steps(*dense) : QList<QPointF>{});
    after_->replace(latest ? steps(*latest) : QList<QPointF>{});
    // Short names, so that the legend fits a projector's width; the mask's caption says which round, how much pruned.
    after_->setName(tr("pruned"));
    const QString name = dense ? dense->name : latest ? latest->name : QString();
    chart_->setTitle(name.isEmpty() ? tr("Weight histogram (after the dense training)") : tr("Weights"));

    double low = -0.1, high = 0.1, top = 1.0;
    bool any = false;
    for (const QLineSeries* s : {before_, after_})
        for (const QPointF& p : s->points()) {
            low = any ? std::min(low, p.x()) : p.x();
            high = any ? std::max(high, p.x()) : p.x();
            top = std::max(top, p.y());
            any = true;
        }
    if (high <= low)
        high = low + 1.0;
    weightAxis_->setRange(low, high);
    const bool log = logScale_->isChecked();
    countAxis_->setTitleText(log ? tr("log10(1 + weights)") : tr("weights"));
    countAxis_->setLabelFormat(log ? QStringLiteral("%.1f") : QStringLiteral("%d"));
    countAxis_->setRange(0, top * 1.08);
}

QString WeightHistogramWidget::toCsv() const
{
    QString csv = QStringLiteral("layer,series,bin_low,bin_high,weights\n");
    const auto rows = [&csv](const QList<workbench::LayerStats>& layers, int index, const QString& series) {
        if (index >= layers.size())
            return;
        const workbench::LayerStats& layer = layers[index];
        const qsizetype bins = layer.histogram.size();
        const double width = bins ? (layer.histogramMax - layer.histogramMin) / double(bins) : 0.0;
        for (qsizetype i = 0; i < bins; ++i)
            csv += QStringLiteral("%1,%2,%3,%4,%5\n")
                       .arg(layer.name, series)
                       .arg(layer.histogramMin + width * double(i), 0, 'g', 8)
                       .arg(layer.histogramMin + width * double(i + 1), 0, 'g', 8)
                       .arg(layer.histogram[i]);
    };
    rows(dense_, layer_, QStringLiteral("before"));
    if (latestRound_ > 0)
        rows(latest_, layer_, QStringLiteral("after_round_%1").arg(latestRound_));
    return csv;
}

} // namespace prunelab::ui
