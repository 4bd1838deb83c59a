#include "ui/charts/TrainingChart.h"

#include "ui/charts/ChartContextMenu.h"
#include "ui/charts/Palette.h"

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
    chart_->setTitle(tr("Training: loss and accuracy per epoch"));
    chart_->legend()->setAlignment(Qt::AlignBottom);

    const QColor blue(0x1f, 0x77, 0xb4);
    const QColor orange(0xff, 0x7f, 0x0e);
    trainLoss_ = makeSeries(tr("train loss"), blue, Qt::DashLine);
    validationLoss_ = makeSeries(tr("validation loss"), blue, Qt::SolidLine);
    trainAccuracy_ = makeSeries(tr("train accuracy"), orange, Qt::DashLine);
    validationAccuracy_ = makeSeries(tr("validation accuracy"), orange, Qt::SolidLine);

    epochAxis_ = new QValueAxis;
    epochAxis_->setTitleText(tr("epoch"));
    epochAxis_->setLabelFormat(QStringLiteral("%d"));
    epochAxis_->setTickType(QValueAxis::TicksDynamic);
    epochAxis_->setTickAnchor(0);
    lossAxis_ = new QValueAxis;
    lossAxis_->setTitleText(tr("loss"));
    accuracyAxis_ = new QValueAxis;
    accuracyAxis_->setTitleText(tr("accuracy (%)"));
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

    view_ = new QChartView(chart_, this);
    view_->setRenderHint(QPainter::Antialiasing);
    view_->setMinimumSize(420, 300);
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
    // The round's report comes after its fine-tuning epochs; the pruning itself came before them.
    double x = 0.5;
    for (qsizetype i = 0; i < epochRounds_.size(); ++i)
        if (epochRounds_[i] < stats.round)
            x = validationAccuracyPoints_[i].x() + 0.5;
    markerPositions_.append(x);
    markerLabel_ = tr("pruning (round %1: %2% sparse)").arg(stats.round).arg(stats.sparsity * 100.0, 0, 'f', 1);
    dirty_ = true;
}

void TrainingChart::clear()
{
    trainLossPoints_.clear();
    validationLossPoints_.clear();
    trainAccuracyPoints_.clear();
    validationAccuracyPoints_.clear();
    epochRounds_.clear();
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
    epochAxis_->setTickInterval(std::max(1.0, std::ceil(maxEpoch / 10.0))); // whole epochs, at most ~10 labels
    double maxLoss = 0.5;
    for (const QList<QPointF>* points : {&trainLossPoints_, &validationLossPoints_})
        for (const QPointF& p : *points)
            maxLoss = std::max(maxLoss, p.y());
    lossAxis_->setRange(0, maxLoss * 1.1);
}

} // namespace prunelab::ui
