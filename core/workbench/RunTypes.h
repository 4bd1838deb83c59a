#pragma once

#include <QJsonObject>
#include <QMetaType>
#include <QString>

namespace prunelab::workbench {

/// One finished epoch, as it crosses from the worker thread to the GUI (values only, no tensors).
struct EpochStats {
    enum class Phase { Train, FineTune };
    Phase phase = Phase::Train;
    int epoch = 0;       ///< 1-based within the phase
    int epochs = 0;      ///< epochs in the phase
    int globalEpoch = 0; ///< 1-based over the whole run (x axis of the charts)
    double trainLoss = 0.0;
    double trainAccuracy = 0.0; ///< [0, 1]
    double validationLoss = 0.0;
    double validationAccuracy = 0.0;
    double seconds = 0.0;
};

/// One pruning step.
struct PruneStats {
    int round = 1;
    QString method; ///< recipe name, e.g. global-magnitude
    double targetSparsity = 0.0;
    double sparsity = 0.0; ///< achieved over the prunable weights
    qint64 weightsTotal = 0;
    qint64 weightsKept = 0;
    double accuracyBefore = 0.0; ///< validation accuracy of the dense model
    double accuracyAfter = 0.0;  ///< right after pruning, before any fine-tuning
};

struct RunSummary {
    enum class Outcome { Completed, Cancelled, Failed };
    Outcome outcome = Outcome::Completed;
    QString message; ///< the error for Failed, a one-line result otherwise
    QString device;
    double finalValidationAccuracy = 0.0;
    double finalSparsity = 0.0;
    double seconds = 0.0;
};

/// The line a person reads for each event; the GUI's log and prunelab-cli print the same text.
QString describe(const EpochStats& stats);
QString describe(const PruneStats& stats);
QString describe(const RunSummary& summary);

/// The same events as one JSON object each (`{"event": "epoch", …}`), as `prunelab-cli --json` prints them.
QJsonObject toJson(const EpochStats& stats);
QJsonObject toJson(const PruneStats& stats);
QJsonObject toJson(const RunSummary& summary);

} // namespace prunelab::workbench

Q_DECLARE_METATYPE(prunelab::workbench::EpochStats)
Q_DECLARE_METATYPE(prunelab::workbench::PruneStats)
Q_DECLARE_METATYPE(prunelab::workbench::RunSummary)
