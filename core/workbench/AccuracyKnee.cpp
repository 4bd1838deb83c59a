#include "core/workbench/AccuracyKnee.h"

#include <QCoreApplication>

#include <cmath>

namespace prunelab::workbench {

namespace {

/// 90, 95, 99.5: one decimal only where it says something.
QString percent(double fraction)
{
    const double value = std::round(1000.0 * fraction) / 10.0;
    return QString::number(value, 'f', value == std::round(value) ? 0 : 1);
}

} // namespace

QString AccuracyKnee::describe() const
{
    if (!measured)
        return {};
    if (!found)
        return QCoreApplication::translate("AccuracyKnee", "no pruned round within %1 pt of dense")
            .arg(tolerancePoints, 0, 'f', 1);
    const double below = pointsBelowDense();
    // Rounded first, so that a knee 0.04 pt above dense does not read "-0.0 pt below".
    const double shown = std::round(10.0 * std::abs(below)) / 10.0;
    return QCoreApplication::translate("AccuracyKnee", "knee: %1 % pruned, %2 pt %3 dense")
        .arg(percent(sparsity))
        .arg(shown, 0, 'f', 1)
        .arg(below < 0.0 && shown > 0.0 ? QCoreApplication::translate("AccuracyKnee", "above")
                                        : QCoreApplication::translate("AccuracyKnee", "below"));
}

AccuracyKnee accuracyKnee(const QList<RoundStats>& rounds, double tolerancePoints)
{
    AccuracyKnee knee;
    knee.tolerancePoints = tolerancePoints;
    const RoundStats* dense = nullptr;
    bool pruned = false;
    for (const RoundStats& r : rounds) {
        // A gradual (AGP) run's rounds are the epochs of one training and its round 0 is the model after
        // start_epoch, not a trained dense one: accuracy against it would be a learning curve, not a knee.
        if (!r.gradualSteps.isEmpty())
            return knee;
        if (r.round == 0)
            dense = &r;
        else
            pruned = true;
    }
    if (dense == nullptr || !pruned)
        return knee;
    knee.measured = true;
    knee.denseAccuracy = dense->validationAccuracy;
    // A hair of slack so that exactly one point below (0.70 against 0.71) counts as within it, despite rounding.
    const double floor = dense->validationAccuracy - tolerancePoints / 100.0 - 1e-9;
    for (const RoundStats& r : rounds) {
        if (r.round == 0 || r.validationAccuracy < floor)
            continue;
        if (!knee.found || r.sparsity >= knee.sparsity) {
            knee.found = true;
            knee.round = r.round;
            knee.sparsity = r.sparsity;
            knee.accuracy = r.validationAccuracy;
        }
    }
    return knee;
}

} // namespace prunelab::workbench
