#pragma once

#include "core/workbench/RunTypes.h"
#include "core/workbench/SvgChart.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace prunelab::workbench {

/// The sensitivity schedule's result (Distiller, NNI): the validation accuracy with one layer pruned alone to each
/// sparsity of the recipe's list, no fine-tuning, against the dense model's. Built from a run's rounds (round 0 and
/// the rounds that name a sensitivityLayer), so the live run, a reopened session and the exports read the same
/// table. Qt Core only.
class SensitivityAnalysis {
public:
    /// The rounds of a sensitivity run (any order; other rounds are ignored). Empty when none is one.
    static SensitivityAnalysis fromRounds(const QList<RoundStats>& rounds);

    bool isEmpty() const { return layers_.isEmpty(); }
    double denseAccuracy() const { return denseAccuracy_; }
    /// Layers in the order the run pruned them, sparsities ascending.
    const QStringList& layers() const { return layers_; }
    const QList<double>& sparsities() const { return sparsities_; }
    /// Validation accuracy in [0, 1] of `layer` pruned to sparsities()[s]; negative when not measured (yet).
    double accuracy(int layer, int s) const { return accuracy_.at(layer).at(s); }
    /// Each layer's prunable weights (0 when unknown).
    qint64 layerWeights(int layer) const { return weights_.value(layer); }

    /// One layer's proposal: the largest sparsity of the list up to which every measured sparsity keeps the accuracy
    /// within `maxDrop` points of the dense model's (0 when even the smallest drops more).
    struct Proposal {
        QString layer;
        double sparsity = 0.0;
        double accuracy = 0.0; ///< at that sparsity (the dense accuracy for 0)
    };
    QList<Proposal> propose(double maxDropPoints) const;
    /// The sparsity over all layers' weights if every layer were pruned to its proposal.
    double proposedOverallSparsity(double maxDropPoints) const;

    /// layer,sparsity,val_accuracy,drop_points: one line per layer and sparsity (dense first as layer "dense").
    QByteArray csv() const;
    /// The chart: validation accuracy (%) against sparsity (%), one line per layer, the dense accuracy as a line.
    SvgChart::Plot plot() const;
    /// The proposal as JSON a person copies: {"max_drop": …, "dense_accuracy": …, "overall_sparsity": …,
    /// "layer_sparsities": {"layers.0.weight": 0.9, …}}.
    QByteArray proposalJson(double maxDropPoints) const;
    /// One line per layer, for the Results page and the log.
    QString proposalText(double maxDropPoints) const;

    /// Results files: results/sensitivity.csv and results/sensitivity-proposal.json.
    static QString csvFile();
    static QString proposalFile();

private:
    double denseAccuracy_ = 0.0;
    QStringList layers_;
    QList<double> sparsities_;
    QList<QList<double>> accuracy_; ///< [layer][sparsity], −1 when not measured
    QList<qint64> weights_;
};

} // namespace prunelab::workbench
