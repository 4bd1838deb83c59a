#include "ui/charts/TrainingChart.h"

#include "ui/charts/ChartContextMenu.h"
#include "ui/charts/Palette.h"

#include "core/engine/pruning/MethodCatalogue.h"

#include <QChart>
#include <QChartView>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QPen>
#include <QTimer>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace prunelab::ui {

namespace {

QLineSeries* makeSeries(const QString& name, const QColor& color, Qt::PenStyle style)
{
    auto* series = new QLineSeries;
    series->setName(name);
    QPen pen(color);
    pen.setWidthF(2.0);
    pen.setStyle(style);
    series->setPen(pen);
    series->setPointsVisible(true);
    return series;
}

} // namespace

TrainingChart::TrainingChart(QWidget* parent) : QWidget(parent)
{
    chart_ = new QChart;
    chart_->setAnimationOptions(QChart::NoAnimation);
    chart_->setTitle(tr("Loss and accuracy per epoch"));
    chart_->legend()->setAlignment(Qt::AlignBottom);
    // Four curves in one row of legend did not fit a projector's width ("validation l…"): the colour says loss or
    // accuracy (the axis titles are written in it), the line says train (dashed) or validation (solid), and the legend
    // shows only those two line styles and the pruning marker.
    chart_->legend()->setMarkerShape(QLegend::MarkerShapeFromSeries);

    const QColor blue(0x1f, 0x77, 0xb4);
    const QColor orange(0xff, 0x7f, 0x0e);
    trainLoss_ = makeSeries(tr("train loss"), blue, Qt::DashLine);
    validationLoss_ = makeSeries(tr("validation loss"), blue, Qt::SolidLine);
    trainAccuracy_ = makeSeries(tr("train accuracy"), orange, Qt::DashLine);
    validationAccuracy_ = makeSeries(tr("validation accuracy"), orange, Qt::SolidLine);
    const QColor green(0x2c, 0xa0, 0x2c);
    sparsity_ = makeSeries(tr("sparsity (%)"), green, Qt::SolidLine); // on the accuracy axis: both are percent
    sparsity_->setPointsVisible(false);
    sparsity_->setParent(this); // the chart owns it only while it shows it

    epochAxis_ = new QValueAxis;
    epochAxis_->setTitleText(tr("epoch"));
    epochAxis_->setLabelFormat(QStringLiteral("%d"));
    epochAxis_->setTickType(QValueAxis::TicksDynamic);
    epochAxis_->setTickAnchor(0);
    lossAxis_ = new QValueAxis;
    lossAxis_->setLabelFormat(QStringLiteral("%.1f"));
    lossAxis_->setTitleText(QStringLiteral("<span style=\"color:%1\">%2</span>").arg(blue.name(), tr("loss")));
    accuracyAxis_ = new QValueAxis;
    accuracyAxis_->setTitleText(
        QStringLiteral("<span style=\"color:%1\">%2</span>").arg(orange.name(), tr("accuracy (%)")));
    accuracyAxis_->setRange(0, 100);
    accuracyAxis_->setLabelFormat(QStringLiteral("%d"));
    chart_->addAxis(epochAxis_, Qt::AlignBottom);
    chart_->addAxis(lossAxis_, Qt::AlignLeft);
    chart_->addAxis(accuracyAxis_, Qt::AlignRight);
    for (QLineSeries* s : {trainLoss_, validationLoss_}) {
        chart_->addSeries(s);
        s->attachAxis(epochAxis_);
        s->attachAxis(lossAxis_);
    }
    for (QLineSeries* s : {trainAccuracy_, validationAccuracy_}) {
        chart_->addSeries(s);
        s->attachAxis(epochAxis_);
        s->attachAxis(accuracyAxis_);
    }
    for (QLineSeries* s : {trainLoss_, validationLoss_, trainAccuracy_, validationAccuracy_})
        for (QLegendMarker* marker : chart_->legend()->markers(s))
            marker->setVisible(false);
    const QColor grey(0x80, 0x80, 0x80); // legend entries only: no points, the line style is what they show
    for (QLineSeries* s :
         {makeSeries(tr("train"), grey, Qt::DashLine), makeSeries(tr("validation"), grey, Qt::SolidLine)}) {
        s->setPointsVisible(false);
        chart_->addSeries(s);
        s->attachAxis(epochAxis_);
        s->attachAxis(accuracyAxis_);
    }

    view_ = new QChartView(chart_, this);
    view_->setRenderHint(QPainter::Antialiasing);
    view_->setMinimumSize(280, 180); // fits beside the form on a 1024-wide projector
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(view_);
    palette::follow(view_);
    ChartContextMenu::install(view_, QStringLiteral("training"), [this] { return toCsv(); });

    replotTimer_ = new QTimer(this);
    replotTimer_->setInterval(40); // ~25 Hz
    connect(replotTimer_, &QTimer::timeout, this, &TrainingChart::replot);
    replotTimer_->start();
    clear();
}

void TrainingChart::addEpoch(const workbench::EpochStats& s)
{
    const double x = s.globalEpoch;
    trainLossPoints_.append({x, s.trainLoss});
    validationLossPoints_.append({x, s.validationLoss});
    trainAccuracyPoints_.append({x, 100.0 * s.trainAccuracy});
    validationAccuracyPoints_.append({x, 100.0 * s.validationAccuracy});
    epochRounds_.append(s.round);
    dirty_ = true;
}

