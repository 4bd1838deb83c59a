#include "core/workbench/RunTypes.h"

namespace prunelab::workbench {

namespace {
QString percent(double fraction)
{
    return QString::number(fraction * 100.0, 'f', 1) + QLatin1Char('%');
}
} // namespace

QString describe(const EpochStats& s)
{
    const QString phase = s.phase == EpochStats::Phase::Train ? QStringLiteral("epoch") : QStringLiteral("fine-tune");
    return QStringLiteral("%1 %2/%3  train loss %4  train acc %5  val loss %6  val acc %7  (%8 s)")
        .arg(phase)
        .arg(s.epoch)
        .arg(s.epochs)
        .arg(s.trainLoss, 0, 'f', 4)
        .arg(percent(s.trainAccuracy))
        .arg(s.validationLoss, 0, 'f', 4)
        .arg(percent(s.validationAccuracy))
        .arg(s.seconds, 0, 'f', 2);
}

QString describe(const PruneStats& s)
{
    return QStringLiteral("pruned (%1): sparsity %2 (%3 of %4 weights kept)  val acc %5 -> %6")
        .arg(s.method, percent(s.sparsity))
        .arg(s.weightsKept)
        .arg(s.weightsTotal)
        .arg(percent(s.accuracyBefore), percent(s.accuracyAfter));
}

QString describe(const RunSummary& s)
{
    switch (s.outcome) {
    case RunSummary::Outcome::Completed:
        return QStringLiteral("done: val acc %1 at sparsity %2 in %3 s on %4")
            .arg(percent(s.finalValidationAccuracy), percent(s.finalSparsity))
            .arg(s.seconds, 0, 'f', 1)
            .arg(s.device);
    case RunSummary::Outcome::Cancelled:
        return QStringLiteral("cancelled after %1 s").arg(s.seconds, 0, 'f', 1);
    case RunSummary::Outcome::Failed:
        return QStringLiteral("failed: %1").arg(s.message);
    }
    return {};
}

} // namespace prunelab::workbench
