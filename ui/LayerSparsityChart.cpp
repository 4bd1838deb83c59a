#include "ui/LayerSparsityChart.h"

#include "ui/charts/ChartContextMenu.h"
#include "ui/charts/Palette.h"

#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLegend>
#include <QLineSeries>
#include <QPen>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <iterator>

namespace prunelab::ui {

LayerSparsityChart::LayerSparsityChart(QWidget* parent) : QWidget(parent)
{
    setAccessibleName(tr("Sparsity of each layer across the rounds"));
    chart_ = new QChart;
    chart_->setAnimationOptions(QChart::NoAnimation);
    chart_->setTitle(tr("Sparsity per layer"));
    chart_->legend()->setAlignment(Qt::AlignRight);
    roundAxis_ = new QValueAxis;
    roundAxis_->setTitleText(tr("round"));
    roundAxis_->setLabelFormat(QStringLiteral("%d"));
    roundAxis_->setTickType(QValueAxis::TicksDynamic);
    roundAxis_->setTickAnchor(0);
    roundAxis_->setTickInterval(1);
    roundAxis_->setRange(0, 1);
    sparsityAxis_ = new QValueAxis;
    sparsityAxis_->setTitleText(tr("pruned (%)"));
    sparsityAxis_->setRange(0, 100);
    sparsityAxis_->setLabelFormat(QStringLiteral("%d"));
    chart_->addAxis(roundAxis_, Qt::AlignBottom);
    chart_->addAxis(sparsityAxis_, Qt::AlignLeft);
    view_ = new QChartView(chart_, this);
    view_->setRenderHint(QPainter::Antialiasing);
    view_->setMinimumSize(260, 180);
    measureChoice_ = new QComboBox;
    measureChoice_->setObjectName(QStringLiteral("layerMeasureCombo"));
    measureChoice_->setAccessibleName(tr("What the per-layer chart shows"));
    measureChoice_->addItem(tr("share of weights pruned"));
    measureChoice_->addItem(tr("similarity to the dense model (linear CKA)"));
    // Not as wide as its longest item: the chart keeps its room beside the training chart on a projector.
    measureChoice_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    measureChoice_->setMinimumContentsLength(12);
    measureChoice_->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    measureChoice_->setToolTip(tr("CKA compares each layer's activations with the dense model's on the same "
                                  "validation images: 100 % means the layer still represents them the same way"));
    connect(measureChoice_, &QComboBox::currentIndexChanged, this,
            [this](int index) { setMeasure(index == 1 ? Measure::Cka : Measure::Sparsity); });
    auto* choiceRow = new QHBoxLayout;
    choiceRow->setContentsMargins(4, 0, 4, 0);
    choiceRow->addWidget(new QLabel(tr("Show")));
    choiceRow->addWidget(measureChoice_);
    choiceRow->addStretch(1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addLayout(choiceRow);
    layout->addWidget(view_, 1);
    palette::follow(view_);
    ChartContextMenu::install(view_, QStringLiteral("layer-sparsity"), [this] { return toCsv(); });
}

void LayerSparsityChart::addRound(const workbench::RoundStats& stats)
{
    if (stats.layers.isEmpty())
        return;
    workbench::RoundStats kept = stats;
    for (workbench::LayerStats& layer : kept.layers) { // only the counts and CKA are plotted
        layer.histogram.clear();
        layer.maskImage.clear();
        layer.orderedMaskImage.clear(); // and the pictures (about 1.2 MB a round on the demo MLP)
        layer.orderedRows.clear();
        layer.orderedColumns.clear();
        layer.inputKept.clear();
        layer.neuronWeights.clear();
        layer.neuronScales.clear();
    }
    rounds_.append(kept);
    // A line per layer, made when the layer is first seen; the colours of Matplotlib's tab10, as elsewhere.
    static const QColor colours[] = {QColor(0x1f, 0x77, 0xb4), QColor(0xff, 0x7f, 0x0e), QColor(0x2c, 0xa0, 0x2c),
                                     QColor(0xd6, 0x27, 0x28), QColor(0x94, 0x67, 0xbd), QColor(0x8c, 0x56, 0x4b),
                                     QColor(0xe3, 0x77, 0xc2), QColor(0x7f, 0x7f, 0x7f), QColor(0xbc, 0xbd, 0x22),
                                     QColor(0x17, 0xbe, 0xcf)};
    while (series_.size() < stats.layers.size()) {
        auto* series = new QLineSeries;
        QString name = stats.layers[series_.size()].name; // every line is a weight: the legend says which layer
        if (name.endsWith(QLatin1String(".weight")))
            name.chop(7);
        series->setName(name);
        QPen pen(colours[series_.size() % std::size(colours)]);
        pen.setWidthF(2.0);
        series->setPen(pen);
        series->setPointsVisible(true);
        chart_->addSeries(series);
        series->attachAxis(roundAxis_);
        series->attachAxis(sparsityAxis_);
        series_.append(series);
    }
    for (qsizetype l = 0; l < stats.layers.size(); ++l)
        if (const double v = value(stats.layers[l], measure_); v >= 0.0)
            series_[l]->append(stats.round, v);
    roundAxis_->setRange(0, std::max(1, std::max(stats.round, stats.rounds)));
    palette::apply(view_); // the new lines' legend entries take the palette's text colour
}

double LayerSparsityChart::value(const workbench::LayerStats& layer, Measure measure)
{
    if (measure == Measure::Cka)
        return layer.cka >= 0.0 ? 100.0 * layer.cka : -1.0; // negative: not measured (too few validation images)
    return 100.0 * layer.sparsity;
}

void LayerSparsityChart::setMeasure(Measure measure)
{
    if (measure == measure_)
        return;
    measure_ = measure;
    measureChoice_->setCurrentIndex(measure == Measure::Cka ? 1 : 0);
    sparsityAxis_->setTitleText(measure == Measure::Cka ? tr("CKA vs the dense model (%)") : tr("pruned (%)"));
    chart_->setTitle(measure == Measure::Cka ? tr("Each layer against the dense model (CKA)")
                                             : tr("Sparsity per layer"));
    replot();
}

void LayerSparsityChart::replot()
{
    for (QLineSeries* series : std::as_const(series_))
        series->clear();
    for (const workbench::RoundStats& round : std::as_const(rounds_))
        for (qsizetype l = 0; l < round.layers.size() && l < series_.size(); ++l)
            if (const double v = value(round.layers[l], measure_); v >= 0.0)
                series_[l]->append(round.round, v);
}

void LayerSparsityChart::clear()
{
    for (QLineSeries* series : std::as_const(series_)) {
        chart_->removeSeries(series);
        delete series;
    }
    series_.clear();
    rounds_.clear();
    roundAxis_->setRange(0, 1);
}

int LayerSparsityChart::plottedRounds() const
{
    return series_.isEmpty() ? 0 : int(series_.first()->count());
}

QString LayerSparsityChart::toCsv() const
{
    QString csv = QStringLiteral("layer,round,sparsity_percent,kept,total,cka\n");
    for (const workbench::RoundStats& round : rounds_)
        for (const workbench::LayerStats& layer : round.layers)
            csv += QStringLiteral("%1,%2,%3,%4,%5,%6\n")
                       .arg(layer.name)
                       .arg(round.round)
                       .arg(100.0 * layer.sparsity, 0, 'g', 10)
                       .arg(layer.kept)
                       .arg(layer.total)
                       .arg(layer.cka >= 0.0 ? QString::number(layer.cka, 'g', 10) : QString());
    return csv;
}

} // namespace prunelab::ui
