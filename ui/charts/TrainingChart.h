#pragma once

#include "core/workbench/RunTypes.h"

#include <QList>
#include <QPointF>
#include <QWidget>

class QChart;
class QChartView;
class QLineSeries;
class QValueAxis;
class QTimer;

namespace prunelab::ui {

/// Live loss and accuracy per epoch (train and validation), with the pruning step marked and the sparsity reached
/// drawn on the percent axis (the gradual schedule: every pruning step, rising inside the training curve).
/// Points are buffered and pushed to the series on a coalescing timer (~25 Hz) with one QXYSeries::replace()
/// per series, so a fast run never floods the event loop. Qt Charts stays behind this class (it is deprecated
/// from Qt 6.10 in favour of Qt Graphs).
class TrainingChart : public QWidget {
    Q_OBJECT
public:
    explicit TrainingChart(QWidget* parent = nullptr);

    void addEpoch(const workbench::EpochStats& stats);
    /// Draws a vertical marker where the round's pruning happened: after the last epoch of the round before it.
    /// The legend names the sparsity reached.
    void markPruning(const workbench::RoundStats& stats);
    void clear();

    /// Points currently drawn on the validation-accuracy series (what a person sees, not what is buffered).
    int plottedPoints() const;
    /// Points currently drawn on the sparsity series, as (epoch, percent).
    QList<QPointF> plottedSparsity() const;
    /// epoch, round, train_loss, validation_loss, train_accuracy, validation_accuracy (the points buffered).
    QString toCsv() const;

private:
    void replot();

    QChart* chart_ = nullptr;
    QChartView* view_ = nullptr;
    QLineSeries* trainLoss_ = nullptr;
    QLineSeries* validationLoss_ = nullptr;
    QLineSeries* trainAccuracy_ = nullptr;
    QLineSeries* validationAccuracy_ = nullptr;
    QLineSeries* sparsity_ = nullptr;
    QList<QLineSeries*> pruneMarkers_;
    QValueAxis* epochAxis_ = nullptr;
    QValueAxis* lossAxis_ = nullptr;
    QValueAxis* accuracyAxis_ = nullptr;
    QTimer* replotTimer_ = nullptr;

    QList<QPointF> trainLossPoints_, validationLossPoints_, trainAccuracyPoints_, validationAccuracyPoints_;
    QList<QPointF> sparsityPoints_; ///< percent
    QList<int> epochRounds_;        ///< the pruning round of each epoch added (0: dense training)
    QList<double> markerPositions_;
    QString markerLabel_;
    bool dirty_ = false;
};

} // namespace prunelab::ui
