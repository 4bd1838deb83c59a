#pragma once

#include "core/workbench/SensitivityAnalysis.h"

#include <QWidget>

class QChart;
class QChartView;
class QValueAxis;

namespace prunelab::ui {

/// The sensitivity analysis as a person reads it: validation accuracy against the sparsity of one layer pruned
/// alone (no fine-tuning), one line per layer, with the dense accuracy and the allowed drop (prune.max_drop) as
/// dashed lines. A flat line is a layer that can be cut; a steep one is not. Right click: PNG, SVG, CSV.
class SensitivityChart : public QWidget {
    Q_OBJECT
public:
    explicit SensitivityChart(QWidget* parent = nullptr);

    void setAnalysis(const workbench::SensitivityAnalysis& analysis, double maxDropPoints);
    void clear();
    /// The layers drawn (one series each), in the order of the analysis.
    QStringList plottedLayers() const;
    /// The table as CSV (SensitivityAnalysis::csv).
    QString toCsv() const;

private:
    QChart* chart_ = nullptr;
    QChartView* view_ = nullptr;
    QValueAxis* sparsityAxis_ = nullptr;
    QValueAxis* accuracyAxis_ = nullptr;
    workbench::SensitivityAnalysis analysis_;
    QStringList layers_;
};

} // namespace prunelab::ui
