#pragma once

#include "core/workbench/RunTypes.h"

#include <QList>
#include <QString>

namespace prunelab::workbench {

/// The knee of an accuracy-vs-sparsity curve: the sparsest pruned round whose validation accuracy is still within
/// a tolerance (1 percentage point) of the dense model's. Validation, because the accuracy-vs-weights chart draws
/// its current run's points from it and because choosing a model is what validation data is for; the test split
/// stays untouched. What a lesson points at: past the knee, accuracy falls off the cliff.
struct AccuracyKnee {
    bool measured = false;        ///< there was a dense round (round 0) and at least one pruned round to look at
    bool found = false;           ///< a pruned round within the tolerance
    int round = 0;                ///< the knee's round
    double sparsity = 0.0;        ///< its achieved sparsity, [0, 1]
    double accuracy = 0.0;        ///< its validation accuracy, [0, 1]
    double denseAccuracy = 0.0;   ///< round 0's validation accuracy, [0, 1]
    double tolerancePoints = 1.0; ///< the tolerance it was found with, in percentage points

    /// Percentage points below the dense accuracy (negative: above).
    double pointsBelowDense() const { return 100.0 * (denseAccuracy - accuracy); }
    /// "knee: 90 % pruned, 1.0 pt below dense" ("… 0.5 pt above dense"); without a knee, why not ("no pruned round
    /// within 1 pt of dense"); empty without a dense round and a pruned one.
    QString describe() const;
};

/// The knee of `rounds` (a run's rounds in any order, the dense model as round 0): the pruned round with the highest
/// sparsity whose validation accuracy is at least the dense one minus `tolerancePoints` percentage points; of rounds
/// with the same sparsity, the later one. A noisy point below the tolerance before it does not hide a later point
/// within it: the knee is the last sparsity that still holds the dense accuracy, as the chart shows it. A gradual
/// run (rounds with gradualSteps) has none: its round 0 is not a trained dense model.
AccuracyKnee accuracyKnee(const QList<RoundStats>& rounds, double tolerancePoints = 1.0);

} // namespace prunelab::workbench
