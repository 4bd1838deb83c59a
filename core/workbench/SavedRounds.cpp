#include "core/workbench/SavedRounds.h"

#include "core/engine/export/TorchScriptExport.h"
#include "core/workbench/SessionRecorder.h"

#include <torch/torch.h>

namespace prunelab::workbench::run {

namespace {

int roundOf(const Context& c, int round)
{
    return round >= 0 ? round : c.session.completedRound();
}

} // namespace

RunSummary validateRound(Context& c, const Worker& worker, int round)
{
    const int k = roundOf(c, round);
    const QJsonObject recorded = SessionRecorder(c.session).loadRoundModel(k, *c.model);
    const engine::Evaluation validation = c.trainer->evaluate(c.validation);
    const bool onTest = c.test.size() > 0;
    const double reproduced = onTest ? c.trainer->evaluate(c.test).accuracy : validation.accuracy;
    const double wanted =
        recorded.value(onTest ? QStringLiteral("test_accuracy") : QStringLiteral("val_accuracy")).toDouble(-1.0);
    RunSummary summary;
    summary.bestRound = k;
    summary.finalValidationAccuracy = validation.accuracy;
    summary.finalTestAccuracy = onTest ? reproduced : -1.0;
    summary.finalSparsity = recorded.value(QStringLiteral("sparsity")).toDouble();
    summary.session = c.session.path();
    const bool same =
        reproduced == wanted && validation.accuracy == recorded.value(QStringLiteral("val_accuracy")).toDouble(-1.0);
    summary.outcome = same ? RunSummary::Outcome::Completed : RunSummary::Outcome::Failed;
    summary.message = QStringLiteral("round %1: %2 accuracy recorded %3, reproduced %4 (%5)")
                          .arg(k)
                          .arg(onTest ? QStringLiteral("test") : QStringLiteral("validation"))
                          .arg(wanted, 0, 'g', 17)
                          .arg(reproduced, 0, 'g', 17)
                          .arg(same ? QStringLiteral("identical") : QStringLiteral("DIFFERENT"));
    summary.seconds = worker.seconds();
    return summary;
}

RunSummary exportRound(Context& c, const Worker& worker, int round, const QString& out, bool compact)
{
    const int k = roundOf(c, round);
    SessionRecorder(c.session).loadRoundModel(k, *c.model);
    // The saved weights hold the masks as zeros: the compact form finds the removed units from them.
    std::vector<std::string> names;
    for (const QString& n : c.data.train->classNames)
        names.push_back(n.toStdString());
    engine::exportTorchScript(*c.model, c.normalizer, names, {c.channels, c.height, c.width}, out.toStdString(),
                              compact);
    RunSummary summary;
    summary.outcome = RunSummary::Outcome::Completed;
    summary.bestRound = k;
    summary.session = c.session.path();
    summary.message = QStringLiteral("wrote %1 (%2, round %3)")
                          .arg(out, compact ? QStringLiteral("compact-torchscript") : QStringLiteral("torchscript"))
                          .arg(k);
    summary.seconds = worker.seconds();
    return summary;
}

} // namespace prunelab::workbench::run
