#pragma once

#include <QJsonObject>
#include <QList>
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
    int round = 0;       ///< 0 while training the dense model, k while fine-tuning after pruning round k
    double trainLoss = 0.0;
    double trainAccuracy = 0.0; ///< [0, 1]
    double validationLoss = 0.0;
    double validationAccuracy = 0.0;
    double seconds = 0.0;
};

/// One prunable layer after a round: what the histogram, heatmap and per-layer charts draw.
struct LayerStats {
    QString name; ///< PyTorch-style parameter name, e.g. layers.0.weight
    qint64 total = 0;
    qint64 kept = 0;
    double sparsity = 0.0;
    double cka = -1.0; ///< linear CKA of this layer's activations against the dense model's; negative: not measured
    QList<qint64> histogram; ///< of the non-zero weights over [histogramMin, histogramMax]
    double histogramMin = 0.0;
    double histogramMax = 0.0;
    QList<float> maskImage; ///< kept fraction per cell, maskRows × maskCols, row-major
    int maskRows = 0;
    int maskCols = 0;
    QList<qint64> shape;  ///< the weight's shape: [out, in] or [filters, channels, kh, kw]
    qint64 units = 0;     ///< neurons (linear) or filters (conv) of the layer
    qint64 unitsKept = 0; ///< of them, those with at least one weight left
    /// A layer drawn as a matrix: the mask with rows and columns sorted by kept share (most kept first), downsampled
    /// like maskImage; orderedRows[i] / orderedColumns[i]: the original row / column at sorted position i.
    QList<float> orderedMaskImage;
    QList<qint32> orderedRows;
    QList<qint32> orderedColumns;
    /// A first Linear layer reading the image only (else inputHeight 0): the share of each pixel's weights kept,
    /// inputHeight × inputWidth, row-major (mean over channels), and each output unit's kept weights (weight × mask)
    /// as a neuronHeight × neuronWidth picture, int8: value = q / 127 · neuronScales[unit]. Not written to
    /// metrics.jsonl (about 1 MB a round for the demo's 256 × 16,384 layer).
    int inputChannels = 0;
    int inputHeight = 0;
    int inputWidth = 0;
    QList<float> inputKept;
    int neuronHeight = 0;
    int neuronWidth = 0;
    QList<qint8> neuronWeights;
    QList<float> neuronScales;
};

/// One pruning step of the gradual schedule, inside a round's epoch.
struct GradualStepStats {
    qint64 step = 0;       ///< optimiser steps done over the whole run
    double epoch = 0.0;    ///< the same in epochs: the x of the training chart
    double target = 0.0;   ///< the AGP sparsity s_t
    double sparsity = 0.0; ///< achieved over the prunable weights
};

/// One round of an experiment: round 0 is the trained dense model, round k the model after the k-th pruning
/// step and its fine-tuning. Feeds the accuracy-vs-sparsity chart and the per-round table.
struct RoundStats {
    int round = 0;
    int rounds = 0; ///< rounds planned after the dense one
    QString method; ///< recipe name, e.g. global-magnitude
    QString schedule;
    double targetSparsity = 0.0;
    double sweepValue = 0.0; ///< sweep: the threshold or sparsity tried
    double sparsity = 0.0;   ///< achieved over the prunable weights
    qint64 weightsTotal = 0; ///< prunable weights
    qint64 weightsKept = 0;
    double accuracyBefore = 0.0; ///< validation accuracy right after pruning, before fine-tuning
    double validationAccuracy = 0.0;
    double validationLoss = 0.0;
    /// The training loss and accuracy of the epoch the round's model comes from (the last one, or the best one
    /// with train.restore_best), as train.csv records them: means over that epoch's batches.
    bool hasTrain = false;
    double trainLoss = 0.0;
    double trainAccuracy = 0.0;
    bool hasTest = false;
    double testAccuracy = 0.0;
    double testLoss = 0.0;
    qint64 parameters = 0;
    qint64 nonzeroParameters = 0;
    qint64 denseBytes = 0;
    qint64 sparseBytes = 0;
    qint64 denseMacs = 0;
    qint64 remainingMacs = 0;
    /// Structured methods: the physically smaller model compaction builds from this round's masks.
    bool structured = false;
    qint64 compactParameters = 0;
    qint64 compactBytes = 0;
    qint64 compactMacs = 0;
    /// Batch-1 latency in ms of the model as it is (pruned weights still multiplied), and through what pruning
    /// skips: PruneLab's CSR kernel ("csr", MLP-like models) or the compacted model ("compact", structured
    /// methods); negative when not measured (a GPU run, a session recorded before). Wall clock: kept in the round's
    /// event, not in the round's reproducible validation.json.
    double latencyMs = -1.0;
    double prunedLatencyMs = -1.0;
    QString prunedLatencyPath;
    QList<LayerStats> layers;
    /// Classification report on the test split when there is one, else on validation.
    bool reportOnTest = false;
    QList<QList<qint64>> confusion; ///< [true class][predicted class]
    QList<double> precision;
    QList<double> recall;
    QList<double> f1;
    QList<qint64> support;
    double macroF1 = 0.0;
    /// gradual: the pruning steps taken during this round's epoch (a round is one epoch).
    QList<GradualStepStats> gradualSteps;
    /// sensitivity: the one layer pruned (by |w|, to sweepValue) in this round; empty for other schedules.
    QString sensitivityLayer;
};

struct RunSummary {
    enum class Outcome { Completed, Cancelled, Failed };
    Outcome outcome = Outcome::Completed;
    QString message; ///< the error for Failed, a one-line result otherwise
    QString device;
    double finalValidationAccuracy = 0.0;
    double finalTestAccuracy = -1.0; ///< negative: no test set
    double finalSparsity = 0.0;
    int bestRound = 0;
    double seconds = 0.0;
    QString session; ///< the session folder the run wrote, empty without one
};

/// The line a person reads for each event; the GUI's log and prunelab-cli print the same text.
QString describe(const EpochStats& stats);
QString describe(const RoundStats& stats);
QString describe(const RunSummary& summary);

/// The same events as one JSON object each (`{"event": "epoch", …}`), as `prunelab-cli --json` prints them.
QJsonObject toJson(const EpochStats& stats);
QJsonObject toJson(const RoundStats& stats);
QJsonObject toJson(const RunSummary& summary);

/// The events back from their JSON (a session's metrics.jsonl), for charts and reports of a finished run. Mask
/// images are not in the JSON and stay empty.
EpochStats epochStatsFromJson(const QJsonObject& json);
RoundStats roundStatsFromJson(const QJsonObject& json);

} // namespace prunelab::workbench

Q_DECLARE_METATYPE(prunelab::workbench::EpochStats)
Q_DECLARE_METATYPE(prunelab::workbench::RoundStats)
Q_DECLARE_METATYPE(prunelab::workbench::RunSummary)
