#pragma once

#include <QList>
#include <QString>

namespace prunelab::workbench {

/// What one run does: train an MLP, prune it once by global magnitude, fine-tune with the mask held.
/// (The full JSON Recipe of ../shared/CLI.md grows out of this.)
struct RunConfig {
    QList<int> hidden{256, 128};
    QString init = QStringLiteral("default");
    QString optimizer = QStringLiteral("adam");
    double learningRate = 1e-3;
    double weightDecay = 0.0;
    int batchSize = 64;
    int epochs = 8;
    double validationFraction = 0.2;
    double pruneSparsity = 0.8; ///< fraction of weights removed by the global magnitude step; 0 = no pruning
    int fineTuneEpochs = 2;     ///< epochs trained after pruning, pruned weights held at zero
    quint64 seed = 42;
    QString device = QStringLiteral("auto");
};

} // namespace prunelab::workbench
