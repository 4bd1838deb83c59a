#pragma once

#include "core/workbench/RunTypes.h"

#include <QList>
#include <QWidget>

class QChart;
class QComboBox;
class QChartView;
class QLineSeries;
class QValueAxis;

namespace prunelab::ui {

/// Every prunable layer across the rounds, one line per layer: its sparsity (where global pruning takes its weights
/// from — the big layers first —, how a layer-by-layer schedule moves through the network, which layers a
/// structured method thins), or how alike its activations stay to the dense model's (linear CKA on the same
/// validation images, the strategy study's measure). Right-click: PNG, SVG, CSV.
class LayerSparsityChart : public QWidget {
    Q_OBJECT
public:
    explicit LayerSparsityChart(QWidget* parent = nullptr);

    void addRound(const workbench::RoundStats& stats);
    void clear();

    enum class Measure { Sparsity, Cka };
    void setMeasure(Measure measure);
    Measure measure() const { return measure_; }
    int plottedLayers() const { return int(series_.size()); }
    int plottedRounds() const;
    /// layer,round,sparsity_percent,kept,total,cka
    QString toCsv() const;

private:
    void replot();
    static double value(const workbench::LayerStats& layer, Measure measure);

    Measure measure_ = Measure::Sparsity;
    QComboBox* measureChoice_ = nullptr;
    QChart* chart_ = nullptr;
    QChartView* view_ = nullptr;
    QValueAxis* roundAxis_ = nullptr;
    QValueAxis* sparsityAxis_ = nullptr;
    QList<QLineSeries*> series_;
    QList<workbench::RoundStats> rounds_; ///< without their mask images and histograms
};

} // namespace prunelab::ui
