#include "core/workbench/RunTypes.h"

#include <QJsonValue>

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

QJsonObject toJson(const EpochStats& s)
{
    return {{"event", "epoch"},
            {"phase", s.phase == EpochStats::Phase::Train ? "train" : "fine-tune"},
            {"epoch", s.epoch},
            {"epochs", s.epochs},
            {"global_epoch", s.globalEpoch},
            {"train_loss", s.trainLoss},
            {"train_accuracy", s.trainAccuracy},
            {"val_loss", s.validationLoss},
            {"val_accuracy", s.validationAccuracy},
            {"seconds", s.seconds}};
}

QJsonObject toJson(const PruneStats& s)
{
    return {{"event", "prune"},
            {"round", s.round},
            {"method", s.method},
            {"target_sparsity", s.targetSparsity},
            {"sparsity", s.sparsity},
            {"weights_total", s.weightsTotal},
            {"weights_kept", s.weightsKept},
            {"val_accuracy_before", s.accuracyBefore},
            {"val_accuracy_after", s.accuracyAfter}};
}

QJsonObject toJson(const RunSummary& s)
{
    const char* outcome = s.outcome == RunSummary::Outcome::Completed   ? "completed"
                          : s.outcome == RunSummary::Outcome::Cancelled ? "cancelled"
                                                                        : "failed";
    return {{"event", "done"},
            {"outcome", outcome},
            {"message", s.message},
            {"device", s.device},
            {"val_accuracy", s.finalValidationAccuracy},
            {"sparsity", s.finalSparsity},
            {"seconds", s.seconds}};
}

} // namespace prunelab::workbench