void TrainingChart::markPruning(const workbench::RoundStats& stats)
{
    const engine::ScheduleInfo* schedule = engine::findSchedule(stats.schedule.toStdString());
    const engine::ScheduleKind kind = schedule != nullptr ? schedule->kind : engine::ScheduleKind::None;
    if (kind == engine::ScheduleKind::Sensitivity)
        return; // every round starts again from the dense model, with no training: nothing happens on this axis
    if (kind == engine::ScheduleKind::Gradual) {
        // Pruning inside the training: each pruning step where it happened, then the sparsity held to the round's
        // (its epoch's) end; no marker line per step.
        for (const workbench::GradualStepStats& g : stats.gradualSteps)
            sparsityPoints_.append({g.epoch, 100.0 * g.sparsity});
        for (qsizetype i = epochRounds_.size() - 1; i >= 0; --i)
            if (epochRounds_[i] == stats.round) {
                sparsityPoints_.append({validationAccuracyPoints_[i].x(), 100.0 * stats.sparsity});
                break;
            }
        dirty_ = true;
        return;
    }
    // The round's report comes after its fine-tuning epochs; the pruning itself came before them.
    double x = 0.5;
    for (qsizetype i = 0; i < epochRounds_.size(); ++i)
        if (epochRounds_[i] < stats.round)
            x = validationAccuracyPoints_[i].x() + 0.5;
    markerPositions_.append(x);
    markerLabel_ = tr("pruning");              // the rounds and their sparsity are in the log and the Results page
    if (kind != engine::ScheduleKind::Sweep) { // a sweep restarts every value from the dense model
        // A step: the sparsity before this pruning up to it, the new one after it.
        sparsityPoints_.append({x, sparsityPoints_.isEmpty() ? 0.0 : sparsityPoints_.last().y()});
        sparsityPoints_.append({x, 100.0 * stats.sparsity});
    }
    dirty_ = true;
}

void TrainingChart::clear()
{
    trainLossPoints_.clear();
    validationLossPoints_.clear();
    trainAccuracyPoints_.clear();
    validationAccuracyPoints_.clear();
    epochRounds_.clear();
    sparsityPoints_.clear();
    if (sparsity_->chart() != nullptr)
        chart_->removeSeries(sparsity_); // keeps the series, out of the chart and the legend
    sparsity_->setParent(this);
    markerPositions_.clear();
    for (QLineSeries* marker : std::as_const(pruneMarkers_)) {
        chart_->removeSeries(marker);
        delete marker;
    }
    pruneMarkers_.clear();
    dirty_ = true;
    replot();
}

int TrainingChart::plottedPoints() const
{
    return int(validationAccuracy_->count());
}

QList<QPointF> TrainingChart::plottedSparsity() const
{
    return sparsity_->points();
}

QString TrainingChart::toCsv() const
{
    QString csv = QStringLiteral("epoch,round,train_loss,validation_loss,train_accuracy,validation_accuracy\n");
    for (qsizetype i = 0; i < trainLossPoints_.size(); ++i)
        csv += QStringLiteral("%1,%2,%3,%4,%5,%6\n")
                   .arg(trainLossPoints_[i].x())
                   .arg(epochRounds_.value(i))
                   .arg(trainLossPoints_[i].y(), 0, 'g', 8)
                   .arg(validationLossPoints_[i].y(), 0, 'g', 8)
                   .arg(trainAccuracyPoints_[i].y() / 100.0, 0, 'g', 8)
                   .arg(validationAccuracyPoints_[i].y() / 100.0, 0, 'g', 8);
    return csv;
}

void TrainingChart::replot()
{
    if (!dirty_)
        return;
    dirty_ = false;
    trainLoss_->replace(trainLossPoints_);
    validationLoss_->replace(validationLossPoints_);
    trainAccuracy_->replace(trainAccuracyPoints_);
    validationAccuracy_->replace(validationAccuracyPoints_);
    sparsity_->replace(sparsityPoints_);
    if (!sparsityPoints_.isEmpty() && sparsity_->chart() == nullptr) { // in the chart and its legend once it prunes
        chart_->addSeries(sparsity_);
        sparsity_->attachAxis(epochAxis_);
        sparsity_->attachAxis(accuracyAxis_);
    }
    // One dotted vertical line per pruning round; only the first has a legend entry, named after the latest round.
    while (pruneMarkers_.size() < markerPositions_.size()) {
        const double x = markerPositions_[pruneMarkers_.size()];
        auto* marker = new QLineSeries;
        QPen pen(QColor(0x55, 0x55, 0x55));
        pen.setStyle(Qt::DotLine);
        pen.setWidthF(1.5);
        marker->setPen(pen);
        marker->replace({{x, 0.0}, {x, 100.0}});
        chart_->addSeries(marker);
        marker->attachAxis(epochAxis_);
        marker->attachAxis(accuracyAxis_);
        if (!pruneMarkers_.isEmpty())
            for (QLegendMarker* legend : chart_->legend()->markers(marker))
                legend->setVisible(false);
        pruneMarkers_.append(marker);
    }
    if (!pruneMarkers_.isEmpty())
        pruneMarkers_.first()->setName(markerLabel_);

    const double lastEpoch = trainLossPoints_.isEmpty() ? 1.0 : trainLossPoints_.last().x();
    const double maxEpoch = std::max(5.0, lastEpoch + 1.0);
    epochAxis_->setRange(0, maxEpoch);
    epochAxis_->setTickInterval(std::max(1.0, std::ceil(maxEpoch / 6.0))); // whole epochs, labels apart on a projector
    double maxLoss = 0.5;
    for (const QList<QPointF>* points : {&trainLossPoints_, &validationLossPoints_})
        for (const QPointF& p : *points)
            maxLoss = std::max(maxLoss, p.y());
    lossAxis_->setRange(0, maxLoss * 1.1);
}

} // namespace prunelab::ui
