#pragma once

#include "core/workbench/RunTypes.h"

#include <QList>
#include <QPointF>
#include <QWidget>

class QChart;
class QCheckBox;
class QLineSeries;
class QTimer;
class QValueAxis;

namespace prunelab::ui {

/// The weights of one layer as a histogram: the dense model's (before pruning) and the latest round's surviving
/// weights (after pruning), as step lines over the weight value. Linear or log count scale. Rounds are buffered and
/// drawn on a coalescing timer (~25 Hz), one QXYSeries::replace() per series.
class WeightHistogramWidget : public QWidget {
    Q_OBJECT
public:
    explicit WeightHistogramWidget(QWidget* parent = nullptr);

    void addRound(const workbench::RoundStats& stats);
    void setLayer(int layer);
    void setLogScale(bool log);
    void clear();

    /// Points drawn on the before/after series (what a person sees, not what is buffered).
    int plottedBins() const;
    /// bin_low, bin_high, before, after, one row per bin of the shown layer.
    QString toCsv() const;

private:
    void replot();
    QList<QPointF> steps(const workbench::LayerStats& layer) const;

    QChart* chart_ = nullptr;
    QLineSeries* before_ = nullptr;
    QLineSeries* after_ = nullptr;
    QValueAxis* weightAxis_ = nullptr;
    QValueAxis* countAxis_ = nullptr;
    QCheckBox* logScale_ = nullptr;
    QTimer* replotTimer_ = nullptr;

    QList<workbench::LayerStats> dense_;  ///< round 0
    QList<workbench::LayerStats> latest_; ///< the last round reported
    int latestRound_ = -1;
    int layer_ = 0;
    bool dirty_ = false;
};

} // namespace prunelab::ui
