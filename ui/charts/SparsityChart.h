#pragma once

#include "core/workbench/AccuracyKnee.h"
#include "core/workbench/RepeatStats.h"
#include "core/workbench/RunTypes.h"

#include <QList>
#include <QPointF>
#include <QWidget>

class QAreaSeries;
class QChart;
class QGraphicsSimpleTextItem;
class QLineSeries;
class QScatterSeries;
class QLogValueAxis;
class QValueAxis;

namespace prunelab::ui {

/// Accuracy against the share of weights remaining, one point per round (the dense model first), on a reversed
/// log axis as in the lottery-ticket papers: the curve runs left to right as the network gets sparser.
class SparsityChart : public QWidget {
    Q_OBJECT
public:
    explicit SparsityChart(QWidget* parent = nullptr);

    void addRound(const workbench::RoundStats& stats);
    /// Runs drawn beside the current one for comparison (earlier sessions): one dashed line each, test accuracy
    /// where the run has a test split, else validation. Replaces the overlays shown before; clear() keeps them.
    void setOverlays(const QList<QPair<QString, QList<workbench::RoundStats>>>& runs);
    int overlayCount() const { return int(overlays_.size()); }
    /// Each overlaid run's knee (workbench::accuracyKnee of its rounds), in overlay order: a ring in the run's colour
    /// where one is found, and "· knee 95 %" after its name in the legend.
    const QList<workbench::AccuracyKnee>& overlayKnees() const { return overlayKnees_; }
    /// Repeated runs (Comparison::isRepeated): per variant, its mean over the seeds as a solid line and the seeds'
    /// minimum to maximum as a translucent band around it (test accuracy where the runs have a test split, else
    /// validation). Replaces the bands shown before; clear() keeps them.
    void setBands(const QList<QPair<QString, QList<workbench::RepeatRound>>>& variants);
    int bandCount() const { return int(bands_.size()); }
    /// Band `i`'s mean line and its lower and upper edges (min, max), in chart coordinates.
    QList<QPointF> bandMean(int i) const;
    QList<QPointF> bandLower(int i) const;
    QList<QPointF> bandUpper(int i) const;
    void clear();
    int plottedRounds() const;
    /// weights_remaining_percent, validation_accuracy, test_accuracy per round drawn; then, when runs are overlaid,
    /// a second table `run,weights_remaining_percent,accuracy_percent`.
    QString toCsv() const;
    /// The knee of the current run's validation curve (workbench::accuracyKnee), marked on the chart with a ring, a
    /// dashed vertical line and its describe() text at the top of the plot; not measured before a pruned round.
    const workbench::AccuracyKnee& knee() const { return knee_; }

protected:
    void changeEvent(QEvent* event) override;

private:
    void updateKnee();
    void placeKneeLabel();
    void colourKnee();

    QChart* chart_ = nullptr;
    QLineSeries* validation_ = nullptr;
    QLineSeries* test_ = nullptr;
    QList<QLineSeries*> overlays_;
    QList<QScatterSeries*> overlayKneeMarkers_;
    QList<QAreaSeries*> bands_; ///< owns its lower and upper series
    QList<QLineSeries*> bandMeans_;
    QList<workbench::AccuracyKnee> overlayKnees_;
    QLogValueAxis* remainingAxis_ = nullptr;
    QValueAxis* accuracyAxis_ = nullptr;
    QList<workbench::RoundStats> rounds_; ///< the current run's rounds, without their layers
    workbench::AccuracyKnee knee_;
    QScatterSeries* kneeMarker_ = nullptr;
    QLineSeries* kneeLine_ = nullptr;
    QGraphicsSimpleTextItem* kneeLabel_ = nullptr;
};

} // namespace prunelab::ui
