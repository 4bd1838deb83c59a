#pragma once

#include "core/workbench/RunTypes.h"

#include <QList>
#include <QWidget>

class QChart;
class QChartView;
class QLineSeries;
class QValueAxis;

namespace prunelab::ui {

/// Sparsity of every prunable layer across the rounds, one line per layer: where global pruning takes its weights
/// from (the big layers first), how a layer-by-layer schedule moves through the network, which layers a structured
/// method thins. Right-click: PNG, SVG, CSV.
class LayerSparsityChart : public QWidget {
    Q_OBJECT
public:
    explicit LayerSparsityChart(QWidget* parent = nullptr);

    void addRound(const workbench::RoundStats& stats);
    void clear();

    int plottedLayers() const { return int(series_.size()); }
    int plottedRounds() const;
    /// layer,round,sparsity_percent,kept,total
    QString toCsv() const;

private:
    QChart* chart_ = nullptr;
    QChartView* view_ = nullptr;
    QValueAxis* roundAxis_ = nullptr;
    QValueAxis* sparsityAxis_ = nullptr;
    QList<QLineSeries*> series_;
    QList<workbench::RoundStats> rounds_; ///< without their mask images and histograms
};

} // namespace prunelab::ui
